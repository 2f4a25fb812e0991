/**
 * Property tests of the whole pipeline (JSON events -> mapping -> core -> DuckDB table) over
 * random event sequences with corrections, deletes, open and closed intervals, same-time and
 * backwards system times, bad events and redeliveries:
 *
 * - the table equals the core's own in-memory table (the sink loses and invents nothing);
 * - as-of answers, through the `<dataset>_as_of` macro and the documented predicate, equal a
 *   deliberately naive reference model's (test/runtime/bitemporal/reference-model.ts);
 * - delivering every event twice gives the same table;
 * - stopping after any event (a crash: no last checkpoint) and running again from the last
 *   committed checkpoint gives the same table, on one thread and on two partition workers.
 *
 * Times are epoch milliseconds on a small grid, so a raised system time (+1 ms) is the model's +1.
 * FC_SEED and FC_RUNS as in the core's property tests.
 */
import fc from 'fast-check';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BitemporalTable, OPEN, payloadKeyOf, type KeyStateOptions } from '../../runtime/bitemporal/index.ts';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { runJob } from '../../runtime/job.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { ReferenceModel } from './bitemporal/reference-model.ts';
import { specHeader, specOf, tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_611;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 40;
const TIMEOUT = Math.max(120_000, RUNS * 3000);
const GRID = 20;
const KEYS = ['a', 'b', 'c'];

const spec = specOf(
  `${specHeader}dataset history in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    p           string?
    valid_from  timestamp
    valid_to    timestamp?
    system_time timestamp
  }
  key (id)
  bitemporal {
    valid = valid_from .. valid_to
    system = system_time
  }
}
`,
  'history',
);

interface Event {
  key: string;
  op: 'put' | 'delete';
  validFrom: number;
  validTo: number | null;
  systemTime: number;
  payload: string;
}

const draft = fc.record({
  key: fc.constantFrom(...KEYS),
  op: fc.constantFrom<'put' | 'delete'>('put', 'put', 'put', 'delete'),
  validFrom: fc.integer({ min: 0, max: 12 }),
  length: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) }),
  step: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: -4, max: -1 }) }),
  payload: fc.constantFrom('p1', 'p2', 'p3'),
});

/** Sequences with some events delivered again a little later (at-least-once delivery). */
const sequence: fc.Arbitrary<Event[]> = fc
  .tuple(fc.array(draft, { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }))
  .map(([drafts, picks]) => {
    let clock = 10;
    const events: Event[] = drafts.map((d) => {
      clock = Math.max(1, clock + d.step);
      return { key: d.key, op: d.op, validFrom: d.validFrom, validTo: d.length === null ? null : d.validFrom + d.length, systemTime: clock, payload: d.payload };
    });
    for (const [i, j] of picks) {
      if (events.length === 0) break;
      const from = i % events.length;
      events.splice(from + 1 + (j % (events.length - from)), 0, { ...events[from]! });
    }
    return events;
  });

const iso = (ms: number): string => new Date(ms).toISOString();

/** The event as a producer publishes it. */
function published(e: Event): Record<string, unknown> {
  return {
    ...(e.op === 'delete' ? { op: 'delete' } : {}),
    id: e.key,
    ...(e.op === 'put' ? { p: e.payload } : {}),
    valid_from: iso(e.validFrom),
    valid_to: e.validTo === null ? null : iso(e.validTo),
    system_time: iso(e.systemTime),
  };
}

/** The same dataset with a window of 2 and late events dead-lettered. */
const lateSpec = specOf(
  `${specHeader}dataset history in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    p           string?
    valid_from  timestamp
    valid_to    timestamp?
    system_time timestamp
  }
  key (id)
  dedup_window = 2
  bitemporal {
    valid  = valid_from .. valid_to
    system = system_time
    late   = dead_letter
  }
}
`,
  'history',
);

type Row = [key: string, payload: string | null, validFrom: number, validTo: number | null, systemFrom: number, systemTo: number | null];

/** The rows the core's in-memory table holds for the same events. */
function coreRows(events: Event[], options: KeyStateOptions = {}): Row[] {
  const table = new BitemporalTable<string>(options);
  for (const e of events) {
    const times = { validFrom: e.validFrom, validTo: e.validTo ?? OPEN, systemTime: e.systemTime };
    table.apply(e.key, e.op === 'put' ? { op: 'put', ...times, payload: e.payload, payloadKey: payloadKeyOf([e.payload]) } : { op: 'delete', ...times });
  }
  return table.rows().map((r) => [r.key, r.payload, r.validFrom, r.validTo === OPEN ? null : r.validTo, r.systemFrom, r.systemTo === OPEN ? null : r.systemTo]);
}

