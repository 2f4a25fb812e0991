/**
 * The lake as the CDK app consumes it (`infra/lake.ts`): every name, size, schedule, alarm
 * threshold and Lake Formation permission is decided here, in lakec, so the constructs in
 * `infra/constructs/` stay generic and the decisions are tested once, in lakec's own tests.
 */
import { checkpointIntervalSeconds } from '../../model/capacity.ts';
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import { accessMatrixFromModel, accessPlan, type AccessPlan } from '../plan/access.ts';
import * as N from '../plan/names.ts';
import { createTableInput } from '../glue/index.ts';
import { calendarDays, catalogText, deadLetterPrefix, hiveLayout, partitionFieldName, storedColumns, tableColumnNames, tablePrefix, tableDescriptionLimit, zoneOf, type StoredColumn } from '../plan/tables.ts';
import { flinkApplication, flinkMetrics, lakeFlink } from './flink.ts';

/** Per-query scan limit of the personas' Athena workgroups (100 GiB); the stack's context can override it. */
export const defaultBytesScannedCutoff = 100 * 1024 ** 3;
/** The longest time range of one catalog API manifest, in days; context `lakec:manifestMaxDays` overrides it. */
export const defaultManifestMaxDays = 7;
/** The S3 storage class of each archive of the spec. */
const s3StorageClasses = { glacier_ir: 'GLACIER_IR', glacier: 'GLACIER', deep_archive: 'DEEP_ARCHIVE' } as const;
/** Managed Flink commits Iceberg data at checkpoints, every 60 s by default (FIELD-NOTES.md). */
export const checkpointSeconds = checkpointIntervalSeconds;

export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

export interface AlarmDefinition {
  readonly name: string;
  readonly description: string;
  readonly metric: { readonly namespace: string; readonly metricName: string; readonly dimensions: Record<string, string>; readonly statistic: string; readonly periodSeconds: number };
  /** Metric math over the metric (named `m`): `DIFF(m)` for a counter Flink reports cumulatively. */
  readonly expression?: { readonly expression: string; readonly label: string };
  readonly threshold: number;
  /** Default: greater than the threshold. */
  readonly comparison?: 'LessThanOrEqualToThreshold';
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Default: not breaching (no traffic). `breaching`: silence from an application that exists is an outage. */
  readonly treatMissingData?: 'breaching';
  /** On the dataset's Flink application: created with it, once it exists. */
  readonly application?: true;
}

export interface MaintenanceJob {
  readonly name: string;
  readonly description: string;
  readonly schedule: string;
  readonly query: string;
}

/** `150000000` -> `150,000,000`. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function column(c: StoredColumn): ColumnDefinition {
  return { name: c.name, type: c.type, ...(c.comment !== undefined ? { comment: c.comment } : {}) };
}

const compactSchedules = { hourly: 'rate(1 hour)', daily: 'cron(0 2 * * ? *)', weekly: 'cron(0 2 ? * SUN *)' } as const;
const vacuumSchedules = { hourly: 'rate(1 hour)', daily: 'cron(0 4 * * ? *)', weekly: 'cron(0 4 ? * SUN *)' } as const;

/** Scheduled Athena upkeep of an Iceberg table: OPTIMIZE (compaction) and VACUUM (expiry and orphans). */
export function maintenanceJobs(lake: string, d: DatasetModel): MaintenanceJob[] {
  const m = d.maintenance;
  if (m === undefined || d.format !== 'iceberg') return [];
  const jobs: MaintenanceJob[] = [];
  const table = `${d.database}.${d.table}`;
  if (m.compact !== undefined) {
    jobs.push({
      name: N.scheduleName(lake, d.name, 'compact'),
      description: `Compacts ${table} (${m.compact}): rewrites small data files into larger ones.`,
      schedule: compactSchedules[m.compact],
      query: `OPTIMIZE ${table} REWRITE DATA USING BIN_PACK`,
    });
  }
  if (m.expireSnapshots !== undefined || m.removeOrphans !== undefined) {
    // VACUUM expires snapshots older than the table's vacuum_max_snapshot_age_seconds (set from
    // expire_snapshots when the table is created) and removes orphan files older than that age.
    const cadence = m.removeOrphans ?? 'daily';
    jobs.push({
      name: N.scheduleName(lake, d.name, 'vacuum'),
      description: `Expires snapshots of ${table}${m.expireSnapshots !== undefined ? ` older than ${m.expireSnapshots.text}` : ''} and removes orphan files (${cadence}).`,
      schedule: vacuumSchedules[cadence],
      query: `VACUUM ${table}`,
    });
  }
  return jobs;
}

