/**
 * End-to-end benchmark of the runtime: a trades-like NDJSON file (trades.ts: about one key per
 * ten events, 10% corrections, 1% redeliveries, 0.1% bad events) from the file to the durable
 * DuckDB table, with checkpoints, as `lakec run` does it. Each measurement runs in a process of
 * its own (peak memory is per process, worker threads included), in this order:
 *
 * 1. the ceiling: reading the file and `JSON.parse` of every line, nothing else;
 * 2. one partition (the reading thread does everything);
 * 3. one partition per core on worker threads;
 * 4. a restore: the same run again, which finds the file consumed and only restores the state
 *    of the last checkpoint (current rows from the warehouse, state files) and stops.
 * 5. one partition per core with the reference operator (operators/bitemporal.ts, every event
 *    mapped by mapping.ts): the baseline the typed operator is compared with, in the same run.
 *
 * Reported: events/s, the ratio to the ceiling, CPU seconds (all threads, DuckDB's included) and
 * events per CPU second (steadier than wall time on a shared machine), peak RSS, the restore
 * time, and where the reading thread spent its time. The ceiling is measured first and again
 * last, and the better of the two is kept: the machines are shared, and a neighbour's load
 * should not flatter the ratio. A measurement that fails (a heap exhausted, say) is reported in
 * one line and the others go on.
 *
 * Timed code runs from an esbuild bundle of this file (as the CLI runs from one; tsx's transform
 * would slow it), with the CLI's bundled partition worker (run `npm run build` first), a 64 MB
 * semi-space young generation, as `lakec run` sets it, and a heap limit large enough for the
 * state (`heapMb`; worker threads inherit the process's --max-old-space-size).
 *
 *   npm run bench -- --only runtime [--events N] [--file PATH] [--keep-file] [--heap-mb N]
 *   npx tsx test/runtime/bench/pipeline.ts [events=1000000] [file]
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The repository root: from this file, or from the environment in the bundled child.
const root = process.env['LAKEC_ROOT'] ?? join(import.meta.dirname, '..', '..', '..');

/** The target of the runtime-speed issue: 300,000 events/s end to end on 2 cores (stretch 400,000). */
export const TARGET_EVENTS_PER_SECOND = 300_000;

/** Bytes per event of the generated file (about 285 at 1 million events; longer keys beyond). */
const FILE_BYTES_PER_EVENT = 300;
/**
 * Bytes per event a warehouse (DuckDB file, staged rows, checkpoints) may take at its peak: 376
 * at 1 million events. One exists at a time (the 1-partition one is deleted before the next run).
 */
const WAREHOUSE_BYTES_PER_EVENT = 500;

