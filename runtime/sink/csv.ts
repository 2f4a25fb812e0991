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
 * A row's line is then a plain concatenation (`line`), and a current row's identity line is
 * `key part, valid_from, system_from` (`identityLine`).
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

  /** A row's CSV line (an open valid_to or system_to is an empty field). */
  line(keyPart: string, template: string, validFrom: number, validTo: number, systemFrom: number, systemTo: number): string {
    return (
      keyPart + ',' + validFrom + ',' + (validTo === Number.POSITIVE_INFINITY ? '' : validTo) + ',' + systemFrom + ',' +
      (systemTo === Number.POSITIVE_INFINITY ? '' : systemTo) + template
    );
  }

  /** A current row's identity line: key part, valid_from, system_from. */
  identityLine(keyPart: string, validFrom: number, systemFrom: number): string {
    return keyPart + ',' + validFrom + ',' + systemFrom;
  }
}

/**
 * A staging file written as lines come (so a checkpoint interval's rows never pile up in
 * memory), flushed in pieces of about a megabyte. Created on the first line.
 */
export class StagedFile {
  private fd: number | undefined;
  private pending = '';
  rows = 0;
  /** Length (UTF-16 code units) of the longest line: the reader's line limit is set from it (`csvDialect`). */
  longest = 0;

  constructor(readonly path: string) {}

  line(text: string): void {
    if (text.length > this.longest) this.longest = text.length;
    this.pending += text;
    this.pending += '\n';
    this.rows++;
    if (this.pending.length > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.fd ??= openSync(this.path, 'w');
    writeSync(this.fd, this.pending);
    this.pending = '';
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
 * empty field is null. `longest` is the longest staged line in UTF-16 code units (at most 3
 * bytes each in UTF-8).
 */
export function csvDialect(longest: number): string {
  const maxLine = Math.max(DEFAULT_MAX_LINE_BYTES, 3 * longest + 16);
  return `header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false, strict_mode = true, max_line_size = ${maxLine}`;
}