async function tableRows(w: Warehouse): Promise<Row[]> {
  const r = await w.query(
    `SELECT id, p, epoch_ms(valid_from), epoch_ms(valid_to), epoch_ms(system_from), epoch_ms(system_to) FROM history ORDER BY id, valid_from, system_from`,
  );
  return r.rows as Row[];
}

async function pipeline(events: Event[], options: { partitions?: number; dir?: string; checkpointEvery?: number; haltAfter?: number; spec?: DatasetSpec } = {}): Promise<Row[]> {
  const dir = options.dir ?? tempDir('props');
  mkdirSync(dir, { recursive: true });
  const warehouse = await Warehouse.open(options.dir !== undefined ? join(dir, 'lake.duckdb') : ':memory:');
  try {
    await runJob({
      spec: options.spec ?? spec,
      source: new ArraySource(events.map(published), { batchSize: 1 }),
      warehouse,
      checkpointDir: options.dir !== undefined ? join(dir, 'checkpoints') : null,
      stagingDir: join(dir, 'staging'),
      ...(options.partitions !== undefined ? { partitions: options.partitions } : {}),
      checkpoints: { events: options.checkpointEvery ?? 1_000_000, ms: 3_600_000 },
      ...(options.haltAfter !== undefined ? { haltAfterEvents: options.haltAfter } : {}),
    });
    return await tableRows(warehouse);
  } finally {
    warehouse.close();
    if (options.dir === undefined) removeQuietly(dir);
  }
}

const work = tempDir('props-work');
afterAll(() => removeQuietly(work));
let runId = 0;

