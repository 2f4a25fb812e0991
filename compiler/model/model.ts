/**
 * The lake model: the checked, normalized, JSON-serializable description of a lake that every
 * generator consumes. Declarations are sorted by name; columns keep their declared order
 * (it is the table's column order); defaults are applied; durations are in seconds.
 * `model/lake-model.schema.json` describes it and is published with the package.
 */

export const modelVersion = 1;

export interface Duration {
  readonly seconds: number;
  /** As the spec wrote it. */
  readonly text: string;
}

export interface LakeModel {
  readonly modelVersion: 1;
  readonly lake: LakeInfo;
  readonly zones: readonly ZoneModel[];
  readonly classifications: readonly ClassificationModel[];
  readonly streams: readonly StreamModel[];
  readonly datasets: readonly DatasetModel[];
  readonly personas: readonly PersonaModel[];
  readonly grants: readonly GrantModel[];
}

export interface LakeInfo {
  readonly name: string;
  readonly description?: string;
  readonly region: string;
  readonly owner?: string;
  readonly encryption: 'kms';
  readonly tags: Readonly<Record<string, string>>;
}

export interface ZoneModel {
  readonly name: string;
  readonly description?: string;
  readonly layer: 'raw' | 'transformed' | 'curated';
  /** The Glue database of the zone: `<lake>_<zone>`. */
  readonly database: string;
  readonly retention?: Duration;
  readonly archive?: { readonly storageClass: 'glacier_ir' | 'glacier' | 'deep_archive'; readonly after: Duration };
}

export interface ClassificationModel {
  readonly name: string;
  readonly description?: string;
  /** Sensitive data: no QuickSight persona may read it (LAKE6102); `pii` unless it says otherwise. */
  readonly sensitive: boolean;
}

export interface StreamModel {
  readonly name: string;
  readonly description?: string;
  readonly format: 'json';
  readonly partitionKey?: string;
  /** Defaults to Kinesis' 24 hours. */
  readonly retention: Duration;
  readonly capacity: { readonly mode: 'provisioned'; readonly shards: number } | { readonly mode: 'on_demand' };
  /** The write capacity the stream offers, from FIELD-NOTES limits. */
  readonly writeCapacity: { readonly recordsPerSecond: number; readonly bytesPerSecond: number };
  /** Datasets that read it, sorted. */
  readonly readers: readonly string[];
}

export type TypeModel =
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'list'; readonly element: TypeModel; readonly elementOptional: boolean }
  | { readonly kind: 'map'; readonly key: TypeModel; readonly value: TypeModel; readonly valueOptional: boolean }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: TypeModel; readonly optional: boolean }[] };

export type SourceModel =
  | { readonly kind: 'path'; readonly path: string; readonly segments: readonly (string | number)[] }
  | { readonly kind: 'raw_payload' }
  | { readonly kind: 'ingestion_time' };

export interface ColumnModel {
  readonly name: string;
  readonly description?: string;
  readonly type: TypeModel;
  /** The type as the spec writes it: `decimal(18, 4)`. */
  readonly typeText: string;
  /** The Glue/Hive type string: `decimal(18,4)`, `array<struct<city:string>>`. */
  readonly glueType: string;
  readonly optional: boolean;
  readonly source: SourceModel;
  readonly classifications: readonly string[];
  /** Canonical text of each `@check`. */
  readonly checks: readonly string[];
}

export interface DatasetModel {
  readonly name: string;
  readonly description?: string;
  readonly zone: string;
  /** The Glue database and table the dataset becomes. */
  readonly database: string;
  readonly table: string;
  /**
   * `bitemporal`: full history from a stream; `current`: one row per key from a stream, upserted
   * in arrival order (a `key` without `bitemporal`); `append`: every event of a stream appended
   * (no key); `external`: loaded by other tools (no stream).
   */
  readonly mode: 'bitemporal' | 'current' | 'append' | 'external';
  readonly source?: { readonly stream: string };
  readonly format: 'iceberg' | 'parquet' | 'json';
  readonly owner?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly columns: readonly ColumnModel[];
  readonly key: readonly string[];
  /**
   * `bitemporal` and `current` datasets (absent otherwise): how many applied events each key
   * remembers to recognize a redelivery (`dedup_window`, default 32; 0 turns it off).
   */
  readonly dedupWindow?: number;
  readonly bitemporal?: {
    readonly validFrom: string;
    readonly validTo: string;
    readonly system: { readonly kind: 'column'; readonly column: string } | { readonly kind: 'ingestion' };
    /**
     * What a late event does (`late`, default `apply`): an event that is not recognized as a
     * duplicate but states a system time at or before the latest one its key has forgotten.
     */
    readonly late: 'apply' | 'dead_letter';
    /**
     * The system-time interval `[systemFrom, systemTo)` the table stores after the declared
     * columns (DESIGN.md section 2): timestamps, `systemTo` null while the row is current.
     */
    readonly systemFrom: 'system_from';
    readonly systemTo: 'system_to';
  };
  readonly partitioning: readonly { readonly transform: string; readonly column: string; readonly width?: number }[];
  readonly sla?: {
    readonly burst?: { readonly records: number; readonly within: Duration; readonly recordsPerSecond: number };
    readonly freshness?: Duration;
  };
  readonly scaling?: {
    readonly baselineKpu: number;
    /** `timeZone`: the IANA zone the cron is read in (absent: UTC). */
    readonly peaks: readonly { readonly cron: string; readonly timeZone?: string; readonly duration: Duration; readonly kpu: number }[];
  };
  readonly maintenance?: {
    readonly compact?: 'hourly' | 'daily' | 'weekly';
    readonly expireSnapshots?: Duration;
    readonly removeOrphans?: 'hourly' | 'daily' | 'weekly';
  };
}

export interface PersonaModel {
  readonly name: string;
  readonly description?: string;
  readonly access: readonly ('athena' | 'quicksight' | 'api')[];
  readonly identity: { readonly kind: 'iam_role'; readonly arn: string } | { readonly kind: 'sso_group'; readonly group: string };
}

export type GrantSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'columns'; readonly columns: readonly string[] }
  | { readonly kind: 'except'; readonly columns: readonly string[] }
  | { readonly kind: 'except_classification'; readonly classification: string };

export interface GrantModel {
  readonly persona: string;
  readonly privileges: readonly string[];
  readonly target:
    | { readonly kind: 'zone'; readonly zone: string; readonly database: string }
    | {
        readonly kind: 'dataset';
        readonly dataset: string;
        readonly selection: GrantSelection;
        /**
         * The columns the persona can read, after `except`, in table order. A bi-temporal table's
         * `system_from` and `system_to` are in it when an explicit column list names them, and for
         * every other selection unless `except (...)` excludes them.
         */
        readonly columns: readonly string[];
      };
  /** A Lake Formation row filter (PartiQL), when the grant has `where`. */
  readonly rowFilter?: string;
}
