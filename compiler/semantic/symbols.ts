/**
 * The bound lake: every declaration decoded into typed attributes that keep their source
 * spans, and every reference (zone, stream, dataset, persona, classification, column) listed
 * once with what it resolves to. Validation rules, the model lowering and the language server
 * all read this, never tokens.
 */
import type { Span } from '../diagnostics/diagnostic.ts';
import type * as A from '../syntax/ast.ts';

/** A decoded value and where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

export type SymbolKind = 'lake' | 'zone' | 'classification' | 'stream' | 'dataset' | 'persona' | 'column';

export interface SymbolBase {
  readonly kind: SymbolKind;
  readonly name: string;
  /** The span of the name where it is declared. */
  readonly nameSpan: Span;
  /** The whole declaration. */
  readonly span: Span;
  readonly doc?: string;
}

export interface Duration {
  readonly seconds: number;
  /** As written: `400 days`. */
  readonly text: string;
}

export type Layer = 'raw' | 'transformed' | 'curated';
export type StorageClass = 'glacier_ir' | 'glacier' | 'deep_archive';
export type TableFormat = 'iceberg' | 'parquet' | 'json';
export type Access = 'athena' | 'quicksight' | 'api';
export type Privilege = 'select' | 'insert' | 'delete' | 'describe' | 'alter' | 'drop' | 'all';
export type Frequency = 'hourly' | 'daily' | 'weekly';

export interface LakeSymbol extends SymbolBase {
  readonly kind: 'lake';
  readonly region?: Located<string>;
  readonly owner?: Located<string>;
  readonly encryption?: Located<'kms'>;
  readonly tags: readonly TagSymbol[];
  /** `warnings_as_errors = [LAKE6102, ...]`: warning codes this lake reports as errors (validate.ts). */
  readonly warningsAsErrors: readonly Located<string>[];
}

export interface TagSymbol {
  readonly key: Located<string>;
  readonly value: Located<string>;
}

export interface ZoneSymbol extends SymbolBase {
  readonly kind: 'zone';
  readonly layer?: Located<Layer>;
  readonly retention?: Located<Duration>;
  readonly archive?: Located<{ readonly storageClass: Located<StorageClass>; readonly after: Located<Duration> }>;
}

export interface ClassificationSymbol extends SymbolBase {
  readonly kind: 'classification';
  /**
   * Sensitive data (`sensitive = true`): LAKE6102 keeps its columns from QuickSight personas.
   * `pii` is sensitive unless it says `sensitive = false`; other classifications are not unless they say so.
   */
  readonly sensitive: boolean;
  /** Where `sensitive = ...` is written; absent when the default applies. */
  readonly sensitiveSpan?: Span;
}

/** The classification sensitive by default. */
export const defaultSensitive = 'pii';

export type StreamCapacity = { readonly mode: 'provisioned'; readonly shards: number } | { readonly mode: 'on_demand' };

export interface StreamSymbol extends SymbolBase {
  readonly kind: 'stream';
  readonly format?: Located<'json'>;
  readonly partitionKey?: Located<string>;
  readonly retention?: Located<Duration>;
  readonly capacity?: Located<StreamCapacity>;
}

// ------------------------------------------------------------------ types

export const primitiveTypes = [
  'boolean', 'int', 'long', 'float', 'double', 'date', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary',
] as const;
export type PrimitiveName = (typeof primitiveTypes)[number];

export type LakeType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName; readonly span: Span }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number; readonly span: Span }
  | { readonly kind: 'list'; readonly element: FieldType; readonly span: Span }
  | { readonly kind: 'map'; readonly key: FieldType; readonly value: FieldType; readonly span: Span }
  | { readonly kind: 'struct'; readonly fields: readonly StructField[]; readonly span: Span }
  /** A type the binder could not decode (already reported); rules treat it as compatible with anything. */
  | { readonly kind: 'unknown'; readonly span: Span };

export interface FieldType {
  readonly type: LakeType;
  readonly optional: boolean;
}

export interface StructField extends FieldType {
  readonly name: Located<string>;
}

// ------------------------------------------------------------------ datasets

export type ColumnSourceSymbol =
  | { readonly kind: 'path'; readonly path: string; readonly segments: readonly (string | number)[]; readonly span: Span; readonly implicit: boolean }
  | { readonly kind: 'raw_payload'; readonly span: Span }
  | { readonly kind: 'ingestion_time'; readonly span: Span };

