/**
 * The shared bi-temporal vectors (test/vectors/bitemporal) through the whole runtime: events as
 * the JSON a producer publishes -> row mapping -> the core -> the DuckDB table -> the rows read
 * back, on one thread and on two partition workers, and through `lakec replay` as a process.
 * Every case must come out exactly: rows, dead letters, duplicate, adjusted and late counts. And
 * a run stopped after any event (without a last checkpoint, or with a savepoint) and resumed
 * from the warehouse and its state files comes out the same: a key's clock, remembered events
 * and forgotten time survive a restore, also for a key with no rows (C13).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import { Processor } from '../../runtime/processor.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { runJob } from '../../runtime/job.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { lakec } from '../cli/run.ts';
import { expectedOutcome, loadVectors } from './bitemporal/vectors.ts';
import { publishedEvent, specOf, tempDir, vectorSpecText, withoutStatedTime } from './support.ts';

const vectors = loadVectors();
const work = tempDir('vectors');
afterAll(() => removeQuietly(work));

async function storedRows(warehouse: Warehouse, spec: DatasetSpec): Promise<Record<string, unknown>[]> {
  const rows = await warehouse.query(warehouse.rowsSql(spec));
  return rows.rows.map((r) => withoutStatedTime(Object.fromEntries(rows.columns.map((c, i) => [c, r[i]]))));
}

async function deadLetters(warehouse: Warehouse): Promise<{ event: number; reason: string }[]> {
  const r = await warehouse.query(warehouse.deadLettersSql('history'));
  return r.rows.map(([reason, , position]) => ({ event: (position as { index: number }).index + 1, reason: String(reason) }));
}

/** The counts a vector states, from a run's metrics or from the vector. */
function counts(m: { adjustedSystemTimes: number; lateEvents: number } & ({ duplicates: number } | { duplicateEvents: number })): Record<string, number> {
  return { adjusted: m.adjustedSystemTimes, duplicates: 'duplicates' in m ? m.duplicates : m.duplicateEvents, late: m.lateEvents };
}

describe.each(vectors)('$file', ({ file, vector }) => {
  const spec = specOf(vectorSpecText(vector), 'history');
  const events = vector.events.map(publishedEvent);
  const expected = expectedOutcome(vector);

  it('comes out exactly through mapping, the core and the DuckDB table', async () => {
    const result = await new Processor(spec).replay(events);
    expect(result.rows.map(withoutStatedTime)).toEqual(vector.expected.rows);
    // Columns in table order: the dataset's, then the system-time interval.
    for (const row of result.rows) expect(Object.keys(row)).toEqual([...spec.columns.map((c) => c.name), 'system_from', 'system_to']);
    expect(result.deadLetters.map((d) => ({ event: (d.position as { index: number }).index + 1, reason: d.reason }))).toEqual(vector.expected.deadLetters);
    expect(result.metrics.adjustedSystemTimes).toBe(vector.expected.adjustedSystemTimes);
    expect(result.metrics.duplicates).toBe(vector.expected.duplicateEvents);
    expect(result.metrics.lateEvents).toBe(expected.lateEvents);
    expect(result.metrics.recordsIn).toBe(vector.events.length);
    // Each late event is logged (a vector has fewer than the ten logged one by one).
    expect(result.notices.filter((n) => n.startsWith('late event')).length).toBe(expected.lateEvents);
  });

  it('comes out the same on two partition workers', async () => {
    const warehouse = await Warehouse.open(':memory:');
    try {
      const result = await runJob({ spec, source: new ArraySource(events), warehouse, checkpointDir: null, stagingDir: join(work, `${file}-p2`), partitions: 2 });
      expect(await storedRows(warehouse, spec)).toEqual(vector.expected.rows);
      expect(counts(result.metrics)).toEqual(counts(expected));
    } finally {
      warehouse.close();
    }
  }, 30_000);

  it('comes out the same when a run stops after any event and resumes from the warehouse and its checkpoints', async () => {
    for (let cut = 0; cut <= events.length; cut++) {
      // A savepoint (a full checkpoint) once, in the middle; delta chains after every event.
      for (const stop of cut === Math.floor(events.length / 2) ? (['crash', 'savepoint'] as const) : (['crash'] as const)) {
        const dir = join(work, `${file}-resume-${cut}-${stop}`);
        // A checkpoint after every event; 'crash' stops without a last one (the next run resumes
        // from the checkpoint after event `cut`), 'savepoint' ends a source of `cut` events.
        const run = async (source: ArraySource, haltAfterEvents?: number, partitions = 1) => {
          const warehouse = await Warehouse.open(join(dir, 'lake.duckdb'));
          try {
            const result = await runJob({
              spec, source, warehouse, checkpointDir: join(dir, 'checkpoints'), stagingDir: join(dir, 'staging'), partitions,
              checkpoints: { events: 1, ms: 3_600_000 }, ...(haltAfterEvents !== undefined ? { haltAfterEvents } : {}),
            });
            return { result, rows: await storedRows(warehouse, spec), dead: await deadLetters(warehouse) };
          } finally {
            warehouse.close();
          }
        };
        mkdirSync(dir, { recursive: true });
        if (stop === 'crash') await run(new ArraySource(events, { batchSize: 1 }), cut);
        else await run(new ArraySource(events.slice(0, cut), { batchSize: 1 }));
        // The rest on two workers once, so that the state files are read by key, not partition.
        const end = await run(new ArraySource(events, { batchSize: 1 }), undefined, cut === 1 ? 2 : 1);
        expect(end.rows, `${file}, ${stop} after ${cut}`).toEqual(vector.expected.rows);
        expect(end.dead, `${file}, ${stop} after ${cut}`).toEqual(vector.expected.deadLetters);
        expect(counts(end.result.metrics), `${file}, ${stop} after ${cut}`).toEqual(counts(expected));
        removeQuietly(dir);
      }
    }
  }, 120_000);

  it('comes out the same from lakec replay, with the dead letters in the dead-letter file', () => {
    const dir = join(work, file.replace(/\.json$/, ''));
    removeQuietly(dir);
    const specPath = `${dir}.lake`;
    const eventsPath = `${dir}.jsonl`;
    const deadPath = `${dir}.dead.jsonl`;
    writeFileSync(specPath, vectorSpecText(vector));
    writeFileSync(eventsPath, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = lakec(['replay', specPath, '--dataset', 'history', '--events', eventsPath, '--dead-letter', deadPath]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map(withoutStatedTime)).toEqual(vector.expected.rows);
    const dead = readFileSync(deadPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { reason: string; position: { line: number } });
    expect(dead.map((d) => ({ event: d.position.line, reason: d.reason }))).toEqual(vector.expected.deadLetters);
    // The summary counts late events, and each one is logged with its line.
    expect(r.stderr).toContain(`${expected.lateEvents} late event${expected.lateEvents === 1 ? '' : 's'}`);
    expect(r.stderr.match(/^lakec replay: late event for key "k" of 'history' \(.*\.jsonl line \d+\): /gm)?.length ?? 0).toBe(expected.lateEvents);
  }, 30_000);
});
