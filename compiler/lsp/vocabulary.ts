/**
 * What the editor offers and explains: the attributes of each block with a line of
 * documentation (DESIGN.md section 1 in the user's words) and the values each one takes.
 */
import { latePolicies, partitionTransforms, primitiveTypes } from '../semantic/symbols.ts';

export interface Attribute {
  readonly name: string;
  readonly doc: string;
  /** Written `name = value` (otherwise `name value` or `name { ... }`). */
  readonly assign: boolean;
  /** Closed set of values, when there is one. */
  readonly values?: readonly string[];
  /** Takes a block. */
  readonly block?: boolean;
}

const a = (name: string, doc: string, extra: Partial<Attribute> = {}): Attribute => ({ name, doc, assign: true, ...extra });

export const frequencies = ['hourly', 'daily', 'weekly'] as const;
export const durationUnits = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'years'] as const;

export const blockAttributes: Readonly<Record<string, readonly Attribute[]>> = {
  lake: [
    a('region', 'The AWS region every resource of the lake is created in, e.g. "us-east-1".'),
    a('owner', 'The team that owns the lake: an e-mail address or a name, in double quotes.'),
    a('encryption', 'Encryption at rest: `kms` creates one customer-managed key, rotated yearly.', { values: ['kms'] }),
    a('tags', 'Tags on every resource: `{ key: "value", ... }`.'),
    a('warnings_as_errors', 'Warnings this lake reports as errors, so that a spec with one does not build: `[LAKE6102]` (sensitive data to a QuickSight persona).'),
  ],
  classification: [
    a('sensitive', 'Sensitive data: a grant that lets a QuickSight persona read a column with this classification is reported (LAKE6102). `pii` is sensitive unless it says `sensitive = false`.', { values: ['true', 'false'] }),
  ],
  zone: [
    a('layer', 'The layer of the zone: raw (data as delivered), transformed (cleaned, conformed) or curated (ready for reporting).', { values: ['raw', 'transformed', 'curated'] }),
    a('retention', 'How long objects are kept, e.g. `400 days`; S3 expires them afterwards.'),
    a('archive', 'Move objects to a colder storage class after a while: `glacier_ir after 90 days` (S3 Glacier Instant Retrieval, which Athena reads), `glacier` or `deep_archive` (which Athena skips until restored).', { values: ['glacier_ir', 'glacier', 'deep_archive'] }),
  ],
  stream: [
    a('format', 'The format of the events publishers write: json.', { values: ['json'] }),
    a('partition_key', 'The event field that spreads records over shards, e.g. `trade_id` or `$.account.id`.'),
    a('retention', 'How long the stream keeps records, e.g. `7 days` (24 hours to 365 days).'),
    a('shards', 'Write capacity: a number of provisioned shards (each 1,000 records/s and 1 MiB/s), or `on_demand`.', { values: ['on_demand'] }),
  ],
  persona: [
    a('access', 'How the persona reaches data: a list of athena, quicksight and api.', { values: ['athena', 'quicksight', 'api'] }),
    a('identity', 'Who the persona is: `iam_role "ARN"` or `sso_group "NAME"`.', { values: ['iam_role', 'sso_group'] }),
  ],
  dataset: [
    { name: 'from', doc: 'The stream that feeds the dataset: `from stream NAME`. A generated stream processor processes it continuously. Without it the dataset is an external table that other tools load.', assign: false, values: ['stream'] },
    a('format', 'The table format in S3: iceberg (the default), parquet or json.', { values: ['iceberg', 'parquet', 'json'] }),
    a('owner', 'The team that owns the dataset, in double quotes; becomes catalog metadata.'),
    a('tags', 'Catalog tags: `{ key: "value", ... }`.'),
    { name: 'columns', doc: 'The columns: `name TYPE [= SOURCE] [@classification] [@check(CONDITION)]`, one per line.', assign: false, block: true },
    { name: 'key', doc: 'The business key: `key (column, ...)`. With `bitemporal`, the full history of each key; without it, one row per key (a current-state table, upserted in arrival order). Without a key a stream dataset appends every event.', assign: false },
    a('dedup_window', 'How many applied events each key remembers to recognize a redelivery (default 32, from 0 to 1024). A copy older than that is applied again; on a bi-temporal dataset it is reported as a late event.'),
    { name: 'bitemporal', doc: 'Keep the full history: `valid = FROM .. TO` (valid time), `system = COLUMN | ingestion` (system time) and `late = apply | dead_letter`.', assign: false, block: true },
    { name: 'partition', doc: 'Iceberg partitioning: `partition by day(column), bucket(16, column), ...`.', assign: false, values: ['by'] },
    { name: 'sla', doc: 'Throughput and latency targets: `burst = N records within DURATION` and `freshness = DURATION`.', assign: false, block: true },
    { name: 'scaling', doc: 'Scheduled scaling of the Flink job: `baseline = N kpu` and `peak "CRON" [in "TIME ZONE"] for DURATION at N kpu`.', assign: false, block: true },
    { name: 'maintenance', doc: 'Iceberg table upkeep: `compact`, `expire_snapshots = after DURATION`, `remove_orphans`.', assign: false, block: true },
  ],
  bitemporal: [
    a('valid', 'Valid time, when a fact is true in the world: `valid_from .. valid_to` (two timestamp columns, the second optional).'),
    a('system', 'System time, when the lake learned a fact: a timestamp column, or `ingestion` for the ingestion time.', { values: ['ingestion'] }),
    a('late', 'What a late event does: one not recognized as a duplicate that states a system time at or before one its key\'s dedup window has forgotten. `apply` (default): applied and counted; `dead_letter`: rejected with the reason `late`.', { values: latePolicies }),
  ],
  sla: [
    a('burst', 'The peak the pipeline must absorb: `N records within DURATION`; checked against the stream\'s write capacity.'),
    a('freshness', 'End-to-end latency from ingestion to queryable, e.g. `15 minutes`.'),
  ],
  scaling: [
    a('baseline', 'The Flink job\'s capacity outside peaks, in KPU: `2 kpu`.'),
    { name: 'peak', doc: 'A scheduled scale-up: `peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 64 kpu`; the cron is read in UTC, or in the IANA time zone named by `in`: `peak "cron(0 16 ? * MON-FRI *)" in "America/New_York" for 30 minutes at 64 kpu` (daylight saving time followed).', assign: false },
  ],
  maintenance: [
    a('compact', 'How often small files are rewritten into bigger ones.', { values: frequencies }),
    a('expire_snapshots', 'Drop Iceberg snapshots older than a duration: `after 7 days`.', { values: ['after'] }),
    a('remove_orphans', 'How often files no snapshot references are deleted.', { values: frequencies }),
  ],
};

