/**
 * What the runtime needs to know about one dataset: its columns (type, JSON source, checks), key
 * and bi-temporal columns. It is the lake model's `DatasetModel` (compiler/model/model.ts) cut
 * down to a processor's concerns, with each `@check` as an expression tree instead of text, so
 * that the runtime never parses spec syntax. `lakec` builds it from the model; a generated
 * processor holds it as a literal.
 */
import type { CheckExpr } from './checks.ts';

/** A column type, as in the lake model (`TypeModel`). */
export type TypeSpec =
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'list'; readonly element: TypeSpec; readonly elementOptional: boolean }
  | { readonly kind: 'map'; readonly key: TypeSpec; readonly value: TypeSpec; readonly valueOptional: boolean }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: TypeSpec; readonly optional: boolean }[] };

/** Where a column's value comes from, as in the lake model (`SourceModel`). */
export type SourceSpec =
  | { readonly kind: 'path'; readonly path: string; readonly segments: readonly (string | number)[] }
  | { readonly kind: 'raw_payload' }
  | { readonly kind: 'ingestion_time' };

export interface CheckSpec {
  /** The canonical text, for messages: `side in ("BUY", "SELL")`. */
  readonly text: string;
  readonly expr: CheckExpr;
}

export interface ColumnSpec {
  readonly name: string;
  readonly type: TypeSpec;
  readonly optional: boolean;
  readonly source: SourceSpec;
  readonly checks: readonly CheckSpec[];
}

export interface DatasetSpec {
  readonly name: string;
  /**
   * `bitemporal`: full history (DESIGN.md section 2); `current`: one row per key, upserted in
   * arrival order (a `key` without `bitemporal`); `append`: every event becomes one row.
   */
  readonly mode: 'bitemporal' | 'current' | 'append';
  readonly columns: readonly ColumnSpec[];
  /** Key column names in key order; empty exactly for an append-only dataset. */
  readonly key: readonly string[];
  /** Keyed modes: how many applied events each key remembers to recognize a redelivery (default 32). */
  readonly dedupWindow?: number;
  readonly bitemporal?: {
    readonly validFrom: string;
    readonly validTo: string;
    readonly system: { readonly kind: 'column'; readonly column: string } | { readonly kind: 'ingestion' };
    /** What a late event does; default `apply`. */
    readonly late?: 'apply' | 'dead_letter';
  };
}

/** Whether the dataset keeps state per key (bi-temporal or current-state): keyed state, state files, restores. */
export function isKeyed(spec: DatasetSpec): boolean {
  return spec.mode !== 'append';
}

/** The stored system-time columns of a bi-temporal table (DESIGN.md section 2). */
export const SYSTEM_FROM = 'system_from';
export const SYSTEM_TO = 'system_to';

/** `decimal(18, 4)`, `list<string>`: the type as the spec writes it, for messages. */
export function typeText(t: TypeSpec): string {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'decimal': return `decimal(${t.precision}, ${t.scale})`;
    case 'list': return `list<${typeText(t.element)}${t.elementOptional ? '?' : ''}>`;
    case 'map': return `map<${typeText(t.key)}, ${typeText(t.value)}${t.valueOptional ? '?' : ''}>`;
    case 'struct': return `struct<${t.fields.map((f) => `${f.name}: ${typeText(f.type)}${f.optional ? '?' : ''}`).join(', ')}>`;
  }
}

/** Column indexes a processor works with, computed once per dataset. */
export interface DatasetLayout {
  readonly spec: DatasetSpec;
  readonly keyIndexes: readonly number[];
  /** -1 for an append-only dataset. */
  readonly validFromIndex: number;
  readonly validToIndex: number;
  /** -1 when the system time is the arrival time (or the dataset is append-only). */
  readonly systemIndex: number;
  /**
   * The columns whose values make the payload compared by rules 1 and 2: every column but the
   * key, the valid-time columns, the system column and the lake's own metadata
   * (`raw_payload()`, `ingestion_time()`), which describe the delivery, not the fact.
   */
  readonly payloadIndexes: readonly number[];
}

export function layoutOf(spec: DatasetSpec): DatasetLayout {
  const index = (name: string): number => {
    const i = spec.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`dataset '${spec.name}' has no column '${name}'`);
    return i;
  };
  const keyIndexes = spec.key.map(index);
  const b = spec.mode === 'bitemporal' ? spec.bitemporal : undefined;
  if (spec.mode === 'bitemporal' && b === undefined) throw new Error(`bi-temporal dataset '${spec.name}' lacks its bitemporal columns`);
  const validFromIndex = b !== undefined ? index(b.validFrom) : -1;
  const validToIndex = b !== undefined ? index(b.validTo) : -1;
  const systemIndex = b !== undefined && b.system.kind === 'column' ? index(b.system.column) : -1;
  const excluded = new Set<number>([...keyIndexes, validFromIndex, validToIndex, systemIndex]);
  const payloadIndexes: number[] = [];
  spec.columns.forEach((c, i) => {
    if (!excluded.has(i) && c.source.kind === 'path') payloadIndexes.push(i);
  });
  return { spec, keyIndexes, validFromIndex, validToIndex, systemIndex, payloadIndexes };
}

/** Column names of the stored table, in order: the dataset's columns, then system_from/system_to when bi-temporal. */
export function tableColumns(spec: DatasetSpec): string[] {
  const names = spec.columns.map((c) => c.name);
  return spec.mode === 'bitemporal' ? [...names, SYSTEM_FROM, SYSTEM_TO] : names;
}
