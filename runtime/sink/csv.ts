/**
 * Rows as CSV text for the table sink's staging files. CSV is what DuckDB ingests fastest
 * (its reader runs on DuckDB's own threads, and partitions write their files in parallel; see
 * docs/runtime.md for the measurements). Conventions, matched by `staged` in duckdb.ts:
 * null is an empty unquoted field, every string is quoted (so `""` is the empty string),
 * timestamps are epoch milliseconds, decimals their canonical text, nested values JSON text.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { TypeSpec } from '../dataset.ts';

export type FieldEncoder = (value: unknown) => string;

function quote(s: string): string {
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replaceAll('"', '""')}"`;
}

const plain: FieldEncoder = (v) => (v === null || v === undefined ? '' : String(v));
const quoted: FieldEncoder = (v) => (v === null || v === undefined ? '' : quote(v as string));
const json: FieldEncoder = (v) => (v === null || v === undefined ? '' : quote(JSON.stringify(v)));

/** The encoder of a column of type `t`, holding the runtime representation (coerce.ts). */
export function fieldEncoder(t: TypeSpec): FieldEncoder {
  if (t.kind === 'decimal') return plain;
  if (t.kind !== 'primitive') return json;
  switch (t.name) {
    case 'string': case 'uuid': case 'binary': case 'date':
      return quoted;
    default:
      // Numbers, booleans, epoch-ms timestamps; a long beyond 2^53 is its digits, bare too.
      return plain;
  }
}

/**
 * How a bi-temporal row is staged, as CSV in the column order `key columns, valid_from,
 * valid_to, system_from, system_to, compared payload columns, the other columns` (the sink's
 * SELECT puts the columns back in the table's order):
 *
 * - the key part is the same for every row of a key, so the operator keeps it once per key;
 * - the payload part (`template`) is the one string the state holds per current row (one
 *   string instead of an array of values keeps a large state cheap for the garbage collector);
 * - the compared columns come first in it, so a row's payload key (what rules 1 and 2 compare:
 *   every column but the key, the valid-time columns, the system column and the metadata
 *   columns) is a prefix of its template: `template.slice(0, n)`, which V8 keeps as a slice of
 *   the template, not a copy. The CSV encoding is canonical (coerce.ts gives one representation
 *   per value, every string is quoted), so equal prefixes mean equal payloads.
 *
 * A row's line is then `key part, valid_from, valid_to, system_from, system_to` and the
 * template (an open valid_to or system_to is an empty field), and a current row's identity line
 * `key part, valid_from, system_from`: `StagedFile.row` and `StagedFile.identity` write them.
 */
export class RowTemplates {
  private readonly keyEncoders: FieldEncoder[];
  private readonly keyIndexes: readonly number[];
  /** Payload columns in template order: the compared ones first. */
  private readonly order: readonly number[];
  private readonly orderEncoders: FieldEncoder[];
  private readonly compared: number;

  /**
   * `layout` names the key columns, the valid-time columns and the compared payload columns;
   * every other column is stored after the compared ones.
   */
  constructor(types: readonly TypeSpec[], layout: { keyIndexes: readonly number[]; validFromIndex: number; validToIndex: number; payloadIndexes: readonly number[] }) {
    this.keyIndexes = layout.keyIndexes;
    this.keyEncoders = layout.keyIndexes.map((i) => fieldEncoder(types[i]!));
    this.order = RowTemplates.columnOrder(layout, types.length).payload;
    this.orderEncoders = this.order.map((i) => fieldEncoder(types[i]!));
    this.compared = layout.payloadIndexes.length;
  }

  /**
   * Where a row line's fields come from: `key` (the key columns' indexes, first in a line) and
   * `payload` (the template's columns, after the four time fields), as table column indexes.
   */
  static columnOrder(layout: { keyIndexes: readonly number[]; validFromIndex: number; validToIndex: number; payloadIndexes: readonly number[] }, columnCount: number): { key: number[]; payload: number[] } {
    const taken = new Set<number>([...layout.keyIndexes, layout.validFromIndex, layout.validToIndex, ...layout.payloadIndexes]);
    const rest: number[] = [];
    for (let i = 0; i < columnCount; i++) if (!taken.has(i)) rest.push(i);
    return { key: [...layout.keyIndexes], payload: [...layout.payloadIndexes, ...rest] };
  }

  /** The key part of a key's lines, from the key values (in key order). */
  keyPart(keyValues: readonly unknown[]): string {
    const enc = this.keyEncoders;
    const parts = new Array<string>(enc.length);
    for (let i = 0; i < enc.length; i++) parts[i] = enc[i]!(keyValues[i]);
    return parts.join(',');
  }