/** CloudWatch alarms derived from a dataset's SLA and its processing. */
export function datasetAlarms(model: LakeModel, d: DatasetModel): AlarmDefinition[] {
  if (d.source === undefined) return [];
  const lake = model.lake.name;
  const streamName = N.kinesisStreamName(lake, d.source.stream);
  const application = N.applicationName(lake, d.name);
  const flink = flinkApplication(model, d) !== undefined;
  const alarms: AlarmDefinition[] = [];
  const freshness = d.sla?.freshness;
  if (freshness !== undefined && flink) {
    // The job's own lag (the stream's iterator age mixes consumers and is not emitted for enhanced
    // fan-out): at each Iceberg commit, its time less the oldest arrival among the events it made
    // queryable, 0 when it committed none. At half the target there is time to act; silence from an
    // application that exists is an outage.
    const budget = Math.max(1, Math.floor(freshness.seconds / 2));
    alarms.push({
      name: N.alarmName(lake, d.name, 'event-time-lag'),
      description: `${d.name}: events become queryable more than ${budget} s after they reached stream ${d.source.stream} (metric ${flinkMetrics.eventTimeLag} of application ${application}), half the freshness SLA of ${freshness.text}; no data means the application is not running.`,
      metric: { namespace: flinkMetrics.namespace, metricName: flinkMetrics.eventTimeLag, dimensions: { Application: application }, statistic: 'Maximum', periodSeconds: 60 },
      threshold: budget * 1000,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: 'breaching',
      application: true,
    });
  } else if (freshness !== undefined) {
    // Rows become queryable at the Iceberg commit after processing: the records may wait in the
    // stream at most the freshness target minus one checkpoint interval.
    const budget = freshness.seconds > 2 * checkpointSeconds ? freshness.seconds - checkpointSeconds : Math.max(1, Math.floor(freshness.seconds / 2));
    alarms.push({
      name: N.alarmName(lake, d.name, 'freshness'),
      description: `${d.name}: records wait in stream ${d.source.stream} longer than ${budget} s, so the freshness SLA of ${freshness.text} (ingestion to queryable) is at risk.`,
      metric: { namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: streamName }, statistic: 'Maximum', periodSeconds: 60 },
      threshold: budget * 1000,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
  }
  const burst = d.sla?.burst;
  if (burst !== undefined) {
    alarms.push({
      name: N.alarmName(lake, d.name, 'burst-throttled'),
      description: `${d.name}: stream ${d.source.stream} throttles writes; the burst SLA of ${grouped(burst.records)} records within ${burst.within.text} (${grouped(burst.recordsPerSecond)} records/s) is not being absorbed.`,
      metric: { namespace: 'AWS/Kinesis', metricName: 'WriteProvisionedThroughputExceeded', dimensions: { StreamName: streamName }, statistic: 'Sum', periodSeconds: 60 },
      threshold: 0,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
  }
  if (flink) {
    alarms.push({
      name: N.alarmName(lake, d.name, 'not-running'),
      description: `${d.name}: application ${application} has not been running for 3 minutes (metric ${flinkMetrics.uptime} 0 or absent): events wait in stream ${d.source.stream}.`,
      metric: { namespace: flinkMetrics.namespace, metricName: flinkMetrics.uptime, dimensions: { Application: application }, statistic: 'Maximum', periodSeconds: 60 },
      threshold: 0,
      comparison: 'LessThanOrEqualToThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'breaching',
      application: true,
    });
    alarms.push({
      name: N.alarmName(lake, d.name, 'checkpoint-failures'),
      description: `${d.name}: checkpoints of application ${application} failed in the last 5 minutes (metric numberOfFailedCheckpoints): no Iceberg commit, so no new rows, until one succeeds.`,
      // A cumulative count since the job started: its increase (a restart resets it, which DIFF
      // sees as a drop, not an alarm). No data: the not-running alarm speaks for it.
      metric: { namespace: flinkMetrics.namespace, metricName: flinkMetrics.failedCheckpoints, dimensions: { Application: application }, statistic: 'Maximum', periodSeconds: 300 },
      expression: { expression: 'DIFF(m)', label: 'failed checkpoints in the period' },
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      application: true,
    });
  }
  alarms.push({
    name: N.alarmName(lake, d.name, 'dead-letters'),
    // The Flink job's counter is cumulative and restarts at 0 with the job: the alarm reads its
    // rate, a meter the job emits beside it (per second over the last minute, each subtask's).
    description: flink
      ? `${d.name}: application ${application} sent bad events to ${deadLetterPrefix(d)} in its zone bucket (metric ${flinkMetrics.deadLettersPerSecond}, the rate of its counter DeadLetterRecords).`
      : `${d.name}: the processor sent bad events to ${deadLetterPrefix(d)} in its zone bucket (metric DeadLetterRecords of application ${application}).`,
    metric: flink
      ? { namespace: flinkMetrics.namespace, metricName: flinkMetrics.deadLettersPerSecond, dimensions: { Application: application }, statistic: 'Maximum', periodSeconds: 300 }
      : { namespace: 'AWS/KinesisAnalytics', metricName: 'DeadLetterRecords', dimensions: { Application: application }, statistic: 'Sum', periodSeconds: 300 },
    ...(flink ? { application: true as const } : {}),
    threshold: 0,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  });
  return alarms;
}

/**
 * The Parquet and JSON datasets a persona loads: those a grant gives it `insert` (or `all`) on. Its
 * role may write their files and register their partitions (an Iceberg table is written through
 * Lake Formation with the same grant, and needs no more).
 */
export function loadedDatasets(model: LakeModel, persona: string): { dataset: string; zone: string; database: string; table: string; prefix: string }[] {
  const names = new Set(model.grants.filter((g) => g.persona === persona && g.target.kind === 'dataset' && (g.privileges.includes('insert') || g.privileges.includes('all'))).map((g) => (g.target as { dataset: string }).dataset));
  return model.datasets.filter((d) => names.has(d.name) && d.format !== 'iceberg').map((d) => ({ dataset: d.name, zone: d.zone, database: d.database, table: d.table, prefix: tablePrefix(d) }));
}

/** Time transforms whose partitions a time range prunes, with the Hive folder format lakec gives them. */
const timePartitions: Record<string, string> = { year: 'yyyy', month: 'yyyy-MM', day: 'yyyy-MM-dd', hour: 'yyyy-MM-dd-HH' };

/**
 * How the catalog API bounds a persona's manifest (an Athena UNLOAD) of a dataset: a dataset
 * partitioned by time needs a time range on the partition's source column (and, for a Parquet or
 * JSON table, on its partition column, which Athena's projection prunes by), so that no manifest
 * scans the whole table; a dataset without a time partition is unloaded whole (the workgroup's
 * scan limit still applies); a persona that may not read the partition's column cannot bound a
 * manifest, and the API says so.
 */
export function manifestPlan(d: DatasetModel, persona: string, readable: readonly string[]):
  | { kind: 'range'; column: string; type: 'timestamp' | 'date'; partition?: { column: string; format: string } }
  | { kind: 'whole' }
  | { kind: 'unavailable'; reason: string } {
  const p = d.partitioning.find((x) => x.transform in timePartitions);
  if (p === undefined) return { kind: 'whole' };
  const source = storedColumns(d).find((c) => c.name === p.column)!;
  if (!readable.includes(p.column)) {
    return { kind: 'unavailable', reason: `${d.name} is partitioned by ${p.transform}(${p.column}), a column ${persona} may not read, so a manifest cannot be bounded in time` };
  }
  const type = source.type === 'date' ? 'date' : 'timestamp';
  const partitionColumn = d.format === 'iceberg' ? undefined : partitionFieldName(p);
  return { kind: 'range', column: p.column, type, ...(partitionColumn !== undefined && readable.includes(partitionColumn) ? { partition: { column: partitionColumn, format: timePartitions[p.transform]! } } : {}) };
}

/** Resources per nested stack lakec aims at: CloudFormation allows 500 per stack. */
export const datasetStackBudget = 300;

/**
 * Which nested stack holds each dataset's resources (table, tag associations, row filters,
 * grants, alarms, schedules): one per zone, so a dataset moves only when it changes zones. A zone
 * whose datasets would pass the budget is split in 2, 4, ... stacks by a hash of the dataset name.
 */
export function datasetStacks(model: LakeModel, plan: AccessPlan): { name: string; datasets: string[] }[] {
  const tableOf = (database: string, table: string): string | undefined => model.datasets.find((d) => d.database === database && d.table === table)?.name;
  const flinkResources = (d: DatasetModel): number => {
    const f = flinkApplication(model, d);
    // The application, its log group, log stream and logging option, one schedule per peak (the
    // custom resource that starts it is in the lake's stack).
    return f === undefined ? 0 : 4 + f.peaks.length;
  };
  const estimate = new Map(model.datasets.map((d) => [d.name, 1 + datasetAlarms(model, d).length + maintenanceJobs(model.lake.name, d).length + flinkResources(d)]));
  const add = (dataset: string | undefined): void => {
    if (dataset !== undefined) estimate.set(dataset, estimate.get(dataset)! + 1);
  };
  for (const a of plan.tagAssignments) add(tableOf(a.database, a.table));
  for (const f of plan.filters) add(tableOf(f.database, f.table));
  for (const g of plan.grants) if ('persona' in g.principal && 'table' in g.resource) add(tableOf(g.resource.database, g.resource.table));
  const stacks: { name: string; datasets: string[] }[] = [];
  for (const z of model.zones) {
    const datasets = model.datasets.filter((d) => d.zone === z.name).map((d) => d.name);
    if (datasets.length === 0) continue;
    const total = datasets.reduce((sum, d) => sum + estimate.get(d)!, 0);
    let parts = 1;
    while (total / parts > datasetStackBudget) parts *= 2;
    if (parts === 1) {
      stacks.push({ name: N.pascal(z.name), datasets });
      continue;
    }
    for (let i = 0; i < parts; i++) {
      const part = datasets.filter((d) => parseInt(N.shortHash(d), 16) % parts === i);
      if (part.length > 0) stacks.push({ name: `${N.pascal(z.name)}${i + 1}`, datasets: part });
    }
  }
  return stacks;
}

/**
 * The Glue CreateTable input of an Iceberg table (glue/<zone>.<dataset>.json), with `{location}`
 * where the stack puts the table's S3 location and without the database (a property of its own).
 */
export function icebergCreateTableInput(model: LakeModel, d: DatasetModel): Record<string, unknown> {
  const { DatabaseName: _database, ...input } = createTableInput(model, d);
  const location = (input['TableInput'] as { StorageDescriptor: { Location: string } }).StorageDescriptor.Location;
  return JSON.parse(JSON.stringify(input).split(JSON.stringify(location).slice(1, -1)).join('{location}')) as Record<string, unknown>;
}

export interface LakeDefinitionData {
  readonly model: LakeModel;
  readonly plan: AccessPlan;
  readonly value: Record<string, unknown>;
}

/** The value of `infra/lake.ts`'s `lake` constant, with doc comments attached for the printer. */
export function lakeDefinition(model: LakeModel, doc: (text: string | undefined, v: unknown) => unknown): LakeDefinitionData {
  const lake = model.lake.name;
  const region = model.lake.region;
  const plan = accessPlan(model);
  const matrix = accessMatrixFromModel(model);
  const value = {
    name: lake,
    description: model.lake.description,
    region,
    stackName: N.stackName(lake),
    tags: model.lake.tags,
    zones: model.zones.map((z) => doc(z.description, {
      name: z.name,
      layer: z.layer,
      database: z.database,
      description: catalogText(z.description, tableDescriptionLimit),
      bucketPrefix: N.bucketPrefix(lake, z.name, region),
      retentionDays: z.retention !== undefined ? calendarDays(z.retention) : undefined,
      archive: z.archive !== undefined ? { storageClass: s3StorageClasses[z.archive.storageClass], afterDays: calendarDays(z.archive.after) } : undefined,
    })),
    buckets: {
      accessLogs: N.bucketPrefix(lake, 'lakec_logs', region),
      queryResults: N.bucketPrefix(lake, 'lakec_results', region),
      auditTrail: N.bucketPrefix(lake, 'lakec_trail', region),
    },
    classifications: plan.tags.filter((t) => t.classification !== undefined).map((t) => doc(t.description, { name: t.classification, tagKey: t.key, values: t.values })),
    streams: model.streams.map((s) => doc(s.description, {
      name: s.name,
      streamName: N.kinesisStreamName(lake, s.name),
      retentionHours: Math.max(24, Math.ceil(s.retention.seconds / 3600)),
      shards: s.capacity.mode === 'provisioned' ? s.capacity.shards : undefined,
      readers: s.readers,
    })),
    datasets: model.datasets.map((d) => {
      const zone = zoneOf(model, d);
      const hive = d.format === 'iceberg' ? undefined : hiveLayout(d, zone.retention !== undefined ? calendarDays(zone.retention) : undefined);
      return doc(d.description, {
        name: d.name,
        zone: d.zone,
        database: d.database,
        table: d.table,
        description: catalogText(d.description, tableDescriptionLimit),
        format: d.format,
        mode: d.mode,
        prefix: tablePrefix(d),
        columns: storedColumns(d).map(column),
        iceberg: d.format === 'iceberg' ? { createTableInput: icebergCreateTableInput(model, d) } : undefined,
        hive: hive === undefined ? undefined : {
          columns: hive.columns.map(column),
          partitionKeys: hive.partitionKeys.map((k) => ({ name: k.name, type: k.type, comment: k.comment })),
          inputFormat: hive.inputFormat,
          outputFormat: hive.outputFormat,
          serde: hive.serde,
          parameters: hive.parameters,
        },
        owner: d.owner,
        source: d.source === undefined ? undefined : {
          stream: d.source.stream,
          applicationName: N.applicationName(lake, d.name),
          deadLetterPrefix: deadLetterPrefix(d),
          flink: flinkApplication(model, d),
        },
        alarms: datasetAlarms(model, d),
        maintenance: maintenanceJobs(lake, d),
      });
    }),
    personas: model.personas.map((p) => doc(p.description, {
      name: p.name,
      roleName: N.personaRoleName(lake, p.name),
      access: p.access,
      identity: p.identity,
      workgroup: N.workgroupName(lake, p.name),
      loads: loadedDatasets(model, p.name),
      reads: [...(matrix.reads.get(p.name) ?? new Map()).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([dataset, cols]) => {
        const d = model.datasets.find((x) => x.name === dataset)!;
        const order = tableColumnNames(d);
        const filters = new Set<string>();
        for (const rows of cols.values()) for (const r of rows) if (r !== '*') filters.add(r);
        const columns = order.filter((c) => cols.has(c));
        return { dataset, database: d.database, table: d.table, columns, rowFilters: [...filters].sort(), manifest: manifestPlan(d, p.name, columns) };
      }),
    })),
    flink: lakeFlink(model),
    datasetStacks: datasetStacks(model, plan),
    maintenanceWorkgroup: N.workgroupName(lake, 'maintenance'),
    tableMaintainerRole: N.tableMaintainerRoleName(lake),
    tableCreatorRole: N.tableCreatorRoleName(lake),
    permissionsAuditorRole: N.permissionsAuditorRoleName(lake),
    bytesScannedCutoffPerQuery: defaultBytesScannedCutoff,
    manifestMaxDays: defaultManifestMaxDays,
    lakeFormation: {
      tags: plan.tags.map((t) => ({ key: t.key, values: t.values })),
      tagAssignments: plan.tagAssignments,
      dataCellsFilters: plan.filters,
      grants: plan.grants.map((g) => ({
        id: g.id,
        principal: g.principal,
        resource: g.resource,
        permissions: g.permissions,
        ...(g.grantable !== undefined ? { grantable: g.grantable } : {}),
        ...('table' in g.resource ? { dataset: model.datasets.find((d) => d.database === (g.resource as { database: string }).database && d.table === (g.resource as { table: string }).table)!.name } : {}),
        ...(g.grant !== undefined ? { grant: g.grant } : {}),
      })),
    },
  };
  return { model, plan, value };
}