export interface PipelineOptions {
  /** Events to generate (ignored when `file` exists). */
  readonly events: number;
  /** An events file: reused if it exists, else generated there and kept. */
  readonly file?: string | undefined;
  /** Keep a file generated in the temporary folder. */
  readonly keepFile?: boolean | undefined;
  /** --max-old-space-size of the measuring processes (their worker threads inherit it). */
  readonly heapMb?: number | undefined;
  /** Whether the events count was asked for (a note when a reused file has its own). */
  readonly eventsGiven?: boolean | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

export interface Measurement {
  readonly events: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly phases?: Record<string, number>;
  readonly restoreMs?: number;
  readonly restoredFrom?: number | null;
  readonly rowWrites?: number;
}

export interface Failure {
  readonly failed: string;
}

export type Outcome = Measurement | Failure;

const failed = (o: Outcome): o is Failure => 'failed' in o;

/** The default heap limit: 60% of the memory, at most 16 GB (10 million events need a few GB). */
export function defaultHeapMb(): number {
  return Math.max(2048, Math.min(16_384, Math.floor((0.6 * totalmem()) / 2 ** 20)));
}

/** The child: one measurement. */
async function measure(mode: string, file: string, warehouse: string): Promise<Measurement> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = (m: Omit<Measurement, 'ms' | 'cpuMs' | 'maxRssMb'>): Measurement => {
    const cpu = process.cpuUsage(cpu0);
    return { ...m, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  };
  const { FileSource } = await import('../../../runtime/sources/file.ts');
  if (mode === 'parse') {
    const source = new FileSource(file);
    let n = 0;
    for (let b = await source.next(); b !== null; b = await source.next()) {
      for (const t of b.texts) {
        try {
          JSON.parse(t);
        } catch {
          // bad events are part of the file
        }
        n++;
      }
    }
    await source.close();
    return done({ events: n });
  }
  const { runJob } = await import('../../../runtime/job.ts');
  const { Warehouse } = await import('../../../runtime/sink/duckdb.ts');
  const { datasetSpec } = await import('../../../compiler/codegen/processors/spec.ts');
  const { compile } = await import('../../../compiler/driver/compile.ts');
  const { tradesSpec } = await import('./trades.ts');
  const spec = datasetSpec(compile([{ path: 'bench.lake', text: tradesSpec }]).model!.datasets.find((d) => d.name === 'trades')!);
  mkdirSync(warehouse, { recursive: true });
  const w = await Warehouse.open(join(warehouse, 'bench.duckdb'));
  try {
    const r = await runJob({
      spec,
      source: new FileSource(file),
      warehouse: w,
      checkpointDir: join(warehouse, 'checkpoints'),
      stagingDir: join(warehouse, 'staging'),
      partitions: mode.startsWith('single') ? 1 : availableParallelism(),
      // The reference operator (operators/bitemporal.ts, every event through mapping.ts): the baseline of the same run.
      ...(mode.endsWith('-reference') ? { core: 'reference' as const } : {}),
      worker: { url: pathToFileURL(join(root, 'compiler', 'dist', 'lakec-worker.js')) },
    });
    return done({ events: r.run.recordsIn, phases: r.phases, restoreMs: r.restoreMs, restoredFrom: r.restoredFrom, rowWrites: r.run.rowsOut });
  } finally {
    w.close();
  }
}

/** Why a measuring process failed, in one line, from what it left behind. */
export function describeFailure(r: Pick<SpawnSyncReturns<string>, 'status' | 'signal' | 'stdout' | 'stderr' | 'error'>, heapMb: number): string {
  const reported = (r.stdout ?? '')
    .split('\n')
    .map((l) => {
      try {
        return (JSON.parse(l) as { error?: unknown }).error;
      } catch {
        return undefined;
      }
    })
    .find((e) => typeof e === 'string');
  const stderr = r.stderr ?? '';
  const heap = `the JavaScript heap is exhausted (limit ${heapMb} MB; --heap-mb raises it)`;
  if (reported !== undefined) return /heap out of memory|memory limit/i.test(reported) ? `${heap}: ${reported}` : reported;
  if (/heap out of memory|Reached heap limit/i.test(stderr)) return heap;
  if (r.error !== undefined) return r.error.message;
  if (r.signal === 'SIGKILL') return 'killed by SIGKILL (most likely the system ran out of memory: see `dmesg`; --heap-mb lowers the heap limit)';
  if (r.signal !== null) return `killed by ${r.signal}`;
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = lines.find((l) => /^(\w*Error|Error)\b/.test(l)) ?? lines.at(-1);
  return `exited with code ${r.status}${error !== undefined ? `: ${error}` : ''}`;
}

function child(bundle: string, heapMb: number, mode: string, file: string, warehouse: string): Outcome {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=64', `--max-old-space-size=${heapMb}`, bundle, '--measure', mode, file, warehouse], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, LAKEC_ROOT: root },
  });
  if (r.signal === 'SIGINT' || r.signal === 'SIGTERM') throw new Interrupted(r.signal);
  if (r.status !== 0 || r.error !== undefined) return { failed: describeFailure(r, heapMb) };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measurement;
  } catch {
    return { failed: `printed no measurement (stdout: ${JSON.stringify(r.stdout.slice(-200))})` };
  }
}