  /** The key values of a row's values (in key order). */
  keyValues(values: readonly unknown[]): unknown[] {
    return this.keyIndexes.map((i) => values[i]);
  }

  /**
   * The payload template of a row's values: `,field` per payload column, compared ones first.
   * Built with one `join`, which makes a flat string: a string built with `+=` is a tree of
   * pieces, measured at five times the memory, and the state holds one per current row. The
   * length of its compared prefix is left in `keyLength` for `payloadKey`.
   */
  of(values: readonly unknown[]): string {
    const order = this.order;
    const enc = this.orderEncoders;
    const n = order.length;
    if (n === 0) {
      this.keyLength = 0;
      return '';
    }
    const parts = new Array<string>(n + 1);
    parts[0] = '';
    let keyLength = this.compared;
    for (let i = 0; i < n; i++) {
      const field = enc[i]!(values[order[i]!]);
      parts[i + 1] = field;
      if (i < this.compared) keyLength += field.length;
    }
    this.keyLength = keyLength;
    return parts.join(',');
  }

  /** Length of the compared prefix of the template `of` returned last. */
  private keyLength = 0;

  /** The payload key of the template `of` just returned: its compared prefix (a slice, not a copy). */
  payloadKey(template: string): string {
    return this.keyLength === template.length ? template : template.slice(0, this.keyLength);
  }

  /**
   * The payload key of any template (a restore reads templates DuckDB built): the slice up to
   * the end of its compared fields, found by walking them. A field is quoted (its end is the
   * quote not followed by another) or plain (numbers, decimals, booleans: no comma, no quote).
   */
  payloadKeyOf(template: string): string {
    const n = this.compared;
    if (n === this.order.length) return template;
    let at = 0;
    for (let f = 0; f < n; f++) {
      // `at` is on the field's leading comma.
      at++;
      if (template.charCodeAt(at) === 34) {
        let close = template.indexOf('"', at + 1);
        while (template.charCodeAt(close + 1) === 34) close = template.indexOf('"', close + 2);
        at = close + 1;
      } else {
        const comma = template.indexOf(',', at);
        at = comma < 0 ? template.length : comma;
      }
    }
    return at === template.length ? template : template.slice(0, at);
  }

  /** `payloadKeyOf` on a template's UTF-8 bytes t[from, to): where its payload key ends. */
  payloadKeyEnd(t: Uint8Array, from: number, to: number): number {
    const n = this.compared;
    if (n === this.order.length) return to;
    let at = from;
    for (let f = 0; f < n; f++) {
      at++;
      if (t[at] === 34) {
        // Past the closing quote: a quote not followed by another.
        at++;
        for (;;) {
          while (at < to && t[at] !== 34) at++;
          if (at + 1 < to && t[at + 1] === 34) at += 2;
          else break;
        }
        at++;
      } else {
        while (at < to && t[at] !== 44) at++;
      }
    }
    return at > to ? to : at;
  }
}

type Utf8Write = (this: Buffer, text: string, offset: number) => number;
const utf8Write = (Buffer.prototype as unknown as { utf8Write: Utf8Write }).utf8Write;

/** Bytes a staged file gathers before it writes them. */
const STAGED_BUFFER = 1 << 20;

/**
 * A staging file written as lines come (so a checkpoint interval's rows never pile up in
 * memory): lines are encoded straight into a buffer of about a megabyte, written when full. A
 * row's line is written from its pieces (`row`, `identity`: the key part, the times as digits,
 * the template), with no string built for it. Created on the first line.
 */
export class StagedFile {
  private fd: number | undefined;
  private buf = Buffer.allocUnsafe(STAGED_BUFFER);
  private at = 0;
  rows = 0;
  /**
   * Bytes of the longest line (at least its length in UTF-16 code units): the reader's line
   * limit is set from it (`csvDialect`).
   */
  longest = 0;

  constructor(readonly path: string) {}

  /** Room for n more bytes. */
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private text(s: string): void {
    this.at += utf8Write.call(this.buf, s, this.at);
  }

  /** A time (epoch ms) as its digits, as String(t) writes it; `open` (+infinity) as an empty field. */
  private time(t: number): void {
    if (t === Number.POSITIVE_INFINITY) return;
    if (!Number.isSafeInteger(t)) {
      this.text(String(t));
      return;
    }
    if (t < 0) {
      this.buf[this.at++] = 45;
      t = -t;
    }
    // In int32 pieces: the digits above 10^8, then the last eight, zero-padded.
    if (t < 100_000_000) this.digits(t, 0);
    else {
      const high = Math.floor(t / 100_000_000);
      this.digits(high, 0);
      this.digits(t - high * 100_000_000, 8);
    }
  }