export interface ColumnSymbol extends SymbolBase {
  readonly kind: 'column';
  readonly dataset: string;
  readonly type: LakeType;
  readonly typeSpan: Span;
  readonly optional: boolean;
  readonly source: ColumnSourceSymbol;
  readonly classifications: readonly Located<string>[];
  readonly checks: readonly { readonly expr: A.Expr; readonly span: Span }[];
  readonly index: number;
  /** `system_from` or `system_to`: a column lakec adds to a bi-temporal table, declared by its `bitemporal` block. */
  readonly system?: true;
}

export type PartitionTransform = 'identity' | 'year' | 'month' | 'day' | 'hour' | 'bucket' | 'truncate';
export const partitionTransforms: readonly PartitionTransform[] = ['identity', 'year', 'month', 'day', 'hour', 'bucket', 'truncate'];

export interface PartitionField {
  readonly transform: Located<PartitionTransform>;
  readonly column: Located<string>;
  /** `bucket(N, col)` / `truncate(W, col)`. */
  readonly width?: Located<number>;
  readonly span: Span;
}

/** What a bi-temporal dataset does with a late event (docs/language.md, "bitemporal"). */
export const latePolicies = ['apply', 'dead_letter'] as const;
export type LatePolicy = (typeof latePolicies)[number];

export interface BitemporalSymbol {
  readonly validFrom?: Located<string>;
  readonly validTo?: Located<string>;
  readonly system?: Located<{ readonly kind: 'column'; readonly column: string } | { readonly kind: 'ingestion' }>;
  readonly late?: Located<LatePolicy>;
  readonly span: Span;
}

/** The largest `dedup_window`: events remembered per key, each compared with every new event. */
export const MAX_DEDUP_WINDOW = 1024;

export interface SlaSymbol {
  readonly burst?: Located<{ readonly records: number; readonly within: Duration }>;
  readonly freshness?: Located<Duration>;
  readonly span: Span;
}

export interface ScalingPeak {
  readonly cron: Located<string>;
  /** `in "ZONE"`: the IANA time zone the cron is read in (absent: UTC). */
  readonly timeZone?: Located<string>;
  readonly duration: Located<Duration>;
  readonly kpu: Located<number>;
  readonly span: Span;
}

export interface ScalingSymbol {
  readonly baseline?: Located<number>;
  readonly peaks: readonly ScalingPeak[];
  readonly span: Span;
}

export interface MaintenanceSymbol {
  readonly compact?: Located<Frequency>;
  readonly expireSnapshots?: Located<Duration>;
  readonly removeOrphans?: Located<Frequency>;
  readonly span: Span;
}

export interface DatasetSymbol extends SymbolBase {
  readonly kind: 'dataset';
  readonly zone?: Located<string>;
  readonly source?: Located<{ readonly stream: Located<string> }>;
  /** Defaults to iceberg; `span` is the dataset name when defaulted. */
  readonly format: Located<TableFormat> & { readonly defaulted: boolean };
  readonly owner?: Located<string>;
  readonly tags: readonly TagSymbol[];
  readonly columns: readonly ColumnSymbol[];
  readonly columnsSpan?: Span;
  readonly key?: Located<readonly Located<string>[]>;
  /** `dedup_window = N`: applied events each key remembers to recognize a redelivery. */
  readonly dedupWindow?: Located<number>;
  readonly bitemporal?: BitemporalSymbol;
  readonly partitions: readonly PartitionField[];
  readonly partitionSpan?: Span;
  readonly sla?: SlaSymbol;
  readonly scaling?: ScalingSymbol;
  readonly maintenance?: MaintenanceSymbol;
  readonly hasSyntaxErrors: boolean;
}

export interface PersonaSymbol extends SymbolBase {
  readonly kind: 'persona';
  readonly access: readonly Located<Access>[];
  readonly accessSpan?: Span;
  /** `valueSpan`: the string literal (the ARN or the group name, quotes included). */
  readonly identity?: Located<{ readonly kind: 'iam_role'; readonly arn: string } | { readonly kind: 'sso_group'; readonly group: string }> & { readonly valueSpan: Span };
}

export type GrantTargetSymbol =
  | { readonly kind: 'zone'; readonly zone: Located<string>; readonly span: Span }
  | {
      readonly kind: 'dataset';
      readonly dataset: Located<string>;
      readonly columns?: readonly Located<string>[];
      readonly exceptColumns?: readonly Located<string>[];
      readonly exceptClassification?: Located<string>;
      readonly selectionSpan?: Span;
      readonly span: Span;
    };

