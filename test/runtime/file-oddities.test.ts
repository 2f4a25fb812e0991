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
import { specOf, tempDir } from './support.ts';

const work = tempDir('oddities');
afterAll(() => removeQuietly(work));
const trades = specOf(tradesSpec, 'trades');
const specPath = join(work, 'trades.lake');
writeFileSync(specPath, tradesSpec);

const fields = (id: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  trade_id: id, account_id: 'A1', instrument: { symbol: 'ABC' }, side: 'BUY', quantity: '10', price: '1.5',
  valid_from: '2024-01-01T00:00:00.000Z', valid_to: null, recorded_at: '2024-01-02T00:00:00.000Z', ...extra,
});
const good = (id: unknown, extra: Record<string, unknown> = {}): string => JSON.stringify(fields(id, extra));

/** What must become of a line: stored (the row's trade_id and a column to check), skipped, or a dead letter. */
type Outcome =
  | { readonly stored: string; readonly check?: readonly [column: string, value: unknown] }
  | { readonly blank: true }
  | { readonly dead: RegExp; readonly column?: string; readonly bytes?: true };

const LIMIT = 256 << 10;
const KEPT = 64 << 10;
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const notUtf8 = Buffer.concat([Buffer.from(good('T90').slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(good('T90').slice(20))]);
const overlongUtf8 = Buffer.concat([Buffer.from('{"trade_id":"T91","x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);

/** The file, line by line (bytes, without the line break), with each line's outcome and line break. */
const lines: { bytes: Buffer; end: string; outcome: Outcome }[] = [
  // A byte-order mark opens the file: not part of line 1.
  { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good('T1'))]), end: '\r\n', outcome: { stored: 'T1' } },
  { bytes: Buffer.from(good('T2')), end: '\r\n', outcome: { stored: 'T2' } },
  { bytes: Buffer.from(''), end: '\r\n', outcome: { blank: true } },
  { bytes: Buffer.from(' \t  '), end: '\n', outcome: { blank: true } },
  { bytes: Buffer.from(''), end: '\n', outcome: { blank: true } },
  // A later byte-order mark is content, and not JSON.
  { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good('T3'))]), end: '\n', outcome: { dead: /^malformed JSON: / } },
  { bytes: Buffer.from('[1, 2]'), end: '\n', outcome: { dead: /^the event is a list, not a JSON object$/ } },
  { bytes: Buffer.from('null'), end: '\n', outcome: { dead: /^the event is null, not a JSON object$/ } },
  { bytes: Buffer.from('42'), end: '\n', outcome: { dead: /^the event is the number 42, not a JSON object$/ } },
  { bytes: Buffer.from('"T4"'), end: '\n', outcome: { dead: /^the event is the string "T4", not a JSON object$/ } },
  // Duplicate member names: the last wins, as JSON.parse (and Jackson) read them.
  { bytes: Buffer.from(good('T5').replace('"price":"1.5"', '"price":"1.5","price":"2.5"')), end: '\n', outcome: { stored: 'T5', check: ['price', '2.500000'] } },
  { bytes: Buffer.from(good('T6').replace('"trade_id":"T6"', '"trade_id":"T0","trade_id":"T6"')), end: '\n', outcome: { stored: 'T6' } },
  // Numbers beyond the column type, read from their text (JSON.parse would round them).
  { bytes: Buffer.from(good('T7').replace('"quantity":"10"', '"quantity":123456789012345678901234')), end: '\n', outcome: { dead: /^'quantity' \(\$\.quantity\): expected decimal\(18, 4\), got the number 123456789012345678901234 \(has more than 14 digits before the decimal point\)$/, column: 'quantity' } },
  { bytes: Buffer.from(good('T8').replace('"price":"1.5"', '"price":0.12345678901234567890')), end: '\n', outcome: { dead: /got the number 0\.12345678901234567890 \(has more than 6 decimal places\)$/, column: 'price' } },
  { bytes: Buffer.from(good('T9').replace('"price":"1.5"', '"price":1e400')), end: '\n', outcome: { dead: /got the number 1e400 \(has more than 12 digits before the decimal point\)$/, column: 'price' } },
  { bytes: Buffer.from(good('T10').replace('"price":"1.5"', '"price":12.345678')), end: '\n', outcome: { stored: 'T10', check: ['price', '12.345678'] } },
  { bytes: Buffer.from(good('T11', { recorded_at: 9007199254740993 })), end: '\n', outcome: { dead: /^'recorded_at' \(\$\.recorded_at\): expected timestamp, got the number 9007199254740992$/, column: 'recorded_at' } },
  // Deep nesting, in a member no column reads and in one a column reads.
  { bytes: Buffer.from(good('T12', { extra: 'X' }).replace('"X"', deep(100_000))), end: '\n', outcome: { stored: 'T12' } },
  { bytes: Buffer.from(good('T13', { trader: 'X' }).replace('"X"', deep(10_000))), end: '\n', outcome: { stored: 'T13', check: ['trader_email', null] } },
  { bytes: Buffer.from(good('T14', { instrument: 'X' }).replace('"X"', deep(10_000))), end: '\n', outcome: { dead: /^missing required field 'symbol' \(\$\.instrument\.symbol\)$/, column: 'symbol' } },
  // Text: escapes of every kind are stored as they decode; a lone surrogate cannot be stored.
  { bytes: Buffer.from(good('T15', { account_id: 'a\r\nb\u0000\t"\\,\u{1F680}\u2028' })), end: '\n', outcome: { stored: 'T15', check: ['account_id', 'a\r\nb\u0000\t"\\,\u{1F680}\u2028'] } },
  { bytes: Buffer.from(good('T16', { account_id: 'x\ud800y' })), end: '\n', outcome: { dead: /^'account_id' \(\$\.account_id\): expected string, got the string "x\\ud800y" \(it holds a lone UTF-16 surrogate \(\\ud800\) at character 1/, column: 'account_id' } },
  // Raw control characters: a CR between members is JSON whitespace; a NUL is not.
  { bytes: Buffer.from(good('T17').replace(',"account_id"', ',\r"account_id"')), end: '\n', outcome: { stored: 'T17' } },
  { bytes: Buffer.from(good('T18').replace(',"account_id"', ',\u0000"account_id"')), end: '\n', outcome: { dead: /^malformed JSON: / } },
  // Bytes that are not UTF-8: a dead letter that keeps them exactly.
  { bytes: notUtf8, end: '\n', outcome: { dead: /^the event is not UTF-8 text \(byte 0xff at byte 21\); the dead letter keeps its bytes$/, bytes: true } },
  { bytes: overlongUtf8, end: '\n', outcome: { dead: /^the event is not UTF-8 text \(byte 0xc0 at byte 24\); the dead letter keeps its bytes$/, bytes: true } },
  // op: only absent, "put" and "delete".
  { bytes: Buffer.from(good('T19', { op: 'delete' })), end: '\n', outcome: { stored: '-' } },
  { bytes: Buffer.from(good('T20', { op: 'upsert' })), end: '\n', outcome: { dead: /^'op' must be "put" or "delete" \(or absent for a put\), got the string "upsert"$/ } },
  { bytes: Buffer.from(good('T21', { op: 1 })), end: '\n', outcome: { dead: /^'op' must be "put" or "delete" \(or absent for a put\), got the number 1$/ } },
  // A line longer than the longest event read (LIMIT here), then a normal one.
  { bytes: Buffer.from(good('T22', { account_id: 'x'.repeat(LIMIT) })), end: '\n', outcome: { dead: new RegExp(`^the line is ${(good('T22', { account_id: 'x'.repeat(LIMIT) }).length).toLocaleString('en-US')} bytes long, longer than the longest event read \\(262,144 bytes\\); the dead letter holds its first 65,536 bytes$`) } },
  { bytes: Buffer.from(good('T23')), end: '\n', outcome: { stored: 'T23' } },
  // The last line: truncated, without a line break.
  { bytes: Buffer.from(good('T24').slice(0, 40)), end: '', outcome: { dead: /^malformed JSON: / } },
];

const path = join(work, 'odd.jsonl');
writeFileSync(path, Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from(l.end)])));
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
    writeFileSync(cliPath, Buffer.concat(cliLines.flatMap((l) => [l.bytes, Buffer.from(l.end)])));
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
