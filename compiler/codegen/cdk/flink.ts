/**
 * The Managed Service for Apache Flink application of each dataset the `flink/` project runs (an
 * Iceberg dataset fed by a stream), as `infra/lake.ts` describes it: its size (parallelism from
 * `scaling.baseline`, the service's autoscaling off when a scaling schedule exists), its runtime
 * properties (docs/build.md, "The Flink applications"), how it reads the stream, and its scaling
 * schedule (one EventBridge Scheduler schedule per `peak`, which calls the lake's Flink control
 * function; the scale-down `for` later is a one-time schedule that function creates).
 */
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import { flinkDatasets, flinkJar, maxParallelism } from '../flink/index.ts';
import { flinkVersions } from '../flink/versions.ts';
import * as N from '../plan/names.ts';

/**
 * The metrics the alarms read: the service's (`uptime`, documented for FLINK-2_2 and deprecated
 * there in favour of state-specific ones, `numberOfFailedCheckpoints`) and the job's own, which
 * templates/flink/java/lakec/flink/Metrics.java registers in the group `kinesisanalytics` (the
 * only one the service sends to CloudWatch, dimension Application at metrics level APPLICATION).
 */
export const flinkMetrics = {
  namespace: 'AWS/KinesisAnalytics',
  uptime: 'uptime',
  failedCheckpoints: 'numberOfFailedCheckpoints',
  eventTimeLag: 'EventTimeLagMillis',
  deadLettersPerSecond: 'DeadLetterRecordsPerSecond',
} as const;

/** Managed Flink checkpoints (and commits to Iceberg) every minute: the service's default interval. */
export const checkpointIntervalMs = 60_000;

export interface FlinkPeakDefinition {
  /** The recurring schedule that scales up. */
  readonly schedule: string;
  /** The one-time schedule the control function creates to scale back `durationSeconds` later. */
  readonly endSchedule: string;
  readonly cron: string;
  /** IANA time zone of the cron (UTC when the spec names none). */
  readonly timeZone: string;
  readonly kpu: number;
  readonly durationSeconds: number;
  readonly description: string;
}

export interface FlinkApplicationDefinition {
  readonly applicationName: string;
  /** Parallelism (one task per KPU: ParallelismPerKPU 1) outside the peaks. */
  readonly parallelism: number;
  readonly parallelismPerKpu: 1;
  /** The service's autoscaling: on unless a scaling schedule sizes the application. */
  readonly autoScaling: boolean;
  /** The job's fixed maxParallelism (set in the job; listed for the README). */
  readonly maxParallelism: number;
  readonly checkpointIntervalMs: number;
  /** `efo`: an enhanced fan-out consumer of its own (the stream has several readers); else polling. */
  readonly reader: 'efo' | 'polling';
  readonly efoConsumer?: string;
  /**
   * The application's property groups, without what the stack fills in (`lakec.source`
   * `stream.arn`, `lakec.sink` `warehouse`, `lakec.deadletters` `path`).
   */
  readonly propertyGroups: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly peaks: readonly FlinkPeakDefinition[];
}

/** What the lake's Flink applications share: the runtime, the jar and how to build it. */
export interface LakeFlinkDefinition {
  readonly runtimeEnvironment: string;
  /** The shaded jar, relative to the project (the default of context `lakec:flinkJar`). */
  readonly jar: string;
  /** How to build it (the Kinesis source is in the Maven profile `kinesis`). */
  readonly build: string;
  /** The class the profile adds (templates/flink/kinesis): synthesis refuses a jar without it. */
  readonly kinesisSourceEntry: string;
}

const seconds = (s: number): string => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

export function flinkApplication(model: LakeModel, d: DatasetModel): FlinkApplicationDefinition | undefined {
  if (!flinkDatasets(model).some((x) => x.name === d.name)) return undefined;
  const lake = model.lake.name;
  const stream = model.streams.find((s) => s.name === d.source!.stream)!;
  const application = N.applicationName(lake, d.name);
  const reader = stream.readers.length > 1 ? 'efo' : 'polling';
  const peaks = d.scaling?.peaks ?? [];
  return {
    applicationName: application,
    parallelism: d.scaling?.baselineKpu ?? 1,
    parallelismPerKpu: 1,
    autoScaling: peaks.length === 0,
    maxParallelism: maxParallelism(d),
    checkpointIntervalMs,
    reader,
    ...(reader === 'efo' ? { efoConsumer: application } : {}),
    propertyGroups: {
      lakec: { dataset: d.name },
      'lakec.source': { kind: 'kinesis', reader, 'initial.position': 'TRIM_HORIZON', ...(reader === 'efo' ? { 'efo.consumer': application } : {}) },
      'lakec.sink': { catalog: 'glue' },
      'lakec.deadletters': {},
    },
    peaks: peaks.map((p, i) => ({
      schedule: N.scheduleName(lake, d.name, `peak-${i + 1}`),
      endSchedule: N.scheduleName(lake, d.name, `peak-${i + 1}-end`),
      cron: p.cron,
      timeZone: p.timeZone ?? 'UTC',
      kpu: p.kpu,
      durationSeconds: p.duration.seconds,
      description: `Scales ${application} to ${p.kpu} KPU at ${p.cron} (${p.timeZone ?? 'UTC'}) and back to ${d.scaling!.baselineKpu} KPU ${seconds(p.duration.seconds)} later.`,
    })),
  };
}

export function lakeFlink(model: LakeModel): LakeFlinkDefinition | undefined {
  if (flinkDatasets(model).length === 0) return undefined;
  return {
    runtimeEnvironment: flinkVersions.runtimeEnvironment,
    jar: flinkJar(model.lake.name),
    build: 'cd flink && mvn -Pkinesis package',
    kinesisSourceEntry: 'lakec/flink/kinesis/KinesisEventSource.class',
  };
}