export interface GrantSymbol {
  readonly kind: 'grant';
  readonly privileges: readonly Located<Privilege>[];
  readonly target?: GrantTargetSymbol;
  readonly persona?: Located<string>;
  readonly where?: A.Expr;
  readonly span: Span;
  /** Position among the lake's grants in source order (files sorted by path). */
  readonly index: number;
}

export interface Reference {
  readonly kind: Exclude<SymbolKind, 'lake'>;
  readonly name: string;
  readonly span: Span;
  /** For column references: the dataset whose columns are meant. */
  readonly dataset?: string;
  /** What it resolves to; undefined when nothing of that name exists. */
  readonly target?: SymbolBase;
  /** Where the reference stands, for messages: "partition by", "grant", "row filter", ... */
  readonly context: string;
}

export interface BoundLake {
  readonly files: readonly A.LakeFile[];
  readonly lakes: readonly LakeSymbol[];
  readonly zones: readonly ZoneSymbol[];
  readonly classifications: readonly ClassificationSymbol[];
  readonly streams: readonly StreamSymbol[];
  readonly datasets: readonly DatasetSymbol[];
  readonly personas: readonly PersonaSymbol[];
  readonly grants: readonly GrantSymbol[];
  /** First declaration of each name per kind (duplicates are reported, the first one wins). */
  readonly scope: {
    readonly zone: ReadonlyMap<string, ZoneSymbol>;
    readonly classification: ReadonlyMap<string, ClassificationSymbol>;
    readonly stream: ReadonlyMap<string, StreamSymbol>;
    readonly dataset: ReadonlyMap<string, DatasetSymbol>;
    readonly persona: ReadonlyMap<string, PersonaSymbol>;
  };
  readonly references: readonly Reference[];
}

const columnIndexCache = new WeakMap<DatasetSymbol, Map<string, ColumnSymbol>>();

/** Column lookup by name in constant time (the first declaration of a name wins). */
export function columnOf(dataset: DatasetSymbol, name: string): ColumnSymbol | undefined {
  let index = columnIndexCache.get(dataset);
  if (index === undefined) {
    index = new Map();
    for (const c of dataset.columns) if (!index.has(c.name)) index.set(c.name, c);
    columnIndexCache.set(dataset, index);
  }
  return index.get(name);
}

/** The system-time columns lakec adds to every bi-temporal table, after the declared columns. */
export const systemColumnNames = ['system_from', 'system_to'] as const;

const systemColumnsCache = new WeakMap<DatasetSymbol, readonly ColumnSymbol[]>();

/**
 * The columns lakec adds to a bi-temporal dataset's table, `system_from timestamp` and
 * `system_to timestamp?` (null while the row is current), as column symbols declared by the
 * dataset's `bitemporal` block; none for other datasets.
 */
export function systemColumns(dataset: DatasetSymbol): readonly ColumnSymbol[] {
  const b = dataset.bitemporal;
  if (b === undefined) return [];
  let cols = systemColumnsCache.get(dataset);
  if (cols === undefined) {
    const span = b.span;
    const doc = {
      system_from: 'System time: when the lake learned this version of the row (a column lakec adds).',
      system_to: 'System time: when this version was superseded; null while it is current (a column lakec adds). `system_to is null` selects current knowledge.',
    };
    cols = systemColumnNames.map((name, i): ColumnSymbol => ({
      kind: 'column', name, nameSpan: span, span, doc: doc[name], dataset: dataset.name,
      type: { kind: 'primitive', name: 'timestamp', span }, typeSpan: span, optional: name === 'system_to',
      source: { kind: 'ingestion_time', span }, classifications: [], checks: [], index: dataset.columns.length + i, system: true,
    }));
    systemColumnsCache.set(dataset, cols);
  }
  return cols;
}

/** A column of the dataset's table, as a grant or a row filter sees it: declared, or one lakec adds (`system_to`). */
export function tableColumnOf(dataset: DatasetSymbol, name: string): ColumnSymbol | undefined {
  return columnOf(dataset, name) ?? (dataset.bitemporal !== undefined ? systemColumns(dataset).find((c) => c.name === name) : undefined);
}

/** Where a column reference resolves: grants and row filters see the whole table, everything else the declared columns. */
export function columnTarget(dataset: DatasetSymbol, name: string, context: string): ColumnSymbol | undefined {
  return context === 'grant' || context === 'row filter' ? tableColumnOf(dataset, name) : columnOf(dataset, name);
}
