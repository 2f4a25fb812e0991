/**
 * The load test's generator (runtime/loadtest/generator.ts):
 *
 * - deterministic: one seed, one stream of events (texts, partition keys, kinds), byte for byte;
 *   another seed, another stream;
 * - over random specs (types, optional columns, nested JSON paths, checks of every shape the
 *   language has: comparisons, in-lists, and/or/not, is null, column against column; keys of one
 *   or two columns; bi-temporal with a producer's or the arrival time, current-state, append-only;
 *   dedup windows and late policies): every event generated as good passes the dataset's
 *   validation and every event generated as bad is dead-lettered, by the runtime's own processor
 *   (`Processor.replay`); where the generator says its prediction is exact, the processor's
 *   duplicates, late events and stored events are the ones it predicted;
 * - on the reference spec's trades, the predictions hold exactly.
 *
 * FC_SEED and FC_RUNS as in the other property tests.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../../runtime/dataset.ts';
import { EventGenerator, type Outcome } from '../../../runtime/loadtest/generator.ts';
import { Processor } from '../../../runtime/processor.ts';
import { root } from '../../support/compile.ts';
import { specHeader, specOf } from '../support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_241_204;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 40;

const trades = specOf(readFileSync(join(root, 'examples', 'audit-surveillance.lake'), 'utf8'), 'trades');

function stream(spec: DatasetSpec, seed: number, n: number, keys = Math.max(1, n / 10), mix = {}): { texts: string[]; pks: string[]; kinds: string[]; outcomes: Outcome[]; g: EventGenerator } {
  const g = new EventGenerator(spec, { seed, keys, mix });
  g.setPartitionKey('trade_id');
  const texts: string[] = [];
  const pks: string[] = [];
  const kinds: string[] = [];
  const outcomes: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    g.next();
    texts.push(g.text);
    pks.push(g.partitionKey);
    kinds.push(g.kind);
    outcomes.push(g.outcome);
  }
  return { texts, pks, kinds, outcomes, g };
}

/** Replays the events and compares what the processor did with what the generator said. */
async function judged(spec: DatasetSpec, s: ReturnType<typeof stream>): Promise<void> {
  const r = await new Processor(spec).replay(s.texts, { batchSize: 97 });
  const dead = new Map(r.deadLetters.map((d) => [(d.position as { index: number }).index, d.reason]));
  // With `system = ingestion` an event's system time is its arrival time: when more events of a
  // key than its window arrive in one millisecond, the later ones are late events, and with
  // `late = dead_letter` dead letters. Arrival times are not the generator's to choose, so only
  // those may differ from its prediction.
  const arrival = spec.mode === 'bitemporal' && spec.bitemporal?.system.kind === 'ingestion';
  let lateByArrival = 0;
  s.outcomes.forEach((o, i) => {
    if (o === 'dead_letter') expect(dead.has(i), `event ${i} (${s.kinds[i]}) was generated bad but stored: ${s.texts[i]}`).toBe(true);
    else if (arrival && dead.get(i) === 'late') lateByArrival++;
    else expect(dead.get(i), `event ${i} (${s.kinds[i]}) was generated good but dead-lettered: ${s.texts[i]}`).toBeUndefined();
  });
  const m = r.metrics;
  expect(m.recordsIn).toBe(s.texts.length);
  expect(m.deadLetters - lateByArrival).toBe(s.g.predicted.deadLetters);
  if (s.g.inexact.length === 0) {
    expect(m.duplicates, 'duplicates').toBe(s.g.predicted.duplicates);
    expect(m.changed + m.unchanged, 'stored').toBe(s.g.predicted.stored);
    expect(m.lateEvents, 'late events').toBe(s.g.predicted.late);
    if (spec.mode === 'bitemporal') expect(m.adjustedSystemTimes, 'adjusted system times').toBe(s.g.predicted.adjusted);
  }
}

