// Reads the shared current-state vectors of test/vectors/current (see the README there) and
// runs them through the current-state core, turning the table back into the vectors' row shape.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { payloadKeyOfRecord } from '../../../runtime/bitemporal/index.ts';
import { CurrentTable } from '../../../runtime/current/state.ts';

export const CURRENT_VECTOR_DIR = fileURLToPath(new URL('../../vectors/current/', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Record_ = Record<string, Json>;

export interface CurrentVectorEvent {
  op: 'put' | 'delete';
  key: Record_;
  payload: Record_ | null;
}

export interface CurrentVector {
  name: string;
  source: string;
  description: string;
  key: string[];
  payloadColumns: string[];
  options?: { dedupWindow?: number };
  events: CurrentVectorEvent[];
  expected: { rows: Record_[]; duplicateEvents: number; unchangedEvents: number };
}

export function loadCurrentVectors(): { file: string; vector: CurrentVector }[] {
  return readdirSync(CURRENT_VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, vector: JSON.parse(readFileSync(join(CURRENT_VECTOR_DIR, file), 'utf8')) as CurrentVector }));
}

export function keyString(v: CurrentVector, key: Record_): string {
  return JSON.stringify(v.key.map((c) => key[c] ?? null));
}

/** Applies one vector event to a table. */
export function applyEvent(v: CurrentVector, table: CurrentTable<Record_>, e: CurrentVectorEvent): void {
  if (e.op === 'delete') table.apply(keyString(v, e.key), null, null);
  else table.apply(keyString(v, e.key), { ...e.key, ...e.payload }, payloadKeyOfRecord(e.payload ?? {}, v.payloadColumns));
}

export function outcome(v: CurrentVector, table: CurrentTable<Record_>): CurrentVector['expected'] {
  return {
    rows: table.rows().map(({ payload }) => {
      const row: Record_ = {};
      for (const c of [...v.key, ...v.payloadColumns]) row[c] = payload[c] ?? null;
      return row;
    }),
    duplicateEvents: table.metrics.duplicates,
    unchangedEvents: table.metrics.unchanged,
  };
}

export function runCurrentVector(v: CurrentVector, table = new CurrentTable<Record_>(v.options?.dedupWindow)): CurrentVector['expected'] {
  for (const e of v.events) applyEvent(v, table, e);
  return outcome(v, table);
}
