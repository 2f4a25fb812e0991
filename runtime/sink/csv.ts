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
 * A row's CSV with its two valid-time fields left open, as one compact string: the pieces of a
 * bi-temporal row share everything but their valid interval, so the operator keeps this
 * template per current row (one string instead of an array of values) and fills it in for each
 * piece it writes. Layout: `<pre length>:<mid length>:<pre><mid><post>`.
 */
export class RowTemplates {
  private readonly encoders: FieldEncoder[];
  private readonly first: number;
  private readonly second: number;
  private readonly validFromFirst: boolean;

  /** `a` and `b` are the valid_from and valid_to column indexes. */
  constructor(types: readonly TypeSpec[], a: number, b: number) {
    this.encoders = types.map(fieldEncoder);
    this.first = Math.min(a, b);
    this.second = Math.max(a, b);
    this.validFromFirst = a < b;
  }

  /**
   * The template of a row's values (the valid-time columns are ignored). Built with one
   * `join`, which makes a flat string: a template built with `+=` is a tree of string pieces,
   * measured at five times the memory, and the state holds one per current row.
   */
  of(values: readonly unknown[]): string {
    const enc = this.encoders;
    const n = enc.length;
    const parts = new Array<string>(n);
    let preLength = this.first; // the commas after each field before the first valid-time field
    let midLength = this.second - this.first; // the commas from that field to the second
    for (let i = 0; i < n; i++) {
      if (i === this.first || i === this.second) {
        parts[i] = '';
        continue;
      }
      const field = enc[i]!(values[i]);
      parts[i] = field;
      if (i < this.first) preLength += field.length;
      else if (i < this.second) midLength += field.length;
    }
    parts[0] = `${preLength}:${midLength}:${parts[0]!}`;
    return parts.join(',');
  }

  /** The row's CSV line: valid interval filled in (OPEN/null valid_to as empty), then system_from, system_to. */
  line(template: string, validFrom: number, validTo: number, systemFrom: number, systemTo: number): string {
    const c1 = template.indexOf(':');
    const c2 = template.indexOf(':', c1 + 1);
    const preLength = Number(template.slice(0, c1));
    const midLength = Number(template.slice(c1 + 1, c2));
    const body = c2 + 1;
    const vf = String(validFrom);
    const vt = validTo === Number.POSITIVE_INFINITY ? '' : String(validTo);
    const x = this.validFromFirst ? vf : vt;
    const y = this.validFromFirst ? vt : vf;
    return (
      template.slice(body, body + preLength) + x + template.slice(body + preLength, body + preLength + midLength) + y +
      template.slice(body + preLength + midLength) + ',' + systemFrom + ',' + (systemTo === Number.POSITIVE_INFINITY ? '' : systemTo)
    );
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

  constructor(readonly path: string) {}

  line(text: string): void {
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