describe('the generator', () => {
  it('is deterministic for a seed, and another seed sends other events', () => {
    const a = stream(trades, 42, 20_000);
    const b = stream(trades, 42, 20_000);
    expect(b.texts).toEqual(a.texts);
    expect(b.pks).toEqual(a.pks);
    expect(b.kinds).toEqual(a.kinds);
    const c = stream(trades, 43, 20_000);
    expect(c.texts.filter((t, i) => t === a.texts[i]).length).toBeLessThan(100);
  });

  it('sends every kind of traffic to the reference spec, and the processor does with each what the generator predicted', async () => {
    const s = stream(trades, 7, 30_000, 3000, { duplicate: 0.02, out_of_order: 0.02, late: 0.01, bad: 0.02, delete: 0.02 });
    for (const k of ['new', 'correction', 'delete', 'duplicate', 'out_of_order', 'late', 'malformed_json', 'wrong_type', 'missing_field', 'failed_check', 'unknown_op', 'invalid_interval']) {
      expect(s.g.counts[k as keyof typeof s.g.counts], k).toBeGreaterThan(0);
    }
    expect(s.g.inexact).toEqual([]);
    // Partition keys are the stream's partition_key field, the trade id.
    for (let i = 0; i < 50; i++) if (s.outcomes[i] !== 'dead_letter') expect(s.texts[i]).toContain(`"trade_id":"${s.pks[i]}"`);
    await judged(trades, s);
  }, 60_000);
});

// Random specs.
const scalarTypes = ['string', 'int', 'long', 'double', 'float', 'decimal(10, 2)', 'decimal(4, 4)', 'boolean', 'date', 'timestamp', 'uuid', 'binary'] as const;
const nestedTypes = ['list<string>', 'map<string, long>', 'struct<a: string, b: int?>', 'list<struct<x: double>>?'] as const;

interface Col { name: string; type: string; optional: boolean; path: string | null }

const literalFor = (type: string, k: number): string => {
  switch (type) {
    case 'string': return JSON.stringify(['a', 'BUY', 'x-1', 'zz'][k % 4]);
    case 'int': case 'long': return String([0, 5, -3, 100][k % 4]);
    case 'double': case 'float': return String([0.5, 10, -2.25, 1000][k % 4]);
    case 'decimal(10, 2)': return String(['1.25', '100', '0.25', '99999.99'][k % 4]);
    case 'decimal(4, 4)': return String(['0.5', '0.0001', '0.9', '0'][k % 4]);
    case 'date': return JSON.stringify(['2024-01-01', '2024-06-30', '2025-01-01', '1999-12-31'][k % 4]);
    case 'timestamp': return JSON.stringify(['2024-01-01T00:00:00Z', '2024-03-01T12:00:00Z', '2030-01-01T00:00:00Z', '2000-01-01T00:00:00Z'][k % 4]);
    case 'boolean': return ['true', 'false'][k % 2]!;
    default: return 'null';
  }
};

const comparable = (t: string): boolean => !['uuid', 'binary', ...nestedTypes].includes(t as never);

/** A check on column c (and maybe another column d of the same type), valid by construction. */
function checkText(c: Col, d: Col | undefined, shape: number, k: number): string | undefined {
  if (!comparable(c.type)) return shape % 2 === 0 ? `${c.name} is not null` : undefined;
  const lit = (j: number): string => literalFor(c.type, k + j);
  const ops = ['=', '<>', '<', '<=', '>', '>='];
  const op = c.type === 'boolean' || c.type === 'string' ? ['=', '<>'][k % 2]! : ops[k % ops.length]!;
  switch (shape % 8) {
    case 0: return `${c.name} ${op} ${lit(0)}`;
    case 1: return c.type === 'boolean' ? `${c.name} = true or ${c.name} = false` : `${c.name} in (${lit(0)}, ${lit(1)}, ${lit(2)})`;
    case 2: return c.type === 'boolean' ? `not ${c.name}` : `${c.name} not in (${lit(0)}, ${lit(1)})`;
    case 3: return `${c.name} ${c.type === 'boolean' ? '=' : op} ${lit(0)} and ${c.name} <> ${lit(1)}`;
    case 4: return `${c.name} ${op} ${lit(0)} or ${c.name} = ${lit(2)}`;
    case 5: return `not (${c.name} = ${lit(3)}) or ${c.name} is null`;
    case 6: return d !== undefined && d.type === c.type && c.type !== 'boolean' ? `${c.name} <> ${d.name} or ${c.name} is null` : `${c.name} is not null`;
    default: return d !== undefined && ['int', 'long', 'double', 'date', 'timestamp'].includes(c.type) && d.type === c.type ? `${c.name} >= ${d.name} or ${d.name} is null` : `${c.name} ${op} ${lit(1)}`;
  }
}

const column = fc.record({
  type: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...scalarTypes) }, { weight: 1, arbitrary: fc.constantFrom(...nestedTypes) }),
  optional: fc.boolean(),
  nested: fc.constantFrom<null | string>(null, null, null, 'info', 'meta'),
  check: fc.option(fc.tuple(fc.nat(7), fc.nat(11)), { nil: undefined, freq: 2 }),
});

