/**
 * Sample events for a generated processor's own test: a put, a correction of one payload column
 * (bi-temporal: from a later valid time; current-state: an update of the key's row), a
 * redelivery of the first event and a bad event (a required field missing). Values fit each
 * column's type and pass its `@check`s, which the runtime's own evaluator judges, so the test
 * exercises the same rules the processor applies.
 */
import { compileCheck, literalsOf } from '../../../runtime/checks.ts';
import { coercer, Invalid } from '../../../runtime/coerce.ts';
import { layoutOf, type ColumnSpec, type DatasetSpec, type TypeSpec } from '../../../runtime/dataset.ts';

export interface SampleEvents {
  /** The events as published, in order (a string is an event's raw text). */
  readonly events: (Record<string, unknown> | string)[];
  /** What the processor must make of them. */
  readonly expect: {
    readonly rows: number;
    readonly duplicates: number;
    readonly deadLetters: number;
    /** The reason of the bad event. */
    readonly deadLetterReason: string;
    /** The corrected column and its two values (as stored), when there is a payload column to vary. */
    readonly corrected?: { readonly column: string; readonly before: unknown; readonly after: unknown };
  };
}

const T1 = '2024-01-01T00:00:00.000Z';
const T2 = '2024-01-02T00:00:00.000Z';

/** Candidate JSON values of a type, the column's check literals first; `name` labels strings. */
function candidates(t: TypeSpec, hints: readonly (string | number | boolean)[], name = 'value'): unknown[] {
  const numbers = hints.filter((h): h is number => typeof h === 'number');
  const around = [...numbers.flatMap((n) => [n, n + 1, n - 1]), 1, 2, 10, 0];
  switch (t.kind) {
    case 'decimal': return [...around.map(String), '1.5'];
    case 'list': return [[sampleOf(t.element)]];
    case 'map': return [{ [String(sampleOf(t.key))]: sampleOf(t.value) }];
    case 'struct': return [Object.fromEntries(t.fields.map((f) => [f.name, sampleOf(f.type)]))];
    case 'primitive':
      switch (t.name) {
        case 'string': return [...hints.filter((h): h is string => typeof h === 'string'), `${name}-1`, `${name}-2`];
        case 'int': case 'long': return around.filter(Number.isInteger);
        case 'float': case 'double': return around;
        case 'boolean': return [true, false];
        case 'date': return ['2024-01-01', '2024-01-02'];
        case 'timestamp': case 'timestamptz': return [T1, T2];
        case 'uuid': return ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'];
        case 'binary': return ['AAEC', 'AAED'];
        default: return [];
      }
  }
}

function sampleOf(t: TypeSpec): unknown {
  return candidates(t, [])[0];
}

/** Sets a value at a column's JSON path inside an event. */
function place(event: Record<string, unknown>, segments: readonly (string | number)[], value: unknown): void {
  let o = event;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = String(segments[i]);
    o[s] ??= {};
    o = o[s] as Record<string, unknown>;
  }
  o[String(segments[segments.length - 1])] = value;
}

export function sampleEvents(spec: DatasetSpec): SampleEvents {
  const layout = layoutOf(spec);
  const cols = spec.columns;
  const checks = cols.map((c) => c.checks.map((k) => compileCheck(k.expr, cols)));
  const row: unknown[] = cols.map(() => null);
  const chosen: unknown[] = cols.map(() => undefined);
  // Every check of every column, over the row as chosen so far (unset columns are null).
  const passes = (): boolean => checks.every((cs) => cs.every((c) => c(row) !== false));
  const choose = (i: number, c: ColumnSpec, skip: unknown): unknown => {
    const hints: (string | number | boolean)[] = [];
    for (const k of c.checks) literalsOf(k.expr, hints);
    for (const v of candidates(c.type, hints, c.name)) {
      if (skip !== undefined && JSON.stringify(v) === JSON.stringify(skip)) continue;
      const coerced = coercer(c.type)(v);
      if (coerced instanceof Invalid) continue;
      const before = row[i];
      row[i] = coerced;
      if (passes()) return v;
      row[i] = before;
    }
    return undefined;
  };
  cols.forEach((c, i) => {
    if (c.source.kind !== 'path') return;
    if (i === layout.validFromIndex || i === layout.systemIndex) chosen[i] = T1;
    else if (i === layout.validToIndex) chosen[i] = null;
    else chosen[i] = choose(i, c, undefined);
    if (chosen[i] !== null && chosen[i] !== undefined) {
      const coerced = coercer(c.type)(chosen[i]);
      row[i] = coerced instanceof Invalid ? null : coerced;
    }
  });
  const build = (values: unknown[]): Record<string, unknown> => {
    const event: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      if (c.source.kind === 'path' && values[i] !== undefined) place(event, c.source.segments, values[i]);
    });
    return event;
  };
  const first = build(chosen);
  const bitemporal = spec.mode === 'bitemporal';
  const current = spec.mode === 'current';

  // The correction: the first payload column that has another valid value.
  let corrected: SampleEvents['expect']['corrected'];
  const second = [...chosen];
  if (bitemporal || current) {
    for (const i of layout.payloadIndexes) {
      const c = cols[i]!;
      if (c.type.kind !== 'primitive' && c.type.kind !== 'decimal') continue;
      const before = row[i];
      const other = choose(i, c, chosen[i]);
      if (other === undefined) continue;
      second[i] = other;
      corrected = { column: c.name, before: stored(c.type, before), after: stored(c.type, row[i]) };
      row[i] = before;
      break;
    }
  }
  if (bitemporal) {
    second[layout.validFromIndex] = T2;
    if (layout.systemIndex >= 0) second[layout.systemIndex] = T2;
  }
  const correction = build(second);

  // The bad event: the first required column read from the event, left out.
  const required = cols.findIndex((c) => !c.optional && c.source.kind === 'path');
  const badValues = [...chosen];
  let reason = 'malformed JSON';
  if (required >= 0) {
    badValues[required] = undefined;
    const c = cols[required]!;
    reason = `missing required field '${c.name}' (${(c.source as { path: string }).path})`;
  }
  const bad = required >= 0 ? build(badValues) : '{"not": json';

  // A redelivery is recognized by the system time it states; with `system = ingestion` a copy
  // arrives at another time and is a new event (runtime/bitemporal/README.md), so none is sent.
  // A current-state table recognizes one by its payload (its arrival time does not count).
  const redeliver = (bitemporal && layout.systemIndex >= 0) || current;
  let events: SampleEvents['events'];
  let rows: number;
  const duplicates = redeliver ? 1 : 0;
  if (current) {
    // One row per key: the update replaces it, the redelivered first event changes nothing.
    events = corrected !== undefined ? [first, correction, first, bad] : [first, first, bad];
    rows = 1;
  } else if (bitemporal) {
    events = redeliver ? [first, correction, first, bad] : [first, correction, bad];
    rows = corrected !== undefined ? 3 : 1;
  } else {
    events = [first, correction, bad];
    rows = 2;
  }
  return {
    events,
    expect: { rows, duplicates, deadLetters: 1, deadLetterReason: reason, ...(corrected !== undefined ? { corrected } : {}) },
  };
}

/** A value as `replay` returns it: timestamps as ISO text, the rest as the runtime holds them. */
function stored(t: TypeSpec, v: unknown): unknown {
  if (t.kind === 'primitive' && (t.name === 'timestamp' || t.name === 'timestamptz') && typeof v === 'number') return new Date(v).toISOString();
  return v;
}
