/**
 * The shared bi-temporal vectors (test/vectors/bitemporal) through the whole runtime: events as
 * the JSON a producer publishes -> row mapping -> the core -> the DuckDB table -> the rows read
 * back, on one thread and on two partition workers, and through `lakec replay` as a process.
 * Every case must come out exactly: rows, dead letters, duplicate and adjusted counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Processor } from '../../runtime/processor.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { runJob } from '../../runtime/job.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { lakec } from '../cli/run.ts';
import { loadVectors } from './bitemporal/vectors.ts';
import { publishedEvent, specOf, tempDir, vectorSpecText, withoutStatedTime } from './support.ts';

const vectors = loadVectors();
const work = tempDir('vectors');
afterAll(() => removeQuietly(work));

describe.each(vectors)('$file', ({ file, vector }) => {
  const spec = specOf(vectorSpecText(vector), 'history');
  const events = vector.events.map(publishedEvent);

  it('comes out exactly through mapping, the core and the DuckDB table', async () => {
    const result = await new Processor(spec).replay(events);
    expect(result.rows.map(withoutStatedTime)).toEqual(vector.expected.rows);
    // Columns in table order: the dataset's, then the system-time interval.
    for (const row of result.rows) expect(Object.keys(row)).toEqual([...spec.columns.map((c) => c.name), 'system_from', 'system_to']);
    expect(result.deadLetters.map((d) => ({ event: (d.position as { index: number }).index + 1, reason: d.reason }))).toEqual(vector.expected.deadLetters);
    expect(result.metrics.adjustedSystemTimes).toBe(vector.expected.adjustedSystemTimes);
    expect(result.metrics.duplicates).toBe(vector.expected.duplicateEvents);
    expect(result.metrics.recordsIn).toBe(vector.events.length);
  });

  it('comes out the same on two partition workers', async () => {
    const warehouse = await Warehouse.open(':memory:');
    try {
      await runJob({ spec, source: new ArraySource(events), warehouse, checkpointDir: null, stagingDir: join(work, `${file}-p2`), partitions: 2 });
      const rows = (await warehouse.query(warehouse.rowsSql(spec)));
      const objects = rows.rows.map((r) => Object.fromEntries(rows.columns.map((c, i) => [c, r[i]])));
      expect(objects.map(withoutStatedTime)).toEqual(vector.expected.rows);
    } finally {
      warehouse.close();
    }
  }, 30_000);

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
  }, 30_000);
});