const specShape = fc.record({
  mode: fc.constantFrom('bitemporal', 'bitemporal_ingestion', 'current', 'append'),
  keyType: fc.constantFrom('string', 'long', 'int', 'uuid'),
  keyCheck: fc.boolean(),
  twoKeys: fc.boolean(),
  columns: fc.array(column, { minLength: 1, maxLength: 5 }),
  window: fc.constantFrom<number | undefined>(undefined, undefined, 0, 1, 2, 8),
  late: fc.constantFrom('apply', 'dead_letter'),
  timeCheck: fc.boolean(),
  events: fc.integer({ min: 50, max: 1500 }),
  keys: fc.constantFrom(1, 3, 20, 500),
  seed: fc.nat(),
  bad: fc.constantFrom(0.01, 0.1),
});

type Shape = typeof specShape extends fc.Arbitrary<infer T> ? T : never;

function specText(s: Shape): string {
  const cols: Col[] = [];
  const keyed = s.mode !== 'append';
  if (keyed) {
    cols.push({ name: 'id', type: s.keyType, optional: false, path: null });
    if (s.twoKeys) cols.push({ name: 'region', type: 'string', optional: false, path: null });
  }
  s.columns.forEach((c, i) => cols.push({ name: `c${i}`, type: c.type, optional: c.optional, path: c.nested !== null ? `$.${c.nested}.c${i}` : null }));
  const lines: string[] = [];
  for (const c of cols) lines.push(`    ${c.name} ${c.type}${c.optional && !c.type.endsWith('?') ? '?' : ''}${c.path !== null ? ` = ${c.path}` : ''}`);
  const checks: string[] = [];
  s.columns.forEach((c, i) => {
    if (c.check === undefined) return;
    const me = cols.find((x) => x.name === `c${i}`)!;
    const other = cols.find((x) => x.name !== me.name && x.type === me.type && x.name.startsWith('c'));
    const text = checkText(me, other, c.check[0], c.check[1]);
    if (text !== undefined) checks.push(`${me.name}:${text}`);
  });
  if (keyed && s.keyCheck) checks.push(s.keyType === 'string' ? `id:id <> 'none'` : s.keyType === 'uuid' ? 'id:id is not null' : 'id:id >= 0');
  const bt = s.mode.startsWith('bitemporal');
  if (bt) {
    lines.push('    valid_from timestamp', '    valid_to timestamp?');
    if (s.mode === 'bitemporal') lines.push('    recorded_at timestamp');
    if (s.timeCheck) checks.push(`valid_from:valid_from >= '2020-01-01'`, `valid_to:valid_to is null or valid_to > valid_from`);
  }
  const withChecks = lines.map((l) => {
    const name = l.trim().split(' ')[0]!;
    const mine = checks.filter((c) => c.startsWith(`${name}:`)).map((c) => ` @check(${c.slice(name.length + 1)})`).join('');
    return l + mine;
  });
  const body = [
    '  from stream events',
    `  format = ${bt || s.mode === 'current' ? 'iceberg' : 'json'}`,
    `  columns {\n${withChecks.join('\n')}\n  }`,
    ...(keyed ? [`  key (${s.twoKeys ? 'id, region' : 'id'})`] : []),
    ...(keyed && s.window !== undefined ? [`  dedup_window = ${s.window}`] : []),
    ...(bt ? [`  bitemporal {\n    valid = valid_from .. valid_to\n    system = ${s.mode === 'bitemporal' ? 'recorded_at' : 'ingestion'}\n    late = ${s.late}\n  }`] : []),
  ];
  return `${specHeader}dataset d in curated {\n${body.join('\n')}\n}\n`;
}

describe('over random specs', () => {
  it('every event generated as good passes validation, every one generated as bad is dead-lettered, and exact predictions hold', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(specShape, async (s) => {
        const text = specText(s);
        let spec: DatasetSpec;
        try {
          spec = specOf(text, 'd');
        } catch (e) {
          throw new Error(`the random spec does not compile (a bug of this test):\n${text}\n${String(e)}`);
        }
        const g = stream(spec, s.seed, s.events, s.keys, { bad: s.bad, duplicate: 0.05, late: 0.02, out_of_order: 0.03 });
        runs++;
        await judged(spec, g);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  }, Math.max(120_000, RUNS * 4000));
});
