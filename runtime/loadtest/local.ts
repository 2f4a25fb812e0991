/**
 * The `local` target: the dataset's TypeScript processor on lakec's runtime (the public
 * `Processor` API, partitions on worker threads), fed by the generator at the offered rate, into
 * a fresh warehouse. "Queryable" here means committed: the DuckDB transaction of the checkpoint
 * covering the event has completed, after which `lakec query` (or any reader of the warehouse)
 * sees its row; that is what an Iceberg commit at a Flink checkpoint is on AWS.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Processor } from '../processor.ts';
import { tableNames, Warehouse } from '../sink/duckdb.ts';
import { EventGenerator, type BadKind, type TrafficMix } from './generator.ts';
import { Tracker } from './measure.ts';
import type { ProgressLine } from './progress.ts';
import { buildReport, type LoadTestReport, type LoadTestSpec, type Phase } from './report.ts';
import { GeneratorSource } from './source.ts';

export interface GeneratorSettings {
  readonly records: number;
  /** Offered events per second; null: as fast as the target takes them. */
  readonly rate: number | null;
  readonly seed: number;
  readonly scale: number;
  readonly keys: number;
  readonly mix: TrafficMix;
  readonly badKinds?: readonly BadKind[];
  readonly hotShare?: number;
  /** Events generated alone, to measure the generator (default: min(records, 1,000,000)). */
  readonly generatorSample?: number;
}

export interface LocalOptions extends GeneratorSettings {
  readonly partitions: number;
  readonly checkpoints: { readonly events: number; readonly ms: number };
  readonly warehouse: string;
  readonly progress?: ProgressLine;
  readonly signal?: AbortSignal;
}

/** Measures a phase's wall and CPU time (the whole process: every thread). */
export async function phase<T>(phases: Phase[], name: string, records: number | undefined, f: () => Promise<T> | T, inChild = false): Promise<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await f();
  } finally {
    const used = process.cpuUsage(cpu);
    phases.push({ name, wall_ms: Math.round(performance.now() - wall), cpu_ms: inChild ? null : Math.round((used.user + used.system) / 1000), ...(records !== undefined ? { records } : {}) });
  }
}

export function newGenerator(test: LoadTestSpec, s: GeneratorSettings): EventGenerator {
  const g = new EventGenerator(test.dataset, {
    seed: s.seed,
    keys: s.keys,
    mix: s.mix,
    ...(s.badKinds !== undefined ? { badKinds: s.badKinds } : {}),
    ...(s.hotShare !== undefined ? { hotShare: s.hotShare } : {}),
  });
  g.setPartitionKey(test.stream.partitionKey);
  return g;
}

/**
 * Generates `n` events and drops them: the generator's own cost, measured alone (with partition
 * keys when the target sends them).
 */
export async function measureGenerator(test: LoadTestSpec, s: GeneratorSettings, phases: Phase[], progress?: ProgressLine, withKeys = false): Promise<{ records: number; ms: number }> {
  const n = Math.max(1, Math.min(s.records, s.generatorSample ?? 1_000_000));
  return phase(phases, 'generator alone', n, async () => {
    const g = newGenerator(test, s);
    const batch: string[] = [];
    const keys: string[] = [];
    const t = performance.now();
    for (let done = 0; done < n; ) {
      const k = Math.min(4096, n - done);
      batch.length = 0;
      keys.length = 0;
      g.fill(k, batch, withKeys ? keys : undefined);
      done += k;
      progress?.update({ phase: 'generator alone', done, total: n });
      if ((done & 0x3ffff) === 0) await new Promise((r) => setImmediate(r));
    }
    progress?.done();
    return { records: n, ms: performance.now() - t };
  });
}

export async function runLocal(test: LoadTestSpec, o: LocalOptions): Promise<LoadTestReport> {
  const phases: Phase[] = [];
  const loadStart = loadavg();
  const startedAt = Date.now();
  const alone = await measureGenerator(test, o, phases, o.progress);

  rmSync(o.warehouse, { recursive: true, force: true });
  mkdirSync(o.warehouse, { recursive: true });
  const generator = newGenerator(test, o);
  const source = new GeneratorSource(generator, { records: o.records, rate: o.rate });
  const runStart = Date.now();
  const tracker = new Tracker(runStart, (now) => source.arrivedBy(now));
  let deadLetters = 0;
  const ticker = setInterval(() => o.progress?.update({ phase: 'local', done: tracker.read, total: o.records, queryable: tracker.queryable, deadLetters }), 250);
  ticker.unref();
  tracker.start(500);
  const processor = new Processor(test.dataset);
  const result = await phase(phases, 'publish and process', o.records, () =>
    processor.run(tracker.observe(source), {
      warehouse: o.warehouse,
      partitions: o.partitions,
      checkpoints: o.checkpoints,
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
      onCommit: (checkpoint, metrics, position) => {
        tracker.commit(checkpoint, metrics, position);
        deadLetters = metrics.deadLetters;
      },
    }),
  );
  tracker.stop();
  clearInterval(ticker);
  o.progress?.done();

  // What a reader of the warehouse sees now.
  const verified = await phase(phases, 'verify the table', undefined, async () => {
    const w = await Warehouse.open(join(o.warehouse, 'lake.duckdb'), { readOnly: true });
    try {
      const names = tableNames(test.dataset.name);
      const dead = Number((await w.query(`SELECT count(*) FROM ${names.deadLetters}`)).rows[0]![0]);
      const rows = Number((await w.query(`SELECT count(*) FROM ${names.view}`)).rows[0]![0]);
      return { dead_letter_rows: dead, table_rows: rows };
    } finally {
      w.close();
    }
  });
  const notes: string[] = [];
  if (verified.dead_letter_rows !== result.run.deadLetters) notes.push(`the warehouse holds ${verified.dead_letter_rows} dead letters, the processor counted ${result.run.deadLetters}`);
  if (result.stopped !== 'end') notes.push(`the run was stopped (${result.stopped}) after ${result.run.recordsIn} of ${o.records} events`);
  return buildReport({
    test,
    target: 'local',
    startedAt,
    seed: o.seed,
    scale: o.scale,
    rate: o.rate,
    mix: o.mix,
    generator,
    generatorAlone: alone,
    metrics: result.run,
    tracker,
    phases,
    processorPhases: Object.fromEntries(Object.entries(result.phases).map(([k, v]) => [k, Math.round(v)])),
    queryable: `From an event's arrival (its ingestion time: when the local source offered it, at the offered rate) to the commit of the checkpoint that covers it in the local DuckDB warehouse (${o.partitions} partition${o.partitions === 1 ? '' : 's'}, a checkpoint every ${o.checkpoints.events} events or ${o.checkpoints.ms / 1000} s), after which a query sees its row.`,
    checkpointPolicy: o.checkpoints,
    verified,
    notes,
    loadStart,
    cpu: { generatorMs: phases[0]!.cpu_ms ?? 0, runMs: phases[1]!.cpu_ms ?? 0, records: result.run.recordsIn },
  });
}
