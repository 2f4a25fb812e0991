/**
 * A file of events as real files come (issue 9): a byte-order mark, CRLF line ends, blank and
 * whitespace-only lines, bytes that are not UTF-8, a line longer than the longest event, top-level
 * values that are not objects, duplicate member names, numbers beyond their column type, deep
 * nesting, and a truncated last line without a line break. Each line is stored or is a dead
 * letter with its reason and position (or, blank, is skipped and counted); none stops the
 * pipeline, and rows + dead letters + blank lines = lines read. The same file through one
 * partition, two partition workers, small and large read chunks, and `lakec replay` / `lakec
 * run` as processes, with the dead-letter file in the table's shape.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { runJob } from '../../runtime/job.ts';
import type { Metrics } from '../../runtime/metrics.ts';
import { Processor, type DeadLetterRecord } from '../../runtime/processor.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { FileSource } from '../../runtime/sources/file.ts';
import { lakec } from '../cli/run.ts';
import { tradesSpec } from './bench/trades.ts';
import { KEPT, oddFile, oddLines, type Outcome } from './oddities.ts';
import { specOf, tempDir } from './support.ts';

const work = tempDir('oddities');
afterAll(() => removeQuietly(work));
const trades = specOf(tradesSpec, 'trades');
const specPath = join(work, 'trades.lake');
writeFileSync(specPath, tradesSpec);

const LIMIT = 256 << 10;
const lines = oddLines(LIMIT);

const path = join(work, 'odd.jsonl');
writeFileSync(path, oddFile(lines));
// The same lines without the one longer than LIMIT: the CLI reads with the default limit.
const cliLines = lines.filter((l) => !/^\^the line is/.test(String((l.outcome as { dead?: RegExp }).dead?.source ?? '')));

function checkDeadLetters(dead: readonly DeadLetterRecord[], file: string, of: typeof lines): void {
  const expected = of.map((l, i) => ({ ...l, line: i + 1 })).filter((l) => 'dead' in l.outcome);
  expect(dead.map((d) => d.position)).toEqual(expected.map((l) => ({ file, line: l.line })));
  dead.forEach((d, k) => {
    const l = expected[k]!;
    const o = l.outcome as Extract<Outcome, { dead: RegExp }>;
    expect(d.reason, `line ${l.line}`).toMatch(o.dead);
    expect(d.column, `line ${l.line}`).toBe(o.column);
    const text = l.line === 1 ? l.bytes.subarray(3).toString('utf8') : l.bytes.toString('utf8');
    if (/^the line is/.test(d.reason)) expect(d.event).toBe(text.slice(0, KEPT));
    else expect(d.event, `line ${l.line}`).toBe(text);
    if (o.bytes === true) expect(d.eventBytes?.equals(l.bytes)).toBe(true);
    else expect(d.eventBytes).toBeUndefined();
  });
}

function checkRows(rows: readonly Record<string, unknown>[], of: typeof lines): void {
  const stored = of.map((l) => l.outcome).filter((o): o is Extract<Outcome, { stored: string }> => 'stored' in o && o.stored !== '-');
  expect(rows.map((r) => r['trade_id'])).toEqual(stored.map((o) => o.stored).sort());
  for (const o of stored) {
    if (o.check === undefined) continue;
    expect(rows.find((r) => r['trade_id'] === o.stored)![o.check[0]]).toEqual(o.check[1]);
  }
}

function checkAccounting(m: Metrics, of: typeof lines): void {
  const count = (k: string): number => of.filter((l) => k in l.outcome).length;
  expect(m.recordsIn).toBe(of.length);
  expect(m.deadLetters).toBe(count('dead'));
  expect(m.blankLines).toBe(count('blank'));
  expect(m.changed + m.unchanged + m.duplicates).toBe(count('stored'));
  expect(m.changed + m.unchanged + m.duplicates + m.deadLetters + m.blankLines).toBe(m.recordsIn);
}

describe('a file with every oddity', () => {
  for (const chunkBytes of [64, 1 << 20]) {
    it(`is stored or dead-lettered line by line, every line accounted for (read in chunks of ${chunkBytes} bytes)`, async () => {
      const r = await new Processor(trades).replay(new FileSource(path, { chunkBytes, maxLineBytes: LIMIT }));
      checkDeadLetters(r.deadLetters, path, lines);
      checkRows(r.rows, lines);
      checkAccounting(r.metrics, lines);
    }, 60_000);
  }

  it('comes out the same on two partition workers', async () => {
    const w = await Warehouse.open(':memory:');
    try {
      const result = await runJob({ spec: trades, source: new FileSource(path, { maxLineBytes: LIMIT }), warehouse: w, checkpointDir: null, stagingDir: join(work, 'p2'), partitions: 2 });
      checkAccounting(result.metrics, lines);
      const rows = await w.query(w.rowsSql(trades));
      checkRows(rows.rows.map((r) => Object.fromEntries(rows.columns.map((c, i) => [c, r[i]]))), lines);
      const dead = await w.query(`SELECT count(*), count(event_bytes) FROM dead_letters.trades`);
      expect(dead.rows).toEqual([[lines.filter((l) => 'dead' in l.outcome).length, 2]]);
    } finally {
      w.close();
    }
  }, 60_000);

  it('through lakec replay and lakec run: the dead-letter file holds the table rows, the summaries account for every line', () => {
    const cliPath = join(work, 'odd-cli.jsonl');
    writeFileSync(cliPath, oddFile(cliLines));
    const deadPath = join(work, 'odd.dead.jsonl');
    const r = lakec(['replay', specPath, '--dataset', 'trades', '--events', cliPath, '--dead-letter', deadPath]);
    expect(r.code, r.stderr).toBe(0);
    const count = (k: string): number => cliLines.filter((l) => k in l.outcome).length;
    expect(r.stderr).toContain(`trades: ${cliLines.length} lines read: `);
    expect(r.stderr).toContain(`, ${count('dead')} dead letters, ${count('blank')} blank lines skipped; `);
    checkRows(r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>), cliLines);
    const dead = readFileSync(deadPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const d of dead) expect(Object.keys(d)).toEqual(['reason', 'column_name', 'position', 'event', 'event_bytes']);
    checkDeadLetters(
      dead.map((d) => ({
        reason: d['reason'] as string,
        ...(d['column_name'] !== null ? { column: d['column_name'] as string } : {}),
        position: d['position'] as DeadLetterRecord['position'],
        event: d['event'] as string,
        ...(d['event_bytes'] !== null ? { eventBytes: Buffer.from(d['event_bytes'] as string, 'base64') } : {}),
      })),
      cliPath,
      cliLines,
    );

    // lakec run: the same accounting, and `lakec query` prints the dead letters as the replay file holds them.
    const warehouse = join(work, 'wh');
    const run = lakec(['run', specPath, '--dataset', 'trades', '--events', cliPath, '--warehouse', warehouse]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`trades: ${cliLines.length} lines read `);
    expect(run.stdout).toContain(`, ${count('dead')} dead letters, ${count('blank')} blank lines skipped; `);
    const q = lakec(['query', specPath, `SELECT * FROM dead_letters.trades ORDER BY (position->>'line')::BIGINT`, '--warehouse', warehouse, '--format', 'json']);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout).toBe(readFileSync(deadPath, 'utf8'));
  }, 120_000);
});
