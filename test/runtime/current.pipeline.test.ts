/**
 * Current-state tables (a `key` without `bitemporal`) through the whole runtime: the shared
 * vectors of test/vectors/current as published JSON -> row mapping -> the current-state operator
 * -> the DuckDB table -> the rows read back, on one thread, on two partition workers, through
 * `lakec replay` as a process, and stopped after any event and resumed from the warehouse and
 * its state files. Then random sequences against the core, with checkpoints and restarts, and
 * what a column the runtime fills (`ingestion_time()`) does to redeliveries.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { payloadKeyOf } from '../../runtime/bitemporal/index.ts';
import { CurrentTable } from '../../runtime/current/state.ts';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { runJob } from '../../runtime/job.ts';
import { Processor } from '../../runtime/processor.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { lakec } from '../cli/run.ts';
import { currentSequence, currentSequenceSpec, publishedCurrent, type CurrentEvent } from './current/sequences.ts';
import { loadCurrentVectors } from './current/vectors.ts';
import { currentSpecText, publishedCurrentEvent, specOf, tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_701;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 25;
const TIMEOUT = Math.max(120_000, RUNS * 4000);

const vectors = loadCurrentVectors();
const work = tempDir('current');
afterAll(() => removeQuietly(work));

async function tableRows(warehouse: Warehouse, spec: DatasetSpec): Promise<Record<string, unknown>[]> {
  const r = await warehouse.query(warehouse.rowsSql(spec));
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
}

interface Run {
  rows: Record<string, unknown>[];
  metrics: { duplicates: number; unchanged: number; changed: number; recordsIn: number };
}

/** Runs `events` into a warehouse in `dir` (durable, with checkpoints) or in memory. */
async function pipeline(spec: DatasetSpec, events: unknown[], o: { dir?: string; partitions?: number; checkpointEvery?: number; haltAfter?: number } = {}): Promise<Run> {
  const dir = o.dir ?? tempDir('current-run');
  mkdirSync(dir, { recursive: true });
  const warehouse = await Warehouse.open(o.dir !== undefined ? join(dir, 'lake.duckdb') : ':memory:');
  try {
    const result = await runJob({
      spec,
      source: new ArraySource(events, { batchSize: 1 }),
      warehouse,
      checkpointDir: o.dir !== undefined ? join(dir, 'checkpoints') : null,
      stagingDir: join(dir, 'staging'),
      ...(o.partitions !== undefined ? { partitions: o.partitions } : {}),
      checkpoints: { events: o.checkpointEvery ?? 1_000_000, ms: 3_600_000 },
      ...(o.haltAfter !== undefined ? { haltAfterEvents: o.haltAfter } : {}),
    });
    return { rows: await tableRows(warehouse, spec), metrics: result.metrics };
  } finally {
    warehouse.close();
    if (o.dir === undefined) removeQuietly(dir);
  }
}

