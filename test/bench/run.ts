/**
 * The benchmarks (`npm run bench`): plain console output, deterministic input, no assertion on
 * time (benchmarks report; they do not fail on a miss). The suites, in this order (`--only`
 * picks some; `npm run bench -- --help` lists the flags, test/bench/args.ts):
 *
 * front   (a) Warm throughput: a synthetic spec of 500 datasets (~12,000 lines,
 *             test/bench/synthetic.ts) parsed, bound and validated in-process after a warm-up;
 *             median over the iterations, and the median of each phase (parse, bind, validate,
 *             lower).
 *         (b) Cold start: `node compiler/dist/lakec.js check examples/audit-surveillance.lake`
 *             spawned again and again, next to a bare `node -e 0` spawned the same way in the
 *             same run (the baseline: what any Node CLI pays before its first line runs).
 *         (c) Line length: a lake with a 40,000-column block checked written one item per line
 *             and written on one line (test/bench/synthetic.ts wideSpec); the ratio of the two.
 *         (d) A table of targets with PASS/MISS.
 *         BENCH_ITERATIONS, BENCH_SPAWNS and BENCH_DATASETS override the defaults.
 * lsp     the language server (test/bench/lsp.ts).
 * build   the generated project's build (test/bench/build.ts).
 * loadtest the generated load test of the reference spec on the local target, a scaled burst
 *         (test/bench/loadtest.ts; `--loadtest-records`): records/s, the generator's ratio,
 *         whether 150,000,000 records within 5 minutes would be met, the projected time.
 * engine  runtime/engine's mapping and bi-temporal state (not on the runtime's path yet) against
 *         today's RowMapper and BitemporalKeyState on a generated trades file, 1 million events
 *         by default, in one process (test/runtime/bench/engine.ts; `--events`, `--file`).
 * flink   the generated Flink job of the trades dataset in a local MiniCluster (parallelism 2,
 *         RocksDB) on a generated trades file, 1 million events by default, run on the file's
 *         first fifth and on all of it (the steady state is the difference), next to the runtime
 *         on the same file; the per-KPU sizing it implies (test/bench/flink.ts; `--events`,
 *         `--file`; needs Java 17 and Maven).
 * runtime the runtime pipeline end to end on a generated trades file, 10 million events by
 *         default (test/runtime/bench/pipeline.ts; `--events`, `--file`, `--keep-file`,
 *         `--heap-mb`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForBench } from './bundle.ts';
import { BenchUsageError, parseBenchArgs, USAGE, type BenchArgs } from './args.ts';
import { syntheticSpec, wideSpec } from './synthetic.ts';

const root = join(import.meta.dirname, '..', '..');

const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const datasets = envInt('BENCH_DATASETS', 500);
const iterations = envInt('BENCH_ITERATIONS', 15);
const warmups = 5;
const spawns = envInt('BENCH_SPAWNS', 10);

const targets = { warmLinesPerSecond: 100_000, coldCheckMs: 300, oneLineRatio: 1.5 };

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile. */
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const count = (x: number): string => Math.round(x).toLocaleString('en-US');

interface Sample { parse: number; bind: number; validate: number; lower: number; cpu: number }

