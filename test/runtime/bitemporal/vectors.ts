// Reads the shared vectors of test/vectors/bitemporal (see the README there) and runs them
// through the core, turning the table back into the vectors' row shape.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BitemporalTable, OPEN, payloadKeyOfRecord, type BitemporalEvent, type DeadLetter, type KeyStateOptions, type LatePolicy } from '../../../runtime/bitemporal/index.ts';

export const VECTOR_DIR = fileURLToPath(new URL('../../vectors/bitemporal/', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Record_ = Record<string, Json>;

export interface VectorEvent {
  op: 'put' | 'delete';
  key: Record_;
  payload: Record_ | null;
  valid_from: string;
  valid_to: string | null;
  system_time: string;
}

export interface Vector {
  name: string;
  source: string;
  description: string;
  key: string[];
  payloadColumns: string[];
  /** Absent: the defaults (a window of 32, late = apply). */
  options?: { dedupWindow?: number; late?: LatePolicy };
  events: VectorEvent[];
  expected: {
    rows: Record_[];
    deadLetters: { event: number; reason: string }[];
    adjustedSystemTimes: number;
    duplicateEvents: number;
    /** Absent: 0. */
    lateEvents?: number;
  };
}

export interface VectorOutcome {
  rows: Record_[];
  deadLetters: { event: number; reason: string }[];
  adjustedSystemTimes: number;
  duplicateEvents: number;
  lateEvents: number;
}

/** The vector's options for the core (its dedup window and late policy). */
export function optionsOf(v: Vector): KeyStateOptions {
  return { ...(v.options?.dedupWindow !== undefined ? { dedupWindow: v.options.dedupWindow } : {}), ...(v.options?.late !== undefined ? { late: v.options.late } : {}) };
}

/** What a run of the vector must give: its `expected`, with the counts it may leave out. */
export function expectedOutcome(v: Vector): VectorOutcome {
  return { ...v.expected, lateEvents: v.expected.lateEvents ?? 0 };
}

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Epoch millis of a vector timestamp; the vectors use one canonical form only. */
export function millis(iso: string): number {
  if (!ISO_MILLIS.test(iso)) throw new Error(`not a canonical ISO-8601 UTC timestamp with milliseconds: ${iso}`);
  return Date.parse(iso);
}

function iso(ms: number): string | null {
  return ms === OPEN ? null : new Date(ms).toISOString();
}

export function loadVectors(): { file: string; vector: Vector }[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(join(VECTOR_DIR, file), 'utf8')) as Vector }));
}

/** The key's canonical string: its column values in `key` order, as JSON. */
function keyString(v: Vector, key: Record_): string {
  return JSON.stringify(v.key.map((c) => key[c] ?? null));
}

export function toEvent(v: Vector, e: VectorEvent): BitemporalEvent<Record_> {
  const times = { validFrom: millis(e.valid_from), validTo: e.valid_to === null ? OPEN : millis(e.valid_to), systemTime: millis(e.system_time) };
  if (e.op === 'delete') return { op: 'delete', ...times };
  const payload = e.payload ?? {};
  return { op: 'put', ...times, payload, payloadKey: payloadKeyOfRecord(payload, v.payloadColumns) };
}

/** Runs a vector's events in order through a fresh table. */
export function runVector(v: Vector, table = new BitemporalTable<Record_>(optionsOf(v))): VectorOutcome {
  for (const e of v.events) table.apply(keyString(v, e.key), toEvent(v, e));
  return outcome(v, table);
}

export function outcome(v: Vector, table: BitemporalTable<Record_>): VectorOutcome {
  const rows = table.rows().map((r) => {
    const keyValues = JSON.parse(r.key) as Json[];
    const row: Record_ = {};
    v.key.forEach((c, i) => (row[c] = keyValues[i] ?? null));
    for (const c of v.payloadColumns) row[c] = r.payload[c] ?? null;
    row['valid_from'] = iso(r.validFrom);
    row['valid_to'] = iso(r.validTo);
    row['system_from'] = iso(r.systemFrom);
    row['system_to'] = iso(r.systemTo);
    return row;
  });
  return {
    rows,
    deadLetters: table.deadLetters.map((d: DeadLetter) => ({ event: d.event, reason: d.reason })),
    adjustedSystemTimes: table.metrics.adjustedSystemTimes,
    duplicateEvents: table.metrics.duplicates,
    lateEvents: table.metrics.lateEvents,
  };
}
