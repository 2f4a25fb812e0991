/**
 * `npm run loadtest -- ...` in a generated project: flags, defaults from the SLA, the target,
 * the report files and a summary. Bad flags get a usage error naming the flag (exit 2); a
 * target that cannot run here says why (exit 2); a run that misses its SLA exits 1 so CI can
 * gate on it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BAD_KINDS, DEFAULT_MIX, GeneratorError, type BadKind, type TrafficMix } from './generator.ts';
import { grouped, renderHtml } from './html.ts';
import type { GeneratorSettings } from './local.ts';
import { ProgressLine } from './progress.ts';
import { runFailed, type LoadTestReport, type LoadTestSpec } from './report.ts';

export class UsageError extends Error {}

const USAGE = `Usage: npm run loadtest -- [--dataset NAME] [--target local|kinesis|flink] [options]

  --target T            local (default): the dataset's TypeScript processor on this machine;
                        kinesis: PutRecords to the dataset's stream (--endpoint for a local server);
                        flink: the dataset's Flink job (flink/) in a local MiniCluster (Java 17, Maven)
  --records N           events to send (default: the SLA's burst times --scale)
  --scale F             share of the burst to send (default 1; 0.01 on a laptop)
  --rate R|max          events offered per second (default: the burst's rate); max: as fast as taken
  --seed S              the generator's seed (default 1): the same seed sends the same events
  --keys N              distinct keys (default: one per ten events)
  --mix K=V,...         shares of correction, delete, duplicate, out_of_order, late, bad
                        (default ${Object.entries(DEFAULT_MIX).map(([k, v]) => `${k}=${v}`).join(',')}; the rest are new facts)
  --bad-kinds K,...     bad events to send: ${BAD_KINDS.join(', ')}
  --hot-share F         share of events on the hottest 0.1% of keys (default 0.1)
  --report DIR          where reports go (default loadtest/reports)
  local:   --partitions N|auto (default auto: one per core), --checkpoint-every N (default 1000000),
           --checkpoint-ms MS (default 60000), --warehouse DIR (default .lakec/loadtest/<dataset>)
  kinesis: --stream NAME|ARN (default the lake's stream), --endpoint URL, --region R,
           --concurrency N (PutRecords in flight, default 8), --max-requests-per-second R (default 200),
           --max-attempts N (per record, default 20), --consume local|none (default local with a
           loopback --endpoint, else none), --create-stream SHARDS (a loopback endpoint only)
  flink:   --partitions N (the job's parallelism, default 2), --checkpoint-ms MS (default 1000),
           --warehouse DIR (its work folder, default .lakec/loadtest/<dataset>-flink)
  --help                this text

Writes loadtest/reports/<dataset>-<target>.json and .html. Exit 0: every SLA met (or not
stated); 1: an SLA missed or an event unaccounted for; 2: bad flags or a target that cannot run.`;

export interface ParsedArgs {
  readonly help: boolean;
  readonly flags: ReadonlyMap<string, string>;
}

const VALUED = new Set([
  'dataset', 'target', 'records', 'scale', 'rate', 'seed', 'keys', 'mix', 'bad-kinds', 'hot-share', 'report', 'partitions', 'checkpoint-every',
  'checkpoint-ms', 'warehouse', 'stream', 'endpoint', 'region', 'concurrency', 'max-requests-per-second', 'max-attempts', 'consume', 'create-stream',
  'generator-sample',
]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}' (flags start with --)`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!VALUED.has(name)) {
      const near = [...VALUED].find((v) => v.startsWith(name.slice(0, 3)));
      throw new UsageError(`unknown flag --${name}${near !== undefined ? ` (did you mean --${near}?)` : ''}`);
    }
    let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} is given twice`);
    flags.set(name, value);
    value = undefined;
  }
  return { help, flags };
}

/** A count: digits with optional `_` or `,` separators and a k/m/g suffix (150m = 150,000,000). */
export function count(flag: string, text: string, min = 1): number {
  const m = /^(\d[\d_,]*(?:\.\d+)?)([kmg]?)$/i.exec(text.trim());
  const mult = m === null ? NaN : { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = m === null ? NaN : Number(m[1]!.replace(/[_,]/g, '')) * mult!;
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < min || n > Number.MAX_SAFE_INTEGER) {
    throw new UsageError(`--${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (like 1000000, 1_000_000 or 1m), got '${text}'`);
  }
  return n;
}

