/**
 * The load test's report: what was sent, what the target made of it, how fast, how fresh, and
 * the verdicts against the dataset's SLA. Written as JSON (`loadtest/reports/<dataset>-<target>.json`)
 * and as one self-contained HTML page (html.ts).
 *
 * Definitions (docs/build.md, "Load tests"):
 * - `records_per_second`: events the target took in per second, from the first event's arrival
 *   to the last event read (local: by the processor; kinesis: acknowledged by PutRecords).
 * - `projected_burst_seconds`: the SLA's burst at that rate, `burst records / records_per_second`.
 * - latency: from an event's arrival (the stream's acceptance) to its row being queryable (the
 *   commit of the checkpoint that covers it).
 * - projected freshness: the full burst's last event waits `projected_burst_seconds - within` in
 *   the stream when the target is slower than the burst, then up to one checkpoint interval and
 *   a commit.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { DatasetSpec } from '../dataset.ts';
import type { Metrics } from '../metrics.ts';
import { BAD_KINDS, GOOD_KINDS, type EventGenerator, type EventKind, type TrafficMix } from './generator.ts';
import { ARRIVAL_BIN_MS, Histogram, type Tracker } from './measure.ts';

/** What a generated `loadtest/<dataset>.ts` describes: the dataset, its SLA, its stream. */
export interface LoadTestSpec {
  readonly lake: string;
  readonly region: string;
  readonly dataset: DatasetSpec;
  readonly sla: {
    readonly burst?: { readonly records: number; readonly seconds: number; readonly text: string };
    readonly freshness?: { readonly seconds: number; readonly text: string };
  };
  readonly stream: {
    /** The spec's name of the stream. */
    readonly name: string;
    /** The Kinesis stream's name (`<lake>-<stream>`). */
    readonly kinesisName: string;
    readonly partitionKey?: string;
    readonly shards: number | 'on_demand';
    readonly writeRecordsPerSecond: number;
  };
  /** The dataset's Flink application (Iceberg datasets): the local runner's class and the JVM flags it needs. */
  readonly flink?: { readonly runner: string; readonly jvmArgs: readonly string[] };
}

export type Target = 'local' | 'kinesis' | 'flink';

export interface Phase {
  readonly name: string;
  readonly wall_ms: number;
  /** CPU of the whole process (every thread: workers, DuckDB, the SDK); null for work in a child process (Maven, the JVM). */
  readonly cpu_ms: number | null;
  readonly records?: number;
}

export type Verdict = 'met' | 'missed' | 'inconclusive' | 'not_measured' | 'no_sla';

export interface LoadTestReport {
  readonly lake: string;
  readonly dataset: string;
  readonly target: Target;
  readonly started_at: string;
  readonly seed: number;
  readonly scale: number;
  readonly rate_offered: number | null;
  readonly keys: number;
  readonly mix: TrafficMix;
  readonly generated: number;
  readonly generated_by_kind: Record<EventKind, number>;
  readonly bad_events: number;
  readonly stored_events: number | null;
  readonly dead_letters: number | null;
  readonly duplicates: number | null;
  readonly late_events: number | null;
  readonly adjusted_system_times: number | null;
  readonly rows_written: number | null;
  readonly accounted: boolean | null;
  readonly expected: { stored: number; dead_letters: number; duplicates: number; late: number; adjusted: number; exact: boolean; inexact_because: string[] };
  readonly matches_expected: boolean | null;
  readonly records_per_second: number | null;
  readonly end_to_end_records_per_second: number | null;
  readonly kept_up: boolean | null;
  readonly generator_records_per_second: number;
  readonly generator_ratio: number | null;
  /**
   * The same ratio by CPU time (events per CPU second of the generator alone, over the target's
   * with the generator's own share taken out): steadier than wall time on a shared machine.
   */
  readonly generator_cpu_ratio?: number;
  readonly latency_ms: { p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null; count: number };
  readonly processing_latency_ms: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  readonly queryable: string;
  readonly sla: { burst_records: number | null; burst_seconds: number | null; burst_rate: number | null; freshness_seconds: number | null };
  readonly burst_verdict: Verdict;
  readonly freshness_verdict: Verdict;
  readonly projected_burst_seconds: number | null;
  readonly projected_freshness_seconds: number | null;
  readonly verdict_notes: string[];
  readonly checkpoint_policy: { events: number; ms: number };
  readonly commits: { checkpoint: number; at_ms: number; queryable: number; duration_ms: number | null }[];
  readonly phases: Phase[];
  readonly processor_phases?: Record<string, number>;
  readonly timeline: { t_ms: number; arrived: number; read: number; queryable: number }[];
  readonly latency_timeline: { arrival_s: number; p50: number; p99: number; count: number }[];
  readonly kinesis?: Record<string, unknown>;
  readonly verified?: Record<string, number>;
  readonly notes: string[];
  readonly machine: { cpus: number; cpu_model: string; memory_gb: number; node: string; platform: string; load_average_start: number[]; load_average_end: number[] };
}

