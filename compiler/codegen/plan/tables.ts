/**
 * How a dataset is stored: its table's columns (the declared ones, then a bi-temporal table's
 * system-time interval), its partitioning, an Iceberg table's schema and properties, and the
 * Hive layout of a Parquet or JSON table. Every target (Glue JSON, CDK, docs) reads it from here.
 */
import type { ColumnModel, DatasetModel, Duration, LakeModel, TypeModel, ZoneModel } from '../../model/model.ts';

/** Glue limits column comments to 255 characters and table descriptions to 2048. */
export const columnCommentLimit = 255;
export const tableDescriptionLimit = 2048;

export interface StoredColumn {
  readonly name: string;
  /** The Glue/Hive type string. */
  readonly type: string;
  /** The Iceberg type (for the Iceberg schema); absent for a column lakec adds. */
  readonly model: TypeModel;
  readonly required: boolean;
  readonly comment?: string;
  readonly classifications: readonly string[];
}

const timestampType: TypeModel = { kind: 'primitive', name: 'timestamp' };

/** One line, at most `limit` characters: doc comments become catalog comments. */
export function catalogText(text: string | undefined, limit: number): string | undefined {
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 3).trimEnd()}...`;
}

function stored(c: ColumnModel): StoredColumn {
  const comment = catalogText(c.description, columnCommentLimit);
  return {
    name: c.name, type: c.glueType, model: c.type, required: !c.optional,
    ...(comment !== undefined ? { comment } : {}),
    classifications: c.classifications,
  };
}

/** The table's columns in order: declared, then `system_from` and `system_to` for bi-temporal history. */
export function storedColumns(d: DatasetModel): StoredColumn[] {
  const cols = d.columns.map(stored);
  if (d.bitemporal !== undefined) {
    cols.push(
      { name: d.bitemporal.systemFrom, type: 'timestamp', model: timestampType, required: true, comment: 'System time: when the lake learned this version of the row (history column added by lakec).', classifications: [] },
      { name: d.bitemporal.systemTo, type: 'timestamp', model: timestampType, required: false, comment: 'System time: when this version was superseded; null while current (history column added by lakec).', classifications: [] },
    );
  }
  return cols;
}

export function zoneOf(model: LakeModel, d: DatasetModel): ZoneModel {
  return model.zones.find((z) => z.name === d.zone)!;
}

/** Where the dataset's files live inside its zone's bucket. */
export function tablePrefix(d: DatasetModel): string {
  return `${d.name}/`;
}

/** Bad events of a dataset with a source: the processors write them here (dead-letter location). */
export function deadLetterPrefix(d: DatasetModel): string {
  return `_dead_letters/${d.name}/`;
}

// ---------------------------------------------------------------------------------------------
// Iceberg

/** Iceberg partition field name, as Iceberg names them by default. */
export function partitionFieldName(p: DatasetModel['partitioning'][number]): string {
  switch (p.transform) {
    case 'identity': return p.column;
    case 'bucket': return `${p.column}_bucket`;
    case 'truncate': return `${p.column}_trunc`;
    default: return `${p.column}_${p.transform}`;
  }
}

/** `bucket[16]`, `day`: Iceberg's transform strings. */
export function icebergTransform(p: DatasetModel['partitioning'][number]): string {
  return p.width !== undefined ? `${p.transform}[${p.width}]` : p.transform;
}

/**
 * An Iceberg table's properties (Glue's CreateIcebergTableInput, Spark, Flink): format v2, Parquet
 * with zstd, and the snapshot age of `expire_snapshots` twice: Iceberg's own
 * `history.expire.max-snapshot-age-ms`, and `vacuum_max_snapshot_age_seconds`, which Athena's
 * VACUUM (the scheduled maintenance) reads.
 */
export function icebergNativeProperties(d: DatasetModel): Record<string, string> {
  const props: Record<string, string> = { 'format-version': '2', 'write.format.default': 'parquet', 'write.parquet.compression-codec': 'zstd' };
  const expire = d.maintenance?.expireSnapshots;
  if (expire !== undefined) {
    props['history.expire.max-snapshot-age-ms'] = String(expire.seconds * 1000);
    props['vacuum_max_snapshot_age_seconds'] = String(expire.seconds);
  }
  return Object.fromEntries(Object.entries(props).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Field ids: top-level columns 1..n in order, then nested fields depth-first (Iceberg's convention). */
export function icebergSchema(d: DatasetModel): { fields: unknown[]; identifierFieldIds: number[]; ids: Map<string, number> } {
  const cols = storedColumns(d);
  let next = cols.length + 1;
  const ids = new Map(cols.map((c, i) => [c.name, i + 1]));
  const type = (t: TypeModel): unknown => {
    switch (t.kind) {
      case 'primitive': return t.name;
      case 'decimal': return `decimal(${t.precision},${t.scale})`;
      case 'list': {
        const elementId = next++;
        return { type: 'list', 'element-id': elementId, element: type(t.element), 'element-required': !t.elementOptional };
      }
      case 'map': {
        const keyId = next++;
        const valueId = next++;
        return { type: 'map', 'key-id': keyId, key: type(t.key), 'value-id': valueId, value: type(t.value), 'value-required': !t.valueOptional };
      }
      case 'struct': {
        const fieldIds = t.fields.map(() => next++);
        return { type: 'struct', fields: t.fields.map((f, i) => ({ id: fieldIds[i], name: f.name, required: !f.optional, type: type(f.type) })) };
      }
    }
  };
  const fields = cols.map((c, i) => ({
    Id: i + 1, Name: c.name, Type: type(c.model), Required: c.required,
    ...(c.comment !== undefined ? { Doc: c.comment } : {}),
  }));
  return { fields, identifierFieldIds: identifierFields(d).map((n) => ids.get(n)!), ids };
}

/**
 * Iceberg identifier fields: the upsert key. A bi-temporal table upserts on
 * (key, valid_from, system_from); a current-state table (a key without `bitemporal`) on its key;
 * an append-only table declares none (every event is a new row); an external table with a key
 * declares it for the tools that load it.
 */
export function identifierFields(d: DatasetModel): string[] {
  switch (d.mode) {
    case 'bitemporal': return [...d.key, d.bitemporal!.validFrom, d.bitemporal!.systemFrom];
    case 'append': return [];
    case 'current': case 'external': return [...d.key];
  }
}

// ---------------------------------------------------------------------------------------------
// Hive tables (Parquet, JSON): what CloudFormation can own safely.

export interface HiveLayout {
  readonly columns: StoredColumn[];
  readonly partitionKeys: { name: string; type: string; comment: string }[];
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serde: string;
  readonly parameters: Record<string, string>;
}

const hiveTimeFormats: Record<string, { format: string; unit: string }> = {
  year: { format: 'yyyy', unit: 'YEARS' },
  month: { format: 'yyyy-MM', unit: 'MONTHS' },
  day: { format: 'yyyy-MM-dd', unit: 'DAYS' },
  hour: { format: 'yyyy-MM-dd-HH', unit: 'HOURS' },
};

/**
 * A Parquet or JSON table partitions by Hive-style folders, one per partition field
 * (`ingested_at_day=2024-05-01/`), named as Iceberg names its partition fields. An identity field
 * is a folder only (Hive keeps partition columns out of the data files). Time and bucket fields
 * are projected (Athena computes the folders, no partition registration); a table with an
 * identity or truncate field has its partitions registered by whoever writes it.
 */
export function hiveLayout(d: DatasetModel, retentionDays: number | undefined): HiveLayout {
  const identity = new Set(d.partitioning.filter((p) => p.transform === 'identity').map((p) => p.column));
  const all = storedColumns(d);
  const byName = new Map(all.map((c) => [c.name, c]));
  const columns = all.filter((c) => !identity.has(c.name));
  const partitionKeys = d.partitioning.map((p) => {
    const source = byName.get(p.column)!;
    const name = partitionFieldName(p);
    if (p.transform === 'identity') return { name, type: source.type, comment: source.comment ?? `Partition: ${p.column}.` };
    if (p.transform === 'bucket') return { name, type: 'int', comment: `Partition: bucket(${p.width}, ${p.column}), 0 to ${(p.width ?? 1) - 1}.` };
    if (p.transform === 'truncate') return { name, type: source.type, comment: `Partition: truncate(${p.width}, ${p.column}).` };
    return { name, type: 'string', comment: `Partition: ${p.transform}(${p.column}) as ${hiveTimeFormats[p.transform]!.format}.` };
  });
  const json = d.format === 'json';
  const parameters: Record<string, string> = { EXTERNAL: 'TRUE', classification: json ? 'json' : 'parquet', ...datasetTags(d) };
  if (!json) parameters['parquet.compression'] = 'ZSTD';
  const projectable = d.partitioning.length > 0 && d.partitioning.every((p) => p.transform === 'bucket' || p.transform in hiveTimeFormats);
  if (projectable) {
    parameters['projection.enabled'] = 'true';
    for (const p of d.partitioning) {
      const name = partitionFieldName(p);
      if (p.transform === 'bucket') {
        parameters[`projection.${name}.type`] = 'integer';
        parameters[`projection.${name}.range`] = `0,${(p.width ?? 1) - 1}`;
      } else {
        const f = hiveTimeFormats[p.transform]!;
        parameters[`projection.${name}.type`] = 'date';
        parameters[`projection.${name}.format`] = f.format;
        parameters[`projection.${name}.range`] = `NOW-${retentionDays ?? 3650}DAYS,NOW`;
        parameters[`projection.${name}.interval`] = '1';
        parameters[`projection.${name}.interval.unit`] = f.unit;
      }
    }
  }
  return {
    columns,
    partitionKeys,
    inputFormat: json ? 'org.apache.hadoop.mapred.TextInputFormat' : 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: json ? 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' : 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serde: json ? 'org.openx.data.jsonserde.JsonSerDe' : 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    parameters: Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** The dataset's `tags` as table parameters (`tag.domain`: `trading`). */
export function datasetTags(d: DatasetModel): Record<string, string> {
  return Object.fromEntries(Object.entries(d.tags).map(([k, v]) => [`tag.${k}`, v]));
}

/**
 * Every column a query can name, as the catalog holds the table: the stored columns, and for a
 * Parquet or JSON table the partition columns lakec derives (`ingested_at_day`; an identity
 * partition is the source column itself).
 */
export function tableColumnNames(d: DatasetModel): string[] {
  const names = storedColumns(d).map((c) => c.name);
  if (d.format === 'iceberg') return names;
  for (const p of d.partitioning) if (p.transform !== 'identity') names.push(partitionFieldName(p));
  return names;
}

/** Days, rounded up (lifecycle rules and projection ranges count days). */
export function days(seconds: number): number {
  return Math.ceil(seconds / 86_400);
}

/**
 * The days a lifecycle rule or a projection range needs so that a duration of the spec is never
 * cut short: `N years` are calendar years, whose longest run has `ceil(N / 4)` leap days
 * (`7 years` is 2,557 days, not 7 x 365 = 2,555); other units are exact. A duration's text is
 * always `<count> <unit>` (the model writes it so).
 */
export function calendarDays(d: Duration): number {
  const years = /^([\d_]+) years?$/.exec(d.text);
  if (years !== null) {
    const n = Number(years[1]!.replace(/_/g, ''));
    return 365 * n + Math.ceil(n / 4);
  }
  return days(d.seconds);
}