function share(flag: string, text: string, max = 1): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${flag} must be a number between 0 and ${max}, got '${text}'`);
  return n;
}

export function parseMix(text: string): TrafficMix {
  const mix: Record<string, number> = { ...DEFAULT_MIX };
  for (const part of text.split(',')) {
    const [k, v, extra] = part.split('=');
    if (k === undefined || v === undefined || extra !== undefined || !(k.trim() in DEFAULT_MIX)) {
      throw new UsageError(`--mix takes KIND=SHARE pairs separated by commas, with KIND one of ${Object.keys(DEFAULT_MIX).join(', ')}; got '${part}'`);
    }
    mix[k.trim()] = share(`mix ${k.trim()}`, v);
  }
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  if (total > 1) throw new UsageError(`--mix: the shares add up to ${total.toFixed(4)}, more than 1 (new facts are the rest)`);
  return mix as unknown as TrafficMix;
}

export function parseBadKinds(text: string): BadKind[] {
  const out: BadKind[] = [];
  for (const k of text.split(',').map((x) => x.trim())) {
    if (!(BAD_KINDS as readonly string[]).includes(k)) throw new UsageError(`--bad-kinds: '${k}' is not a kind of bad event; the kinds are ${BAD_KINDS.join(', ')}`);
    out.push(k as BadKind);
  }
  return out;
}

/** The generator's settings from the flags and the SLA. */
export function generatorSettings(test: LoadTestSpec, flags: ReadonlyMap<string, string>): GeneratorSettings {
  const scale = flags.has('scale') ? share('scale', flags.get('scale')!, 1e6) : 1;
  if (scale === 0) throw new UsageError('--scale must be more than 0');
  const burst = test.sla.burst;
  let records: number;
  if (flags.has('records')) records = count('records', flags.get('records')!);
  else if (burst !== undefined) records = Math.max(1, Math.round(burst.records * scale));
  else throw new UsageError(`dataset '${test.dataset.name}' states no burst: give --records N`);
  let rate: number | null;
  const r = flags.get('rate');
  if (r === 'max') rate = null;
  else if (r !== undefined) {
    const n = Number(r.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--rate must be a positive number of records per second, or max; got '${r}'`);
    rate = n;
  } else rate = burst !== undefined ? burst.records / burst.seconds : null;
  return {
    records,
    rate,
    seed: flags.has('seed') ? count('seed', flags.get('seed')!, 0) : 1,
    scale,
    keys: flags.has('keys') ? count('keys', flags.get('keys')!) : Math.max(1, Math.round(records / 10)),
    mix: flags.has('mix') ? parseMix(flags.get('mix')!) : DEFAULT_MIX,
    ...(flags.has('bad-kinds') ? { badKinds: parseBadKinds(flags.get('bad-kinds')!) } : {}),
    ...(flags.has('hot-share') ? { hotShare: share('hot-share', flags.get('hot-share')!) } : {}),
    ...(flags.has('generator-sample') ? { generatorSample: count('generator-sample', flags.get('generator-sample')!) } : {}),
  };
}

const ONLY: Record<string, readonly string[]> = {
  local: ['partitions', 'checkpoint-every', 'checkpoint-ms', 'warehouse'],
  kinesis: ['stream', 'endpoint', 'region', 'concurrency', 'max-requests-per-second', 'max-attempts', 'consume', 'create-stream', 'checkpoint-every', 'checkpoint-ms', 'warehouse', 'partitions'],
  flink: ['partitions', 'checkpoint-ms', 'warehouse'],
};

export interface CliContext {
  /** The generated project's root (reports and the default warehouse are relative to it). */
  readonly root: string;
  readonly out?: NodeJS.WriteStream;
  readonly err?: NodeJS.WriteStream;
  /** Show progress (default: stderr is a TTY and CI is unset). */
  readonly progress?: boolean;
}