  /** The digits of 0 <= n < 10^9, at least `width` of them (zero-padded). */
  private digits(n: number, width: number): void {
    let count = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) count++;
    if (count < width) count = width;
    const b = this.buf;
    let end = this.at + count;
    this.at = end;
    for (let k = 0; k < count; k++) {
      const q = (n / 10) | 0;
      b[--end] = 48 + n - 10 * q;
      n = q;
    }
  }

  private endLine(start: number): void {
    this.buf[this.at++] = 10;
    this.rows++;
    if (this.at - start > this.longest) this.longest = this.at - start;
  }

  line(text: string): void {
    this.room(3 * text.length + 1);
    const start = this.at;
    this.text(text);
    this.endLine(start);
  }

  /** A row's line: `key part,valid_from,valid_to,system_from,system_to` and the template (an open time is an empty field). */
  row(keyPart: string, template: string, validFrom: number, validTo: number, systemFrom: number, systemTo: number): void {
    this.room(3 * (keyPart.length + template.length) + 4 * 25 + 1);
    const start = this.at;
    this.rowHead(keyPart, validFrom, validTo, systemFrom, systemTo);
    this.text(template);
    this.endLine(start);
  }

  /** `row` with the template as its UTF-8 bytes, t[from, to). */
  rowOf(keyPart: string, t: Uint8Array, from: number, to: number, validFrom: number, validTo: number, systemFrom: number, systemTo: number): void {
    this.room(3 * keyPart.length + (to - from) + 4 * 25 + 1);
    const start = this.at;
    this.rowHead(keyPart, validFrom, validTo, systemFrom, systemTo);
    const b = this.buf;
    let at = this.at;
    if (to - from < 512) for (let i = from; i < to; i++) b[at++] = t[i]!;
    else {
      b.set(t.subarray(from, to), at);
      at += to - from;
    }
    this.at = at;
    this.endLine(start);
  }

  private rowHead(keyPart: string, validFrom: number, validTo: number, systemFrom: number, systemTo: number): void {
    const b = this.buf;
    this.text(keyPart);
    b[this.at++] = 44;
    this.time(validFrom);
    b[this.at++] = 44;
    this.time(validTo);
    b[this.at++] = 44;
    this.time(systemFrom);
    b[this.at++] = 44;
    this.time(systemTo);
  }

  /** A current row's identity line: `key part,valid_from,system_from`. */
  identity(keyPart: string, validFrom: number, systemFrom: number): void {
    this.room(3 * keyPart.length + 2 * 25 + 1);
    const start = this.at;
    const b = this.buf;
    this.text(keyPart);
    b[this.at++] = 44;
    this.time(validFrom);
    b[this.at++] = 44;
    this.time(systemFrom);
    this.endLine(start);
  }

  private flush(): void {
    if (this.at === 0) return;
    this.fd ??= openSync(this.path, 'w');
    let done = 0;
    while (done < this.at) done += writeSync(this.fd, this.buf, done, this.at - done);
    this.at = 0;
  }

  /** Writes what is pending and closes the file; returns its path, or null when it got no line. */
  close(): string | null {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.rows > 0 ? this.path : null;
  }
}

export { quote as csvQuote };

/**
 * DuckDB's default longest line (bytes); a staged line can be longer (an event's long string,
 * or `raw_payload()` of a large event).
 */
const DEFAULT_MAX_LINE_BYTES = 2_097_152;

/**
 * The `read_csv` options that read the staged files exactly as `StagedFile` writes them: every
 * part of the dialect is stated, nothing is sniffed. DuckDB's sniffer guesses the line break
 * from the file's first bytes even with `auto_detect = false`; a string holding `\r\n` near the
 * start made it guess `\r\n` and fail on the whole file, on every rerun (issue 9). Lines end with
 * `\n`; quoted fields may hold any character (CR, LF, NUL...) with quotes doubled; an unquoted
 * empty field is null. `longest` is the longest staged line's bytes (`StagedFile.longest`),
 * with room to spare.
 */
export function csvDialect(longest: number): string {
  const maxLine = Math.max(DEFAULT_MAX_LINE_BYTES, 3 * longest + 16);
  return `header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false, strict_mode = true, max_line_size = ${maxLine}`;
}