describe('the pipeline on random event sequences', () => {
  it('stores exactly the rows of the core, and answers as-of queries as the reference model', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: GRID + 2 })), { minLength: 1, maxLength: 8 }), async (events, probes) => {
        const model = new ReferenceModel(GRID, 32);
        for (const e of events) model.apply({ ...e, payload: payloadKeyOf([e.payload]) });
        const warehouse = await Warehouse.open(':memory:');
        const dir = tempDir('props');
        try {
          await runJob({ spec, source: new ArraySource(events.map(published)), warehouse, checkpointDir: null, stagingDir: dir });
          expect(await tableRows(warehouse)).toEqual(coreRows(events));
          // Every (key, system instant, valid instant) of the grid through the documented predicate...
          const grid = await warehouse.query(
            `WITH probes AS (SELECT k.id, s.s, v.v FROM (VALUES ('a'), ('b'), ('c')) k(id) CROSS JOIN range(0, 61) s(s) CROSS JOIN range(0, ${GRID + 3}) v(v))
             SELECT q.id, q.s, q.v, h.p FROM probes q
             LEFT JOIN history h ON h.id = q.id AND h.system_from <= epoch_ms(q.s) AND (h.system_to IS NULL OR epoch_ms(q.s) < h.system_to)
               AND h.valid_from <= epoch_ms(q.v) AND (h.valid_to IS NULL OR epoch_ms(q.v) < h.valid_to)`,
          );
          // At most one row per key, system instant and valid instant: one answer per probe.
          expect(grid.rows.length).toBe(KEYS.length * 61 * (GRID + 3));
          for (const [key, s, v, p] of grid.rows as [string, number, number, string | null][]) {
            const expected = model.asOf(key, s, v);
            expect(p === null ? null : payloadKeyOf([p]), `${key} as of system ${s}, valid ${v}`).toBe(expected);
          }
          // ...and a few through the as-of macro users call.
          for (const [key, s, v] of probes) {
            const r = await warehouse.query(`SELECT p FROM history_as_of(epoch_ms(${s}), epoch_ms(${v})) WHERE id = '${key}'`);
            expect(r.rows.length).toBeLessThanOrEqual(1);
            const p = (r.rows[0]?.[0] ?? null) as string | null;
            expect(p === null ? null : payloadKeyOf([p]), `history_as_of: ${key} as of ${s}, valid ${v}`).toBe(model.asOf(key, s, v));
          }
        } finally {
          warehouse.close();
          removeQuietly(dir);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('gives the same table when every event is delivered twice', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.boolean(), async (events, immediately) => {
        const once = await pipeline(events);
        // Each copy right after its original, or the whole sequence interleaved with a lag of
        // a few events (still within what each key remembers).
        const twice = immediately ? events.flatMap((e) => [e, e]) : events.flatMap((e, i) => (i >= 3 ? [e, events[i - 3]!] : [e])).concat(events.slice(-3));
        expect(await pipeline(twice)).toEqual(once);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('writes the same table with a checkpoint after every few events as with one at the end', async () => {
    // Each checkpoint writes the current rows as a difference with the previous one: a row
    // replaced at the same times with another payload (rule 3 at one system time) must move too.
    const replaced: Event[][] = [
      [
        { key: 'a', op: 'put', validFrom: 0, validTo: null, systemTime: 10, payload: 'p1' },
        { key: 'a', op: 'put', validFrom: 0, validTo: null, systemTime: 10, payload: 'p2' },
      ],
      [
        { key: 'a', op: 'put', validFrom: 0, validTo: null, systemTime: 11, payload: 'p1' },
        { key: 'a', op: 'put', validFrom: 0, validTo: 1, systemTime: 12, payload: 'p2' },
        { key: 'a', op: 'put', validFrom: 0, validTo: null, systemTime: 12, payload: 'p1' },
      ],
    ];
    for (const events of replaced) {
      const dir = join(work, `every-${runId++}`);
      expect(await pipeline(events, { dir, checkpointEvery: 1 })).toEqual(coreRows(events));
      removeQuietly(dir);
    }
    await fc.assert(
      fc.asyncProperty(sequence, fc.integer({ min: 1, max: 3 }), async (events, every) => {
        const dir = join(work, `every-${runId++}`);
        expect(await pipeline(events, { dir, checkpointEvery: every })).toEqual(coreRows(events));
        removeQuietly(dir);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  }, TIMEOUT * 2);

  it('recognizes redeliveries across checkpoints and restarts (the remembered events go through the state files)', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.nat(), fc.integer({ min: 1, max: 3 }), async (events, cut, every) => {
        const once = await pipeline(events);
        // Each event again three events later: with a checkpoint every few events and a restart,
        // most copies arrive after their original was checkpointed and the state restored.
        const twice = events.flatMap((e, i) => (i >= 3 ? [e, events[i - 3]!] : [e])).concat(events.slice(-3));
        const dir = join(work, `redeliver-${runId++}`);
        await pipeline(twice, { dir, checkpointEvery: every, haltAfter: twice.length === 0 ? 0 : cut % (twice.length + 1) });
        expect(await pipeline(twice, { dir, checkpointEvery: every })).toEqual(once);
        removeQuietly(dir);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT * 2);

  it('with dedup_window = 2 and late = dead_letter, stores the core\'s rows and dead-letters its late events, across stops and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.nat(), fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 2), async (drawn, cut, every, partitions) => {
        // Each event again three events later: with a window of 2 many copies are late.
        const events = drawn.flatMap((e, i) => (i >= 3 ? [e, drawn[i - 3]!] : [e]));
        const options = { dedupWindow: 2, late: 'dead_letter' as const };
        const core = new BitemporalTable<string>(options);
        const late: number[] = [];
        events.forEach((e, i) => {
          const times = { validFrom: e.validFrom, validTo: e.validTo ?? OPEN, systemTime: e.systemTime };
          const out = core.apply(e.key, e.op === 'put' ? { op: 'put', ...times, payload: e.payload, payloadKey: payloadKeyOf([e.payload]) } : { op: 'delete', ...times });
          if (out.late) late.push(i);
        });
        const dir = join(work, `late-${runId++}`);
        const haltAfter = events.length === 0 ? 0 : cut % (events.length + 1);
        await pipeline(events, { dir, checkpointEvery: every, haltAfter, partitions, spec: lateSpec });
        expect(await pipeline(events, { dir, checkpointEvery: every, partitions, spec: lateSpec })).toEqual(coreRows(events, options));
        const w = await Warehouse.open(join(dir, 'lake.duckdb'));
        try {
          const dead = await w.query(`SELECT (position->>'index')::INTEGER FROM dead_letters.history WHERE reason = 'late' ORDER BY 1`);
          expect(dead.rows.map((r) => r[0])).toEqual(late);
          const m = await w.lastCommit('history');
          expect(m?.metrics.lateEvents).toBe(late.length);
        } finally {
          w.close();
        }
        removeQuietly(dir);
      }),
      { seed: SEED, numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  }, TIMEOUT * 2);

  it('gives the same table when a run stops after any event and resumes from its last checkpoint', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.nat(), fc.integer({ min: 1, max: 6 }), fc.constantFrom(1, 2), async (events, cut, every, partitions) => {
        const expected = await pipeline(events);
        const dir = join(work, `run-${runId++}`);
        const haltAfter = events.length === 0 ? 0 : cut % (events.length + 1);
        await pipeline(events, { dir, checkpointEvery: every, haltAfter, partitions });
        // A second interruption before the end, then the rest.
        await pipeline(events, { dir, checkpointEvery: every, haltAfter: Math.min(events.length, haltAfter + every + 1), partitions });
        expect(await pipeline(events, { dir, checkpointEvery: every, partitions })).toEqual(expected);
        removeQuietly(dir);
      }),
      { seed: SEED, numRuns: Math.max(10, Math.floor(RUNS / 2)) },
    );
  }, TIMEOUT * 2);
});