describe.each(vectors)('$file', ({ file, vector }) => {
  const spec = specOf(currentSpecText(vector), 'members');
  const events = vector.events.map(publishedCurrentEvent);
  const counts = (m: Run['metrics']) => ({ duplicateEvents: m.duplicates, unchangedEvents: m.unchanged });
  const expectedCounts = { duplicateEvents: vector.expected.duplicateEvents, unchangedEvents: vector.expected.unchangedEvents };

  it('is a current-state dataset of the model', () => {
    expect(spec.mode).toBe('current');
  });

  it('comes out exactly through mapping, the operator and the DuckDB table', async () => {
    const result = await new Processor(spec).replay(events);
    expect(result.rows).toEqual(vector.expected.rows);
    expect(result.deadLetters).toEqual([]);
    expect(counts(result.metrics)).toEqual(expectedCounts);
    expect(result.metrics.changed + result.metrics.unchanged + result.metrics.duplicates).toBe(vector.events.length);
  });

  it('comes out the same on two partition workers', async () => {
    const r = await pipeline(spec, events, { partitions: 2 });
    expect(r.rows).toEqual(vector.expected.rows);
    expect(counts(r.metrics)).toEqual(expectedCounts);
  }, 30_000);

  it('comes out the same when a run stops after any event and resumes from the warehouse and its checkpoints', async () => {
    for (let cut = 0; cut <= events.length; cut++) {
      const dir = join(work, `${file}-resume-${cut}`);
      await pipeline(spec, events, { dir, checkpointEvery: 1, haltAfter: cut });
      const end = await pipeline(spec, events, { dir, checkpointEvery: 1, partitions: cut === 1 ? 2 : 1 });
      expect(end.rows, `${file}, stopped after ${cut}`).toEqual(vector.expected.rows);
      expect(counts(end.metrics), `${file}, stopped after ${cut}`).toEqual(expectedCounts);
      removeQuietly(dir);
    }
  }, 60_000);

  it('comes out the same from lakec replay', () => {
    const base = join(work, file.replace(/\.json$/, ''));
    writeFileSync(`${base}.lake`, currentSpecText(vector));
    writeFileSync(`${base}.jsonl`, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = lakec(['replay', `${base}.lake`, '--dataset', 'members', '--events', `${base}.jsonl`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown)).toEqual(vector.expected.rows);
    expect(r.stderr).toContain(`${vector.expected.duplicateEvents} duplicate${vector.expected.duplicateEvents === 1 ? '' : 's'}`);
  }, 30_000);
});

// ---- random sequences -------------------------------------------------------------------------

let runId = 0;
const randomSpec = (dedupWindow: number): DatasetSpec => specOf(currentSequenceSpec(dedupWindow), 'members');
type Event = CurrentEvent;
const sequence = currentSequence;
const published = publishedCurrent;

/** The rows the core's in-memory table holds, as the warehouse returns them. */
function coreRows(events: Event[], dedupWindow: number): { rows: Record<string, unknown>[]; duplicates: number } {
  const table = new CurrentTable<string>(dedupWindow);
  for (const e of events) table.apply(e.key, e.op === 'put' ? e.payload : null, e.op === 'put' ? payloadKeyOf([e.payload]) : null);
  return { rows: table.rows().map((r) => ({ id: r.key, p: r.payload })), duplicates: table.metrics.duplicates };
}

/**
 * An obviously right model of current-state tables: every applied event of a key in a list; an event equal to
 * one of the last `window` of them is a duplicate; the row is the payload of the last applied
 * event when it is a put.
 */
function modelRows(events: Event[], window: number): Record<string, unknown>[] {
  const applied = new Map<string, Event[]>();
  for (const e of events) {
    const list = applied.get(e.key) ?? [];
    applied.set(e.key, list);
    const recent = window === 0 ? [] : list.slice(-window);
    if (recent.some((a) => a.op === e.op && (e.op === 'delete' || a.payload === e.payload))) continue;
    list.push(e);
  }
  return [...applied.keys()].sort().flatMap((key) => {
    const last = applied.get(key)!.at(-1);
    return last?.op === 'put' ? [{ id: key, p: last.payload }] : [];
  });
}

describe('current-state tables on random event sequences', () => {
  it('the core keeps the rows of a naive model of current-state tables', () => {
    fc.assert(
      fc.property(sequence, fc.constantFrom(0, 1, 2, 32), (events, window) => {
        expect(coreRows(events, window).rows).toEqual(modelRows(events, window));
      }),
      { seed: SEED, numRuns: RUNS * 20 },
    );
  });

  it('the pipeline stores the core\'s rows, with checkpoints, stops and restarts, on one or two partitions', async () => {
    await fc.assert(
      fc.asyncProperty(sequence, fc.constantFrom(1, 2, 32), fc.nat(), fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 2), async (events, window, cut, every, partitions) => {
        const spec = randomSpec(window);
        const expected = coreRows(events, window);
        const dir = join(work, `random-${runId++}`);
        await pipeline(spec, events.map(published), { dir, checkpointEvery: every, haltAfter: events.length === 0 ? 0 : cut % (events.length + 1), partitions });
        const end = await pipeline(spec, events.map(published), { dir, checkpointEvery: every, partitions });
        expect(end.rows).toEqual(expected.rows);
        expect(end.metrics.duplicates).toBe(expected.duplicates);
        removeQuietly(dir);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);
});

describe('a current-state table with a column the runtime fills', () => {
  const spec = specOf(currentSpecText({ key: ['id'], payloadColumns: ['tier'], events: [{ key: { id: 'm1' }, payload: { tier: 'gold' } }] }, true), 'members');

  it('takes a redelivery arriving at another time for a duplicate, and keeps the arrival time of the value', async () => {
    let now = Date.UTC(2024, 0, 1);
    const clock = (): number => (now += 60_000);
    const result = await new Processor(spec).replay(
      [{ id: 'm1', tier: 'gold' }, { id: 'm1', tier: 'gold' }, { id: 'm1', tier: 'silver' }, { id: 'm1', tier: 'gold' }],
      { clock, batchSize: 1 },
    );
    // The copies of event 1 (events 2 and 4) arrive later but are the same fact: duplicates.
    expect(result.metrics.duplicates).toBe(2);
    expect(result.rows).toEqual([{ id: 'm1', tier: 'silver', ingested_at: '2024-01-01T00:03:00.000Z' }]);
  });
});

describe('a warehouse written before keys meant one row per key', () => {
  it('is refused with the reason, not misread', async () => {
    const spec = specOf(currentSpecText(vectors[0]!.vector), 'members');
    const dir = join(work, 'old-append');
    mkdirSync(dir, { recursive: true });
    const warehouse = await Warehouse.open(join(dir, 'lake.duckdb'));
    try {
      // What an older lakec stored for the same dataset: append-only.
      await warehouse.ensureDataset({ ...spec, mode: 'append' });
      await expect(runJob({ spec, source: new ArraySource([]), warehouse, checkpointDir: join(dir, 'checkpoints'), stagingDir: join(dir, 'staging') })).rejects.toThrow(
        /^the warehouse holds dataset 'members' with a different definition \(it was stored append-only, every event a row; a dataset with a key and no bitemporal block now keeps one row per key\); use another --warehouse/,
      );
    } finally {
      warehouse.close();
    }
  });
});