/** CPU time of this process in ms: unlike wall time, barely moved by other processes' load. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function frontEnd(): Promise<void> {
  /**
   * The phases are timed in an esbuild bundle built like compiler/dist (build.mjs), not in the
   * sources as tsx runs them: tsx compiles with keepNames, which wraps every closure the parser
   * creates in a naming call and costs a third of the parse time that users never pay.
   */
  type Front = typeof import('./front.ts');
  const bundleDir = mkdtempSync(join(tmpdir(), 'lakec-bench-'));
  const bundle = join(bundleDir, 'front.mjs');
  await bundleForBench(join(import.meta.dirname, 'front.ts'), bundle);
  const { compile, parseFile, bind, validate, lower, DiagnosticBag } = (await import(pathToFileURL(bundle).href)) as Front;
  rmSync(bundleDir, { recursive: true, force: true });
  // ------------------------------------------------------------------ (a) warm throughput

  const path = 'synthetic.lake';
  const text = syntheticSpec({ datasets, seed: 20_250_101 });
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

  // The input must be valid, or the benchmark measures error recovery instead of the front end.
  const check = compile([{ path, text }]);
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || check.model === undefined) {
    console.error(`the synthetic spec does not check: ${errors.length} errors, first: ${errors.slice(0, 5).map((d) => `${d.code} ${d.message}`).join('; ')}`);
    process.exitCode = 1;
    return;
  }
  const warnings = check.diagnostics.filter((d) => d.severity === 'warning').length;

  function once(): Sample {
    const c0 = cpuMs();
    const t0 = performance.now();
    const parsed = parseFile(path, text);
    const t1 = performance.now();
    const lake = bind([parsed.ast], new DiagnosticBag());
    const t2 = performance.now();
    validate(lake);
    const t3 = performance.now();
    const c3 = cpuMs();
    lower(lake);
    const t4 = performance.now();
    return { parse: t1 - t0, bind: t2 - t1, validate: t3 - t2, lower: t4 - t3, cpu: c3 - c0 };
  }

  for (let i = 0; i < warmups; i++) once();
  const samples: Sample[] = [];
  for (let i = 0; i < iterations; i++) samples.push(once());
  const front = samples.map((s) => s.parse + s.bind + s.validate);
  const frontMedian = median(front);
  const throughput = lines / (frontMedian / 1000);
  const phase = (k: keyof Sample): number => median(samples.map((s) => s[k]));

  console.log(`lakec front-end benchmark  (node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log('');
  console.log(`(a) warm: synthetic spec, ${count(datasets)} datasets, ${count(lines)} lines, ${count(text.length)} characters; ${check.lake.grants.length} grants, ${check.lake.personas.length} personas; 0 errors, ${warnings} warnings`);
  console.log(`    ${warmups} warm-up runs, ${iterations} measured, on an esbuild bundle like compiler/dist; medians:`);
  const phases: [string, number][] = [['parse', phase('parse')], ['bind', phase('bind')], ['validate', phase('validate')], ['lower', phase('lower')]];
  const phaseTotal = phases.reduce((a, [, t]) => a + t, 0);
  for (const [name, t] of phases) console.log(`    ${name.padEnd(9)} ${ms(t).padStart(10)}  ${((100 * t) / phaseTotal).toFixed(0).padStart(3)}%`);
  const cpuMedian = median(samples.map((x) => x.cpu));
  console.log(`    parse+bind+validate: median ${ms(frontMedian)} (min ${ms(Math.min(...front))}, max ${ms(Math.max(...front))}) = ${count(throughput)} lines/s`);
  console.log(`    the same in CPU time: median ${ms(cpuMedian)} = ${count(lines / (cpuMedian / 1000))} lines/s`);
  console.log('');

  // ------------------------------------------------------------------ (b) cold start

  const lakec = join(root, 'compiler', 'dist', 'lakec.js');
  if (!existsSync(lakec)) {
    console.error('compiler/dist/lakec.js is missing: run `npm run bench` (it builds first)');
    process.exitCode = 1;
    return;
  }
  const spec = 'examples/audit-surveillance.lake';

  function wall(argv: string[]): { ms: number; status: number | null } {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'ignore' });
    return { ms: performance.now() - t0, status: r.status };
  }

  /** The child's own CPU time (user + system, bootstrap included), written by a preload at exit. */
  const cpuProbe = 'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const u=process.cpuUsage();writeSync(3,String((u.user+u.system)/1000))})';
  function childCpu(argv: string[]): number {
    const r = spawnSync(process.execPath, ['--import', cpuProbe, ...argv], { cwd: root, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    return Number(String(r.output[3] ?? 'NaN'));
  }

  // One untimed run of each (disk cache), then alternate the two so load drifts hit both alike.
  wall(['-e', '0']);
  const first = wall([lakec, 'check', spec]);
  if (first.status !== 0) console.log(`    note: lakec check ${spec} exited with ${first.status}`);
  const bare: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i < spawns; i++) {
    bare.push(wall(['-e', '0']).ms);
    cold.push(wall([lakec, 'check', spec]).ms);
  }
  const coldMedian = median(cold);
  const bareMedian = median(bare);
  const bareCpu: number[] = [];
  const coldCpu: number[] = [];
  for (let i = 0; i < Math.ceil(spawns / 2); i++) {
    bareCpu.push(childCpu(['-e', '0']));
    coldCpu.push(childCpu([lakec, 'check', spec]));
  }
  console.log(`(b) cold: ${spawns} spawns each, alternating`);
  console.log(`    node -e 0                          median ${ms(bareMedian).padStart(9)}  p90 ${ms(percentile(bare, 90)).padStart(9)}`);
  console.log(`    lakec check ${spec}\n${' '.repeat(39)}median ${ms(coldMedian).padStart(9)}  p90 ${ms(percentile(cold, 90)).padStart(9)}`);
  console.log(`    ratio lakec / node: ${(coldMedian / bareMedian).toFixed(2)} (lakec's own cost: ${ms(coldMedian - bareMedian)})`);
  console.log(`    CPU time of the child (${bareCpu.length} more spawns each): node -e 0 ${ms(median(bareCpu))}, lakec check ${ms(median(coldCpu))}, ratio ${(median(coldCpu) / median(bareCpu)).toFixed(2)}`);
  console.log('');

  // ------------------------------------------------------------------ (c) line length

  // The same 40,000-column lake on one line and on one item per line: checking must cost the
  // same (it once looked back over the whole line for each column's doc comment).
  const wide = wideSpec(40_000);
  const checkMs = (t: string): number => {
    const t0 = performance.now();
    compile([{ path: 'wide.lake', text: t }]);
    return performance.now() - t0;
  };
  checkMs(wide.oneLine);
  const oneLine: number[] = [];
  const manyLines: number[] = [];
  for (let i = 0; i < 3; i++) {
    manyLines.push(checkMs(wide.manyLines));
    oneLine.push(checkMs(wide.oneLine));
  }
  const lineRatio = median(oneLine) / median(manyLines);
  console.log(`(c) line length: a lake with a 40,000-column block and a 20,000-column grant, 3 checks each, alternating`);
  console.log(`    one item per line (${count(wide.manyLines.split('\n').length)} lines, ${count(wide.manyLines.length)} characters)  median ${ms(median(manyLines)).padStart(9)}`);
  console.log(`    on one line (${count(wide.oneLine.length)} characters)${' '.repeat(Math.max(1, 31 - count(wide.oneLine.length).length))}median ${ms(median(oneLine)).padStart(9)}`);
  console.log(`    ratio one line / many lines: ${lineRatio.toFixed(2)}`);
  console.log('');

  // ------------------------------------------------------------------ (d) targets

  const rows: [string, string, string, boolean][] = [
    ['warm parse+bind+validate', `>= ${count(targets.warmLinesPerSecond)} lines/s`, `${count(throughput)} lines/s`, throughput >= targets.warmLinesPerSecond],
    ['cold lakec check (median)', `< ${targets.coldCheckMs} ms`, ms(coldMedian), coldMedian < targets.coldCheckMs],
    ['one line / many lines', `< ${targets.oneLineRatio}`, lineRatio.toFixed(2), lineRatio < targets.oneLineRatio],
  ];
  console.log('(d) targets');
  console.log(`    ${'measure'.padEnd(28)}${'target'.padEnd(22)}${'measured'.padEnd(20)}result`);
  for (const [name, target, measured, pass] of rows) console.log(`    ${name.padEnd(28)}${target.padEnd(22)}${measured.padEnd(20)}${pass ? 'PASS' : 'MISS'}`);
  if (loadavg()[0]! > cpus().length) console.log(`\n    note: the load average (${loadavg()[0]!.toFixed(2)}) exceeds the CPU count: timings are inflated`);
}

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof BenchUsageError)) throw e;
  console.error(`${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const suites: Record<BenchArgs['suites'][number], () => Promise<void>> = {
  front: frontEnd,
  lsp: async () => (await import('./lsp.ts')).benchLsp(),
  build: async () => (await import('./build.ts')).buildBenchmark(),
  loadtest: async () => (await import('./loadtest.ts')).benchLoadTest(args.loadtestRecords),
  engine: async () => (await import('../runtime/bench/engine.ts')).benchEngine({ events: args.eventsGiven ? args.events : 1_000_000, ...(args.file !== undefined ? { file: args.file } : {}) }),
  flink: async () => (await import('./flink.ts')).benchFlink({ events: args.eventsGiven ? args.events : 1_000_000, file: args.file }),
  runtime: async () =>
    (await import('../runtime/bench/pipeline.ts')).benchPipeline({ events: args.events, eventsGiven: args.eventsGiven, file: args.file, keepFile: args.keepFile, heapMb: args.heapMb }),
};
for (const [i, suite] of args.suites.entries()) {
  if (i > 0) console.log('');
  await suites[suite]();
}
