/**
 * Bad events never vanish (docs/runtime.md, "Dead letters"): malformed JSON, a value that is not
 * an object, a missing required field, a value of the wrong type, an `op` other than put and
 * delete, a failed `@check` and an inverted valid interval each land in the dead-letter output
 * with the reason, the column when there is one, the file and line, and the event exactly as
 * read. Events that changed the table, changed nothing or were duplicates, plus dead letters,
 * plus blank lines (skipped) account for every input line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { Processor } from '../../runtime/processor.ts';
import { FileSource } from '../../runtime/sources/file.ts';
import { tradesSpec } from './bench/trades.ts';
import { specOf, tempDir } from './support.ts';

const work = tempDir('dead');
afterAll(() => removeQuietly(work));
const trades = specOf(tradesSpec, 'trades');

const good = (id: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    trade_id: id, account_id: 'A1', trader: { email: 't@example.com' }, instrument: { symbol: 'ABC', venue: 'XNYS' },
    side: 'BUY', quantity: '10', price: '1.5', valid_from: '2024-01-01T00:00:00.000Z', valid_to: null, recorded_at: '2024-01-02T00:00:00.000Z',
    ...extra,
  });

/** Each line, and what must become of it: null = accepted, 'blank' = skipped, else [reason pattern, column]. */
const lines: [string, [RegExp, string | null] | null | 'blank'][] = [
  [good('T1'), null],
  ['{"trade_id": "T2",', [/^malformed JSON: /, null]],
  ['', 'blank'],
  [' \t ', 'blank'],
  [good('T14', { op: 'DELETE' }), [/^'op' must be "put" or "delete" \(or absent for a put\), got the string "DELETE"$/, null]],
  [good('T14', { op: null }), [/^'op' must be "put" or "delete" \(or absent for a put\), got null$/, null]],
  ['[1, 2]', [/^the event is a list, not a JSON object$/, null]],
  ['"just a string"', [/^the event is the string "just a string", not a JSON object$/, null]],
  [good('T3', { account_id: undefined }), [/^missing required field 'account_id' \(\$\.account_id\)$/, 'account_id']],
  [good('T4', { instrument: { venue: 'XNYS' } }), [/^missing required field 'symbol' \(\$\.instrument\.symbol\)$/, 'symbol']],
  [good('T5', { quantity: true }), [/^'quantity' \(\$\.quantity\): expected decimal\(18, 4\), got true$/, 'quantity']],
  [good('T6', { quantity: '1.23456' }), [/^'quantity' \(\$\.quantity\): expected decimal\(18, 4\), got the string "1\.23456" \(has more than 4 decimal places\)$/, 'quantity']],
  [good('T7', { valid_from: 12.5 }), [/^'valid_from' \(\$\.valid_from\): expected timestamp, got the number 12\.5$/, 'valid_from']],
  [good('T8', { recorded_at: 'yesterday' }), [/^'recorded_at' \(\$\.recorded_at\): expected timestamp, got the string "yesterday" \(timestamps are ISO-8601/, 'recorded_at']],
  [good(7 as unknown as string), [/^'trade_id' \(\$\.trade_id\): expected string, got the number 7$/, 'trade_id']],
  [good('T9', { side: 'HOLD' }), [/^check failed on 'side': side in \("BUY", "SELL"\)$/, 'side']],
  [good('T10', { valid_to: '2024-01-01T00:00:00.000Z' }), [/^valid_from >= valid_to$/, null]],
  [good('T11', { valid_to: '2023-12-31T00:00:00.000Z' }), [/^valid_from >= valid_to$/, null]],
  [good('T1'), null], // a redelivery of line 1: a duplicate
  [good('T12', { trader: null, instrument: { symbol: 'X' } }), null], // optional fields may be missing
  [good('T1', { price: '1.50', recorded_at: '2024-01-03T00:00:00.000Z' }), null], // the same price: changes nothing
  [good('T1', { price: '2', valid_from: '2024-06-01T00:00:00Z', recorded_at: '2024-01-04T00:00:00Z' }), null],
  [good('T13', { op: 'delete', account_id: undefined, side: 'nonsense' }), null], // a delete reads no payload column
];

describe('bad events', () => {
  it('land in the dead-letter output with their reason, column, position and text', async () => {
    const path = join(work, 'events.jsonl');
    writeFileSync(path, lines.map(([l]) => l).join('\n') + '\n');
    const result = await new Processor(trades).replay(new FileSource(path));
    const expectedDead = lines.map(([text, bad], i) => ({ text, bad, line: i + 1 })).filter((x) => x.bad !== null && x.bad !== 'blank');
    expect(result.deadLetters).toHaveLength(expectedDead.length);
    result.deadLetters.forEach((d, i) => {
      const e = expectedDead[i]!;
      expect(d.position, d.reason).toEqual({ file: path, line: e.line });
      const [reason, column] = e.bad as [RegExp, string | null];
      expect(d.reason).toMatch(reason);
      expect(d.column ?? null).toBe(column);
      expect(d.event).toBe(e.text);
    });
    const m = result.metrics;
    expect(m.recordsIn).toBe(lines.length);
    expect(m.deadLetters).toBe(expectedDead.length);
    expect(m.duplicates).toBe(1);
    expect(m.unchanged).toBe(2); // the unchanged price, and the delete of a key with no rows
    expect(m.blankLines).toBe(2);
    expect(m.changed + m.unchanged + m.duplicates + m.deadLetters + m.blankLines).toBe(lines.length);
    expect(result.rows.map((r) => r['trade_id'])).toEqual(['T1', 'T1', 'T1', 'T12']);
  });

  it('are accounted for in an append-only dataset too, whose rows keep the raw event and its arrival time', async () => {
    const raw = specOf(
      tradesSpec.replace(
        'dataset trades in curated {',
        `dataset trades_raw in curated {
  from stream trade_events
  format = json
  columns {
    trade_id    string
    payload     string    = raw_payload()
    ingested_at timestamp = ingestion_time()
  }
}
dataset trades in curated {`,
      ),
      'trades_raw',
    );
    const events = [good('T1'), '{oops', good(5 as unknown as string), good('T2'), good('T1')];
    const arrival = Date.UTC(2024, 5, 1, 12);
    const result = await new Processor(raw).replay(events, { clock: () => arrival });
    expect(result.rows).toEqual([
      { trade_id: 'T1', payload: events[0], ingested_at: '2024-06-01T12:00:00.000Z' },
      { trade_id: 'T1', payload: events[4], ingested_at: '2024-06-01T12:00:00.000Z' },
      { trade_id: 'T2', payload: events[3], ingested_at: '2024-06-01T12:00:00.000Z' },
    ]);
    expect(result.deadLetters.map((d) => d.position)).toEqual([{ index: 1 }, { index: 2 }]);
    expect(result.metrics.changed + result.metrics.deadLetters).toBe(events.length);
    expect(result.metrics.blankLines).toBe(0);
  });
});