export interface ReportInput {
  readonly test: LoadTestSpec;
  readonly target: Target;
  readonly startedAt: number;
  readonly seed: number;
  readonly scale: number;
  readonly rate: number | null;
  readonly mix: TrafficMix;
  readonly generator: EventGenerator;
  readonly generatorAlone: { readonly records: number; readonly ms: number };
  /** The processor's counters for this run (null: no processor ran). */
  readonly metrics: Metrics | null;
  readonly tracker: Tracker | null;
  /** Events the target took in, and when the last one was (epoch ms): for a target without a processor. */
  readonly intake?: { readonly records: number; readonly firstAt: number; readonly lastAt: number };
  readonly phases: Phase[];
  readonly processorPhases?: Record<string, number>;
  readonly queryable: string;
  readonly checkpointPolicy: { readonly events: number; readonly ms: number };
  readonly kinesis?: Record<string, unknown>;
  readonly verified?: Record<string, number>;
  readonly notes?: readonly string[];
  readonly loadStart: number[];
  /** CPU ms of the generator alone, and of the run that processed `records` events with the generator inline. */
  readonly cpu?: { readonly generatorMs: number; readonly runMs: number; readonly records: number };
}

const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function buildReport(i: ReportInput): LoadTestReport {
  const g = i.generator;
  const generated = Object.values(g.counts).reduce((a, b) => a + b, 0);
  const bad = BAD_KINDS.reduce((n, k) => n + g.counts[k], 0);
  const m = i.metrics;
  const stored = m !== null ? m.changed + m.unchanged : null;
  const t = i.tracker;
  const notes = [...g.notes, ...(i.notes ?? [])];
  const verdictNotes: string[] = [];

  // Intake rate: first arrival to last read (or acknowledgement).
  let rps: number | null = null;
  let e2e: number | null = null;
  if (t !== null && t.firstArrival !== null && t.lastRead !== null) {
    rps = t.read / Math.max(0.001, (t.lastRead - t.firstArrival) / 1000);
    if (t.lastCommitAt !== null && t.queryable > 0) e2e = t.queryable / Math.max(0.001, (t.lastCommitAt - t.firstArrival) / 1000);
  } else if (i.intake !== undefined && i.intake.records > 0) {
    rps = i.intake.records / Math.max(0.001, (i.intake.lastAt - i.intake.firstAt) / 1000);
  }
  if (i.intake !== undefined && t !== null && rps !== null && i.intake.records > 0) {
    // Both a stream and a processor: the slower of the two absorbs the burst.
    rps = Math.min(rps, i.intake.records / Math.max(0.001, (i.intake.lastAt - i.intake.firstAt) / 1000));
  }
  const keptUp = rps !== null && i.rate !== null ? rps >= 0.95 * i.rate : null;
  const burst = i.test.sla.burst;
  const fresh = i.test.sla.freshness;
  const burstRate = burst !== undefined ? burst.records / burst.seconds : null;
  const projectedBurst = burst !== undefined && rps !== null && rps > 0 ? burst.records / rps : null;
  let burstVerdict: Verdict = 'no_sla';
  if (burst !== undefined) {
    if (projectedBurst === null) burstVerdict = 'not_measured';
    else if (keptUp === true && i.rate !== null && burstRate !== null && i.rate < burstRate * 0.999 && projectedBurst > burst.seconds) {
      burstVerdict = 'inconclusive';
      verdictNotes.push(`the target kept up with the offered ${Math.round(i.rate)} records/s, below the burst's ${Math.round(burstRate)} records/s: its capacity was not reached; run with a higher --rate (or --rate max)`);
    } else burstVerdict = projectedBurst <= burst.seconds ? 'met' : 'missed';
  }
  // Freshness.
  const latency = t !== null ? t.endToEnd.summary() : new Histogram().summary();
  const processing = t !== null ? t.processing.summary() : new Histogram().summary();
  const commitDurations = new Histogram();
  for (const c of t?.commits ?? []) if (c.durationMs !== null) commitDurations.add(c.durationMs);
  let projectedFresh: number | null = null;
  if (t !== null && rps !== null && latency.count > 0) {
    const interval = Math.min(i.checkpointPolicy.ms, (i.checkpointPolicy.events / rps) * 1000);
    const commit = commitDurations.quantile(0.99) ?? 0;
    const backlog = burst !== undefined && projectedBurst !== null ? Math.max(0, projectedBurst - burst.seconds) : 0;
    projectedFresh = backlog + (interval + commit) / 1000;
  }
  let freshVerdict: Verdict = 'no_sla';
  if (fresh !== undefined) {
    if (latency.p99 === null || projectedFresh === null) freshVerdict = 'not_measured';
    else freshVerdict = latency.p99 / 1000 <= fresh.seconds && projectedFresh <= fresh.seconds ? 'met' : 'missed';
  }
  if (freshVerdict === 'not_measured' && fresh !== undefined) verdictNotes.push('latency to queryable was not measured on this target, so freshness was not judged');

  const genRps = i.generatorAlone.records / Math.max(0.001, i.generatorAlone.ms / 1000);
  const ratio = rps !== null && rps > 0 ? genRps / rps : null;
  let cpuRatio: number | undefined;
  if (i.cpu !== undefined && i.cpu.generatorMs > 0) {
    const genPerEvent = i.cpu.generatorMs / i.generatorAlone.records;
    const targetPerEvent = (i.cpu.runMs - genPerEvent * i.cpu.records) / i.cpu.records;
    if (targetPerEvent > 0) cpuRatio = round(targetPerEvent / genPerEvent, 2);
  }
  if (ratio !== null && ratio < 5) notes.push(`the generator ran only ${ratio.toFixed(1)} times as fast as the target: the measured rate may be the generator's`);

  const expected = {
    stored: g.predicted.stored,
    dead_letters: g.predicted.deadLetters,
    duplicates: g.predicted.duplicates,
    late: g.predicted.late,
    adjusted: g.predicted.adjusted,
    exact: g.inexact.length === 0,
    inexact_because: [...g.inexact],
  };
  const accounted = m !== null ? m.recordsIn === generated && m.changed + m.unchanged + m.deadLetters + m.duplicates === generated : null;
  const matches = m !== null ? m.deadLetters === expected.dead_letters && (!expected.exact || (m.duplicates === expected.duplicates && m.changed + m.unchanged === expected.stored && m.lateEvents === expected.late)) : null;

  // Charts: rates per sample interval; latency per second of arrival (at most 150 points).
  const timeline = (t?.samples ?? []).map((s) => ({ t_ms: s.t, arrived: s.arrived, read: s.read, queryable: s.queryable }));
  const bins = t?.byArrival ?? [];
  const per = Math.max(1, Math.ceil(bins.length / 150));
  const latencyTimeline: LoadTestReport['latency_timeline'] = [];
  for (let s = 0; s < bins.length; s += per) {
    const h = new Histogram(1.05);
    for (let k = s; k < Math.min(bins.length, s + per); k++) if (bins[k] !== undefined) h.merge(bins[k]!);
    if (h.count === 0) continue;
    latencyTimeline.push({ arrival_s: Math.round((s * ARRIVAL_BIN_MS) / 100) / 10, p50: Math.round(h.quantile(0.5)!), p99: Math.round(h.quantile(0.99)!), count: h.count });
  }

  return {
    lake: i.test.lake,
    dataset: i.test.dataset.name,
    target: i.target,
    started_at: new Date(i.startedAt).toISOString(),
    seed: i.seed,
    scale: i.scale,
    rate_offered: i.rate,
    keys: g.keys,
    mix: i.mix,
    generated,
    generated_by_kind: { ...g.counts },
    bad_events: bad,
    stored_events: stored,
    dead_letters: m?.deadLetters ?? null,
    duplicates: m?.duplicates ?? null,
    late_events: m?.lateEvents ?? null,
    adjusted_system_times: m?.adjustedSystemTimes ?? null,
    rows_written: m?.rowsOut ?? null,
    accounted,
    expected,
    matches_expected: matches,
    records_per_second: rps === null ? null : round(rps),
    end_to_end_records_per_second: e2e === null ? null : round(e2e),
    kept_up: keptUp,
    generator_records_per_second: round(genRps),
    generator_ratio: ratio === null ? null : round(ratio, 2),
    ...(cpuRatio !== undefined ? { generator_cpu_ratio: cpuRatio } : {}),
    latency_ms: latency,
    processing_latency_ms: { p50: processing.p50, p95: processing.p95, p99: processing.p99, max: processing.max },
    queryable: i.queryable,
    sla: { burst_records: burst?.records ?? null, burst_seconds: burst?.seconds ?? null, burst_rate: burstRate === null ? null : round(burstRate), freshness_seconds: fresh?.seconds ?? null },
    burst_verdict: burstVerdict,
    freshness_verdict: freshVerdict,
    projected_burst_seconds: projectedBurst === null ? null : round(projectedBurst, 1),
    projected_freshness_seconds: projectedFresh === null ? null : round(projectedFresh, 1),
    verdict_notes: verdictNotes,
    checkpoint_policy: { events: i.checkpointPolicy.events, ms: i.checkpointPolicy.ms },
    commits: (t?.commits ?? []).map((c) => ({ checkpoint: c.checkpoint, at_ms: c.at, queryable: c.queryable, duration_ms: c.durationMs })),
    phases: i.phases,
    ...(i.processorPhases !== undefined ? { processor_phases: i.processorPhases } : {}),
    timeline,
    latency_timeline: latencyTimeline,
    ...(i.kinesis !== undefined ? { kinesis: i.kinesis } : {}),
    ...(i.verified !== undefined ? { verified: i.verified } : {}),
    notes,
    machine: {
      cpus: availableParallelism(),
      cpu_model: cpus()[0]?.model ?? 'unknown',
      memory_gb: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      load_average_start: i.loadStart.map((x) => round(x, 2)),
      load_average_end: loadavg().map((x) => round(x, 2)),
    },
  };
}

export { GOOD_KINDS, BAD_KINDS };

/**
 * Whether a run fails its gate (exit 1): an SLA verdict missed, an event unaccounted for, or the
 * processor not doing what the generator predicted. The last catches a good event dead-lettered
 * (or a bad one stored), which still adds up.
 */
export function runFailed(r: Pick<LoadTestReport, 'burst_verdict' | 'freshness_verdict' | 'accounted' | 'matches_expected'>): boolean {
  return r.burst_verdict === 'missed' || r.freshness_verdict === 'missed' || r.accounted === false || r.matches_expected === false;
}
