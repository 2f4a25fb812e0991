/**
 * The Flink benchmark (`npm run bench -- --only flink`): the generated Flink job of the benchmark's
 * bi-temporal `trades` dataset (test/runtime/bench/trades.ts) in a local MiniCluster, next to the
 * TypeScript runtime on the same generated trades file, in one run. 1 million events by default
 * (`--events`, `--file`).
 *
 * The job runs as `lakec replay --engine flink` runs it (compiler/cli/flinkEngine.ts: the project
 * built once with Maven and cached, the local runner on the events file): parallelism 2, RocksDB
 * state, checkpoints every 10 s (the service's 60 s default would leave a 1 M-event run with one
 * or two; 1 s makes checkpoints a cost the service does not pay), the Iceberg sink on a local
 * HadoopCatalog, the table not read back. The runner reports the job's wall time and the CPU time
 * of its whole process (every thread: tasks, RocksDB, the JIT, the garbage collector).
 *
 * A JVM's first seconds are dear (the MiniCluster starts, the JIT compiles): a single run's
 * average mixes that with the steady state a long-running application reaches. So the job runs
 * twice, on the file's first fifth and on the whole file, each in a fresh process, and the steady
 * state is the difference of the two: (events of the whole - events of the head) / (time of the
 * whole - time of the head). That is the figure a KPU (1 vCPU, 4 GB) sustains, and the one
 * compiler/model/capacity.ts's `flinkRecordsPerKpuSecond` and docs/build.md rest on.
 *
 * The runtime is measured as benchPipeline measures it (test/runtime/bench/pipeline.ts): one
 * partition per core on worker threads, into the durable DuckDB table, in a process of its own.
 * Nothing is asserted: benchmarks report.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { version } from '../../compiler/cli/commands.ts';
import { ensureFlinkBuild, runnerCommand, type FlinkBuild } from '../../compiler/cli/flinkEngine.ts';
import { compile } from '../../compiler/driver/compile.ts';
import { flinkRecordsPerKpuSecond } from '../../compiler/model/capacity.ts';

/** The share of the file the warm-up run reads. */
export const HEAD_SHARE = 0.2;
/** The seed's burst (../shared/seed): the rate the sizing line answers for. */
const SEED_BURST_PER_SECOND = 500_000;