class Interrupted extends Error {
  constructor(signal: string) {
    super(`interrupted (${signal})`);
  }
}

const GB = 1e9;
const gb = (bytes: number): string => `${(bytes / GB).toFixed(1)} GB`;
const size = (bytes: number): string => (bytes >= GB ? gb(bytes) : `${(bytes / 1e6).toFixed(0)} MB`);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Free bytes for an unprivileged user on the file system holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Builds the bundle that the measuring processes run. */
async function bundleThis(out: string): Promise<void> {
  const { bundleForBench } = await import('../../bench/bundle.ts');
  await bundleForBench(fileURLToPath(import.meta.url), out);
}

/** Runs the benchmark and prints its report; a failed measurement is reported, not thrown. */
export async function benchPipeline(options: PipelineOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const heapMb = options.heapMb ?? defaultHeapMb();
  log(`runtime pipeline benchmark  (node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  if (!existsSync(join(root, 'compiler', 'dist', 'lakec-worker.js'))) {
    log('    FAILED: compiler/dist/lakec-worker.js is missing: run `npm run build` first (`npm run bench` builds)');
    process.exitCode = 1;
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'lakec-pipeline-bench-'));
  // Inside node_modules, so that the bundle resolves DuckDB (a native module, left external);
  // named by process, as node_modules (and so this folder) may be shared by several checkouts.
  const bundleDir = join(root, 'node_modules', '.cache', 'lakec-bench');
  const bundle = join(bundleDir, `pipeline-bench-${process.pid}.mjs`);
  let generated: string | undefined;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // ------------------------------------------------------------ the events file
    const reuse = options.file !== undefined && existsSync(options.file);
    const file = resolve(options.file ?? (options.keepFile === true ? join(tmpdir(), `lakec-bench-trades-${options.events}-${process.pid}.jsonl`) : join(work, 'trades.jsonl')));
    const fileBytes = reuse ? statSync(file).size : options.events * FILE_BYTES_PER_EVENT;
    const events = reuse ? Math.round(fileBytes / FILE_BYTES_PER_EVENT) : options.events;
    const refusal = diskRefusal([[work, events * WAREHOUSE_BYTES_PER_EVENT, 'the warehouses'], ...(reuse ? [] : [[dirname(file), fileBytes, 'the events file'] as const])]);
    if (refusal !== undefined) {
      log(`    REFUSED: ${int(options.events)} events: ${refusal}. Fewer --events, or --file (and TMPDIR for the warehouses) on a larger disk.`);
      process.exitCode = 1;
      return;
    }
    if (reuse) {
      log(`    events: ${file} (reused, ${size(fileBytes)})${options.eventsGiven === true ? '; --events is ignored' : ''}`);
    } else {
      const { writeTradesFile } = await import('./trades.ts');
      const t0 = performance.now();
      // Deleted at the end if it is not to be kept, or if writing it fails (no half file to reuse).
      generated = file;
      const s = writeTradesFile(file, { events: options.events, seed: 1 });
      if (options.file !== undefined || options.keepFile === true) generated = undefined;
      log(`    events: ${file}: ${int(s.lines)} events (${int(s.bad)} bad), ${size(s.bytes)}, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s${generated === undefined ? ' (kept: --file reuses it)' : ''}`);
    }
    if (interrupted !== undefined) throw new Interrupted(interrupted);
    mkdirSync(bundleDir, { recursive: true });
    await bundleThis(bundle);
    log(`    heap limit of each measuring process and its workers: ${heapMb} MB; ${availableParallelism()} partitions on worker threads`);

    // ------------------------------------------------------------ the measurements
    const run = (mode: string, warehouse: string): Outcome => {
      if (interrupted !== undefined) throw new Interrupted(interrupted);
      return child(bundle, heapMb, mode, file, warehouse);
    };
    const parseFirst = run('parse', work);
    const single = run('single', join(work, 'w1'));
    rmSync(join(work, 'w1'), { recursive: true, force: true });
    const parallel = run('partitioned', join(work, 'w2'));
    const restore: Outcome = failed(parallel) ? { failed: `not measured: the ${availableParallelism()}-partition run it restores failed` } : run('partitioned', join(work, 'w2'));
    rmSync(join(work, 'w2'), { recursive: true, force: true });
    const reference = run('partitioned-reference', join(work, 'w3'));
    rmSync(join(work, 'w3'), { recursive: true, force: true });
    const parseLast = run('parse', work);
    report(log, { parseFirst, parseLast, single, parallel, restore, reference });
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    log(`    ${e.message}: stopped`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(bundle, { force: true });
    if (generated !== undefined) rmSync(generated, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
  if (interrupted !== undefined) process.kill(process.pid, interrupted);
}

/**
 * The JSON.parse ceiling and the runtime end to end with one partition per core on `file`, each in
 * a process of its own as benchPipeline measures them: the Flink benchmark's comparison
 * (test/bench/flink.ts), on the same file in the same run.
 */
export async function measureRuntime(file: string, heapMb: number = defaultHeapMb()): Promise<{ parse: Outcome; partitioned: Outcome }> {
  const work = mkdtempSync(join(tmpdir(), 'lakec-runtime-measure-'));
  const bundleDir = join(root, 'node_modules', '.cache', 'lakec-bench');
  const bundle = join(bundleDir, `pipeline-bench-${process.pid}.mjs`);
  try {
    mkdirSync(bundleDir, { recursive: true });
    await bundleThis(bundle);
    const parse = child(bundle, heapMb, 'parse', file, work);
    const partitioned = child(bundle, heapMb, 'partitioned', file, join(work, 'w'));
    return { parse, partitioned };
  } finally {
    rmSync(bundle, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Why the disk cannot take what the run writes (folder, bytes, what), or undefined if it can;
 * needs on one file system are added up.
 */
export function diskRefusal(needs: readonly (readonly [string, number, string])[], free: (dir: string) => number = freeBytes, device: (dir: string) => number = (d) => statSync(d).dev): string | undefined {
  const byDevice = new Map<number, { dir: string; bytes: number; what: string[] }>();
  for (const [dir, bytes, what] of needs) {
    const d = device(dir);
    const entry = byDevice.get(d) ?? { dir, bytes: 0, what: [] };
    entry.bytes += bytes;
    entry.what.push(`${what} ${gb(bytes)}`);
    byDevice.set(d, entry);
  }
  for (const { dir, bytes, what } of byDevice.values()) {
    const available = free(dir);
    if (bytes > available) return `they need about ${gb(bytes)} on the disk of ${dir} (${what.join(', ')}), and ${gb(available)} are free`;
  }
  return undefined;
}

interface Results {
  readonly parseFirst: Outcome;
  readonly parseLast: Outcome;
  readonly single: Outcome;
  readonly parallel: Outcome;
  readonly restore: Outcome;
  /** The partitioned run with the reference operator. */
  readonly reference: Outcome;
}

function report(log: (line: string) => void, r: Results): void {
  const rate = (m: Measurement): number => m.events / (m.ms / 1000);
  const parses = [r.parseFirst, r.parseLast].filter((m): m is Measurement => !failed(m));
  const parse: Outcome = parses.length === 0 ? r.parseFirst : parses.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const ceiling = failed(parse) ? undefined : rate(parse);
  const n = availableParallelism();
  const head = ['events/s', 'vs parse', 'wall s', 'CPU s', 'events/CPU s', 'peak RSS MB', `vs ${TARGET_EVENTS_PER_SECOND / 1000}k/s`];
  const widths = [11, 9, 8, 7, 13, 12, 11];
  const name = 36;
  log('');
  log(`    ${'measurement'.padEnd(name)}${head.map((h, i) => h.padStart(widths[i]!)).join('')}`);
  const row = (label: string, o: Outcome, cells: (m: Measurement) => string[]): void => {
    if (failed(o)) {
      log(`    ${label.padEnd(name)}  FAILED: ${o.failed}`);
      process.exitCode = 1;
    }
    else log(`    ${label.padEnd(name)}${cells(o).map((c, i) => c.padStart(widths[i]!)).join('')}`);
  };
  const common = (m: Measurement): string[] => [(m.ms / 1000).toFixed(1), (m.cpuMs / 1000).toFixed(1), int(m.events / (m.cpuMs / 1000)), int(m.maxRssMb)];
  row('read + JSON.parse (the ceiling)', parse, (m) => [int(rate(m)), '1.00', ...common(m), '']);
  const endToEnd = (m: Measurement): string[] => [int(rate(m)), ceiling === undefined ? '-' : (rate(m) / ceiling).toFixed(2), ...common(m), rate(m) >= TARGET_EVENTS_PER_SECOND ? 'PASS' : 'MISS'];
  row('end to end, 1 partition', r.single, endToEnd);
  row(`end to end, ${n} partitions (workers)`, r.parallel, endToEnd);
  row(`the same, reference operator`, r.reference, endToEnd);
  row('restore from the last checkpoint', r.restore, (m) => ['-', '-', ((m.restoreMs ?? NaN) / 1000).toFixed(1), (m.cpuMs / 1000).toFixed(1), '-', int(m.maxRssMb), '']);
  log('');
  if (parses.length === 2) log(`    the ceiling, measured first and last: ${int(rate(parses[0]!))} and ${int(rate(parses[1]!))} events/s; the better is kept`);
  for (const [label, o] of [['1 partition', r.single], [`${n} partitions`, r.parallel]] as const) {
    if (failed(o)) continue;
    log(`    ${label}: reading thread ${Object.entries(o.phases ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${(v / 1000).toFixed(1)} s`).join(', ')}; ${int(o.rowWrites ?? 0)} row writes`);
  }
  if (!failed(r.parallel) && !failed(r.reference)) {
    log(`    ${n} partitions, typed operator against the reference operator: ${(rate(r.parallel) / rate(r.reference)).toFixed(2)}x the events/s, ${(r.reference.cpuMs / r.parallel.cpuMs).toFixed(2)}x fewer CPU seconds, ${(r.reference.maxRssMb / r.parallel.maxRssMb).toFixed(2)}x less peak memory`);
  }
  if (!failed(r.restore)) {
    log(`    restore: ${((r.restore.restoreMs ?? NaN) / 1000).toFixed(1)} s to load checkpoint ${r.restore.restoredFrom ?? '-'} (current rows from the warehouse + state files) in a process of ${(r.restore.ms / 1000).toFixed(1)} s; wall s above is the restore alone, CPU s and RSS the whole process`);
  }
  const ends = [r.single, r.parallel].filter((o): o is Measurement => !failed(o));
  if (ends.length > 0) {
    const best = ends.reduce((a, b) => (rate(a) >= rate(b) ? a : b));
    log(
      `    target ${int(TARGET_EVENTS_PER_SECOND)} events/s end to end: ${rate(best) >= TARGET_EVENTS_PER_SECOND ? 'PASS' : 'MISS'} ` +
        `(best ${int(rate(best))}/s${ceiling === undefined ? '' : `, ${((100 * rate(best)) / ceiling).toFixed(0)}% of the JSON.parse ceiling`})`,
    );
  } else {
    log(`    target ${int(TARGET_EVENTS_PER_SECOND)} events/s end to end: not measured (both runs failed)`);
  }
  if (loadavg()[0]! > cpus().length) log(`    note: the load average (${loadavg()[0]!.toFixed(2)}) exceeds the CPU count: timings are inflated`);
}

if (process.argv[2] === '--measure') {
  const [mode, file, warehouse] = process.argv.slice(3) as [string, string, string];
  try {
    process.stdout.write(JSON.stringify(await measure(mode, file, warehouse)) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
    process.exitCode = 1;
  }
} else if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [events, file] = process.argv.slice(2);
  await benchPipeline({ events: Number(events ?? 1_000_000), file });
}
