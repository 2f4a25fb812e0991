/**
 * A file of events as real files come (issue 9), line by line with what must become of each line:
 * a byte-order mark, CRLF line ends, blank and whitespace-only lines, bytes that are not UTF-8, a
 * line longer than the longest event read, top-level values that are not objects, duplicate member
 * names, numbers beyond their column type, deep nesting, and a truncated last line without a line
 * break. For the trades dataset (bench/trades.ts). test/runtime/file-oddities.test.ts runs it
 * through the runtime, test/flink/differential.test.ts through both engines.
 */

const fields = (id: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  trade_id: id, account_id: 'A1', instrument: { symbol: 'ABC' }, side: 'BUY', quantity: '10', price: '1.5',
  valid_from: '2024-01-01T00:00:00.000Z', valid_to: null, recorded_at: '2024-01-02T00:00:00.000Z', ...extra,
});
export const good = (id: unknown, extra: Record<string, unknown> = {}): string => JSON.stringify(fields(id, extra));

/** What must become of a line: stored (the row's trade_id and a column to check), skipped, or a dead letter. */
export type Outcome =
  | { readonly stored: string; readonly check?: readonly [column: string, value: unknown] }
  | { readonly blank: true }
  | { readonly dead: RegExp; readonly column?: string; readonly bytes?: true };

const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const notUtf8 = Buffer.concat([Buffer.from(good('T90').slice(0, 20)), Buffer.from([0xff, 0xfe]), Buffer.from(good('T90').slice(20))]);
const overlongUtf8 = Buffer.concat([Buffer.from('{"trade_id":"T91","x":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);

export interface OddLine {
  readonly bytes: Buffer;
  readonly end: string;
  readonly outcome: Outcome;
}

/** What a dead letter keeps of a line longer than the limit: its first 64 KiB. */
export const KEPT = 64 << 10;

/**
 * The file, line by line (bytes, without the line break), with each line's outcome and line
 * break; one line is longer than `limit`, the longest line read as an event.
 */
export function oddLines(LIMIT: number): OddLine[] {
  const long = good('T22', { account_id: 'x'.repeat(LIMIT) });
  return [
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
    // A line longer than the longest event read, then a normal one.
    { bytes: Buffer.from(long), end: '\n', outcome: { dead: new RegExp(`^the line is ${long.length.toLocaleString('en-US')} bytes long, longer than the longest event read \\(${LIMIT.toLocaleString('en-US')} bytes\\); the dead letter holds its first 65,536 bytes$`) } },
    { bytes: Buffer.from(good('T23')), end: '\n', outcome: { stored: 'T23' } },
    // The last line: truncated, without a line break.
    { bytes: Buffer.from(good('T24').slice(0, 40)), end: '', outcome: { dead: /^malformed JSON: / } },
  ];
}

/** The file's bytes. */
export function oddFile(lines: readonly OddLine[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [l.bytes, Buffer.from(l.end)]));
}