export interface FlinkBenchOptions {
  readonly events: number;
  readonly file?: string | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

/** What the local runner's --timings file says of one run. */
export interface JobTimings {
  readonly records: number;
  readonly jobMs: number;
  readonly processCpuMs: number;
}

/**
 * The steady state from a run on the head of a file and a run on the whole of it: what the
 * events past the head cost, in time and CPU time. Undefined if the whole run did not take longer
 * than the head (too small a file to say).
 */
export function steadyState(head: JobTimings, whole: JobTimings): { eventsPerSecond: number; eventsPerCpuSecond: number } | undefined {
  const events = whole.records - head.records;
  const ms = whole.jobMs - head.jobMs;
  const cpuMs = whole.processCpuMs - head.processCpuMs;
  if (events <= 0 || ms <= 0 || cpuMs <= 0) return undefined;
  return { eventsPerSecond: events / (ms / 1000), eventsPerCpuSecond: events / (cpuMs / 1000) };
}

/**
 * Copies the first `lines` lines of `from` to `to`, streaming (the whole file may not fit in
 * memory); the number copied (fewer if the file has fewer). A last line without its newline is a
 * line.
 */
export function copyHead(from: string, to: string, lines: number): number {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let copied = 0;
  let partial = false;
  try {
    while (copied < lines) {
      const n = readSync(input, buffer, 0, buffer.length, null);
      if (n === 0) break;
      let end = 0;
      while (end < n && copied < lines) {
        const nl = buffer.indexOf(10, end);
        if (nl < 0 || nl >= n) {
          end = n;
          partial = true;
          break;
        }
        end = nl + 1;
        copied++;
        partial = false;
      }
      writeSync(output, buffer, 0, end);
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
  return copied + (partial && copied < lines ? 1 : 0);
}

/** Lines of a file, streaming; a last line without its newline counts. */
export function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let last = 10;
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      for (let i = buffer.indexOf(10, 0); i >= 0 && i < n; i = buffer.indexOf(10, i + 1)) lines++;
      last = buffer[n - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return lines + (last !== 10 ? 1 : 0);
}

type RunOutcome = (JobTimings & { readonly wallMs: number }) | { readonly failed: string };

/** One run of the job on `events` in a fresh JVM. */
function runJob(build: FlinkBuild, events: string, work: string): RunOutcome {
  const timings = join(work, 'timings.json');
  const args = ['--dataset', 'trades', '--events', events, '--work', join(work, 'job'), '--parallelism', '2', '--checkpoint-ms', '10000', '--read-back', 'false', '--print', 'false', '--timings', timings];
  const t0 = performance.now();
  const r = spawnSync('java', runnerCommand(build, args), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wallMs = performance.now() - t0;
  if (r.error !== undefined) return { failed: r.error.message };
  if (r.status !== 0 || !existsSync(timings)) {
    const lines = (r.stderr ?? '').split('\n').filter((l) => l.includes('lakec flink runner'));
    return { failed: `the runner exited with ${r.status ?? r.signal}${lines.length > 0 ? `: ${lines[0]}` : ''}` };
  }
  const t = JSON.parse(readFileSync(timings, 'utf8')) as JobTimings;
  rmSync(join(work, 'job'), { recursive: true, force: true });
  rmSync(timings, { force: true });
  return { ...t, wallMs };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const secs = (ms: number): string => (ms / 1000).toFixed(1);

export async function benchFlink(options: FlinkBenchOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const load0 = loadavg()[0]!;
  log(`flink benchmark  (${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const work = mkdtempSync(join(tmpdir(), 'lakec-flink-bench-'));
  try {
    // ------------------------------------------------------------ the events files
    const { tradesSpec, writeTradesFile } = await import('../runtime/bench/trades.ts');
    let file: string;
    let lines: number;
    if (options.file !== undefined && existsSync(options.file)) {
      file = resolve(options.file);
      lines = countLines(file);
      log(`    events: ${file} (reused, ${int(lines)} lines)`);
    } else {
      file = resolve(options.file ?? join(work, 'trades.jsonl'));
      const s = writeTradesFile(file, { events: options.events, seed: 1 });
      lines = s.lines;
      log(`    events: ${int(s.lines)} trades (${int(s.bad)} bad) generated${options.file !== undefined ? ` to ${file} (kept: --file reuses it)` : ''}`);
    }
    const head = join(work, 'head.jsonl');
    const headLines = copyHead(file, head, Math.ceil(lines * HEAD_SHARE));

    // ------------------------------------------------------------ the job
    const model = compile([{ path: 'bench.lake', text: tradesSpec }]).model;
    if (model === undefined) throw new Error('the benchmark spec does not compile');
    const b0 = performance.now();
    let build: FlinkBuild;
    let built = false;
    try {
      build = await ensureFlinkBuild(model, 'bench.lake', version, (m) => {
        built = true;
        log(`    ${m}`);
      });
    } catch (e) {
      log(`    FAILED: cannot build the generated Flink job: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
      return;
    }
    log(`    the generated job: ${built ? `built in ${secs(performance.now() - b0)} s` : 'built before (cached)'}; parallelism 2, RocksDB, checkpoints every 10 s, the Iceberg sink on a HadoopCatalog`);
    const warm = runJob(build, head, work);
    const whole = runJob(build, file, work);

    // ------------------------------------------------------------ the runtime
    const { measureRuntime } = await import('../runtime/bench/pipeline.ts');
    const runtime = await measureRuntime(file);

    // ------------------------------------------------------------ report
    log('');
    log(`    ${'run'.padEnd(40)}${'events/s'.padStart(10)}${'events/CPU s'.padStart(14)}${'wall s'.padStart(9)}${'CPU s'.padStart(8)}`);
    const row = (label: string, eps: string, epc: string, wall: string, cpu: string): void =>
      log(`    ${label.padEnd(40)}${eps.padStart(10)}${epc.padStart(14)}${wall.padStart(9)}${cpu.padStart(8)}`);
    const job = (label: string, o: RunOutcome): void => {
      if ('failed' in o) {
        log(`    ${label}: FAILED: ${o.failed}`);
        process.exitCode = 1;
        return;
      }
      row(label, int(o.records / (o.jobMs / 1000)), int(o.records / (o.processCpuMs / 1000)), secs(o.jobMs), secs(o.processCpuMs));
    };
    job(`flink, head (${int(headLines)} events)`, warm);
    job(`flink, whole file (${int(lines)} events)`, whole);
    const steady = 'failed' in warm || 'failed' in whole ? undefined : steadyState(warm, whole);
    if (steady !== undefined) row('flink, steady state (whole - head)', int(steady.eventsPerSecond), int(steady.eventsPerCpuSecond), '-', '-');
    const rt = runtime.partitioned;
    if ('failed' in rt) {
      log(`    runtime: FAILED: ${rt.failed}`);
      process.exitCode = 1;
    } else {
      row(`runtime, ${cpus().length} partitions`, int(rt.events / (rt.ms / 1000)), int(rt.events / (rt.cpuMs / 1000)), secs(rt.ms), secs(rt.cpuMs));
    }
    const parse = runtime.parse;
    if (!('failed' in parse)) row('read + JSON.parse (Node, the ceiling)', int(parse.events / (parse.ms / 1000)), int(parse.events / (parse.cpuMs / 1000)), secs(parse.ms), secs(parse.cpuMs));
    log('    (flink: wall time from the job\'s submission to its end; CPU time of the whole JVM, its start included; each run a fresh JVM)');
    if (steady !== undefined && !('failed' in rt)) {
      log(`    runtime / flink steady state, per CPU second: ${(rt.events / (rt.cpuMs / 1000) / steady.eventsPerCpuSecond).toFixed(1)}x`);
    }
    if (steady !== undefined) {
      const kpu = Math.ceil(SEED_BURST_PER_SECOND / flinkRecordsPerKpuSecond);
      log('');
      log(`    sizing: 1 KPU is 1 vCPU; the steady state measured ${int(steady.eventsPerCpuSecond)} events per CPU second; lakec sizes at ${int(flinkRecordsPerKpuSecond)} records/s per KPU (compiler/model/capacity.ts)`);
      log(`    the seed's burst of ${int(SEED_BURST_PER_SECOND)} records/s needs ${int(kpu)} KPU at that figure (${int(Math.ceil(SEED_BURST_PER_SECOND / steady.eventsPerCpuSecond))} at this run's), ${int(Math.ceil((1.3 * SEED_BURST_PER_SECOND) / flinkRecordsPerKpuSecond))} with 30% headroom; the default quota is 64 KPU per application`);
    }
    // The start's load is other work; by the end the job's own threads are in the average.
    if (load0 > 1) log(`    note: the load average was ${load0.toFixed(2)} at the start: other work shared the cores, wall times are inflated (CPU times less so)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