export const declarationDocs: Readonly<Record<string, string>> = {
  lake: 'The lake: exactly one per lake; names every generated resource. `lake NAME { region = "..." }`',
  zone: 'A storage layer: one S3 location and one Glue database. `zone NAME { layer = raw }`',
  classification: 'A label for columns, used as `@NAME`; becomes a Lake Formation tag. `classification phi { sensitive = true }` keeps its columns from QuickSight personas (`pii` is sensitive by default).',
  stream: 'A Kinesis data stream that publishers write to. `stream NAME { shards = 4 }`',
  dataset: 'A table in a zone. `dataset NAME in ZONE { columns { ... } }`',
  persona: 'A group of users and how they reach data. `persona NAME { access = [athena] }`',
  grant: 'A Lake Formation permission: `grant PRIVILEGES on TARGET to PERSONA [where ROW_FILTER]`.',
};

export const declarationKeywords = Object.keys(declarationDocs);

export const privileges = ['select', 'insert', 'delete', 'describe', 'alter', 'drop', 'all'] as const;

export const typeNames = [...primitiveTypes, 'decimal', 'list', 'map', 'struct'];

export const typeDocs: Readonly<Record<string, string>> = {
  boolean: 'true or false', int: '32-bit signed integer', long: '64-bit signed integer (Glue: bigint)', float: '32-bit floating point',
  double: '64-bit floating point', date: 'a calendar date', timestamp: 'date and time without a zone (microseconds)',
  timestamptz: 'date and time with a zone, stored in UTC (Glue: timestamp)', string: 'UTF-8 text', uuid: 'a UUID (Glue: string)',
  binary: 'bytes', decimal: 'exact decimal: `decimal(precision, scale)`, precision 1 to 38', list: 'a list: `list<T>`',
  map: 'a map: `map<K, V>` with a primitive key type', struct: 'a record: `struct<name: T, ...>`',
};

export const transforms = partitionTransforms;

export const transformDocs: Readonly<Record<string, string>> = {
  identity: 'partition by the column value', year: 'by year of a date or timestamp', month: 'by month of a date or timestamp',
  day: 'by day of a date or timestamp', hour: 'by hour of a timestamp', bucket: '`bucket(N, column)`: hash into N buckets',
  truncate: '`truncate(W, column)`: truncate strings to W characters, numbers to multiples of W',
};

export const columnSources = ['raw_payload()', 'ingestion_time()'];

export const rowFilterKeywords = ['and', 'or', 'not', 'in', 'is', 'null'];