/** Runs the load test CLI; returns the exit code. */
export async function runLoadTestCli(argv: readonly string[], tests: Readonly<Record<string, LoadTestSpec>>, ctx: CliContext): Promise<number> {
  const out = ctx.out ?? process.stdout;
  const err = ctx.err ?? process.stderr;
  try {
    const { help, flags } = parseArgs(argv);
    if (help) {
      out.write(`${USAGE}\n`);
      return 0;
    }
    const names = Object.keys(tests);
    if (names.length === 0) throw new UsageError('this lake has no dataset fed by a stream: there is nothing to load test');
    const chosen = flags.get('dataset') ?? (names.length === 1 ? names[0]! : undefined);
    if (chosen === undefined) throw new UsageError(`this lake has several datasets to load test: give --dataset with one of ${names.join(', ')}`);
    const test = tests[chosen];
    if (test === undefined) throw new UsageError(`--dataset: no dataset '${chosen}' to load test; the datasets are ${names.join(', ')}`);
    const target = flags.get('target') ?? 'local';
    if (target !== 'local' && target !== 'kinesis' && target !== 'flink') throw new UsageError(`--target must be local, kinesis or flink, got '${target}'`);
    for (const [t, own] of Object.entries(ONLY)) {
      if (t === target) continue;
      for (const f of own) if (flags.has(f) && !(ONLY[target] ?? []).includes(f)) throw new UsageError(`--${f} applies to --target ${t} only`);
    }
    const settings = generatorSettings(test, flags);
    const progress = new ProgressLine(err, ctx.progress);
    const reportDir = resolve(ctx.root, flags.get('report') ?? join('loadtest', 'reports'));
    const checkpoints = {
      events: flags.has('checkpoint-every') ? count('checkpoint-every', flags.get('checkpoint-every')!) : 1_000_000,
      ms: flags.has('checkpoint-ms') ? count('checkpoint-ms', flags.get('checkpoint-ms')!) : 60_000,
    };
    const p = flags.get('partitions') ?? 'auto';
    const partitions = p === 'auto' ? availableParallelism() : count('partitions', p);
    if (partitions > 64) throw new UsageError(`--partitions must be at most 64, got ${partitions}`);
    const warehouse = resolve(ctx.root, flags.get('warehouse') ?? join('.lakec', 'loadtest', `${test.dataset.name}-${target}`));
    let report: LoadTestReport;
    if (target === 'local') {
      const { runLocal } = await import('./local.ts');
      report = await runLocal(test, { ...settings, partitions, checkpoints, warehouse, progress });
    } else if (target === 'flink') {
      if (flags.has('rate')) throw new UsageError('--rate does not apply to --target flink: the MiniCluster reads its events from a file as fast as it can');
      const { runFlink } = await import('./flink.ts');
      report = await runFlink(test, { ...settings, rate: null, root: ctx.root, partitions: flags.has('partitions') ? partitions : 2, checkpointMs: flags.has('checkpoint-ms') ? checkpoints.ms : 1000, work: warehouse, progress });
    } else {
      const { runKinesis, kinesisOptions } = await import('./kinesis.ts');
      report = await runKinesis(test, { ...settings, ...kinesisOptions(test, flags), partitions, checkpoints, warehouse, progress });
    }
    mkdirSync(reportDir, { recursive: true });
    const base = join(reportDir, `${test.dataset.name}-${target}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${base}.html`, renderHtml(report));
    out.write(summary(report, base));
    return runFailed(report) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`loadtest: ${e.message}\nRun with --help for the flags.\n`);
      return 2;
    }
    if (e instanceof GeneratorError || (e instanceof Error && (e.name === 'KinesisTargetError' || e.name === 'FlinkTargetError'))) {
      err.write(`loadtest: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function summary(r: LoadTestReport, base: string): string {
  const s = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(1)} s`);
  const lines = [
    `${r.lake}.${r.dataset} on ${r.target}: ${grouped(r.generated)} events (${grouped(r.bad_events)} bad), seed ${r.seed}`,
    `  stored ${r.stored_events === null ? 'n/a' : grouped(r.stored_events)}, dead letters ${r.dead_letters === null ? 'n/a' : grouped(r.dead_letters)}, duplicates ${r.duplicates === null ? 'n/a' : grouped(r.duplicates)}${r.accounted === null ? '' : r.accounted ? ': every event accounted for' : ': EVENTS UNACCOUNTED FOR'}${r.matches_expected === false ? `; NOT AS PREDICTED (expected ${grouped(r.expected.stored)} stored, ${grouped(r.expected.dead_letters)} dead letters, ${grouped(r.expected.duplicates)} duplicates)` : ''}`,
    `  ${r.records_per_second === null ? 'n/a' : grouped(r.records_per_second)} records/s; latency p50 ${r.latency_ms.p50 ?? 'n/a'} ms, p95 ${r.latency_ms.p95 ?? 'n/a'} ms, p99 ${r.latency_ms.p99 ?? 'n/a'} ms`,
    `  burst: ${r.burst_verdict.replace('_', ' ')} (the full burst would take ${s(r.projected_burst_seconds)}${r.sla.burst_seconds !== null ? ` of ${r.sla.burst_seconds} s` : ''}); freshness: ${r.freshness_verdict.replace('_', ' ')} (projected ${s(r.projected_freshness_seconds)}${r.sla.freshness_seconds !== null ? ` of ${r.sla.freshness_seconds} s` : ''})`,
    `  generator alone: ${grouped(r.generator_records_per_second)} records/s${r.generator_ratio !== null ? `, ${r.generator_ratio.toFixed(1)}x the target` : ''}${r.generator_cpu_ratio !== undefined ? ` (${r.generator_cpu_ratio.toFixed(1)}x by CPU time)` : ''}`,
    ...r.verdict_notes.map((n) => `  note: ${n}`),
    ...r.notes.map((n) => `  note: ${n}`),
    `  report: ${base}.json, ${base}.html`,
  ];
  return `${lines.join('\n')}\n`;
}
