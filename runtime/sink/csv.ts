/**
 * Rows as CSV text for the table sink's staging files. CSV is what DuckDB ingests fastest
 * (its reader runs on DuckDB's own threads, and partitions write their files in parallel; see
 * docs/runtime.md for the measurements). Conventions, matched by `sqlOf` in duckdb.ts:
 * null is an empty unquoted field, every string is quoted (so `""` is the empty string),
 * timestamps are epoch milliseconds, decimals their canonical text, nested values JSON text.
 */
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
    case 'long':
      // Beyond 2^53 a long is its digits, a string: still written bare.
      return plain;
    default:
      return plain;
  }
}

/** Appends CSV lines to a string in chunks, so one huge string is never built. */
export class CsvBuffer {
  private parts: string[] = [];
  private current = '';
  rows = 0;

  line(text: string): void {
    this.current += text;
    this.current += '\n';
    this.rows++;
    if (this.current.length > 1 << 20) {
      this.parts.push(this.current);
      this.current = '';
    }
  }

  /** The text in pieces of about a megabyte each. */
  chunks(): string[] {
    return this.current.length > 0 ? [...this.parts, this.current] : this.parts;
  }

  clear(): void {
    this.parts = [];
    this.current = '';
    this.rows = 0;
  }
}

export { quote as csvQuote };
