/**
 * `lakec build` benchmark (part of `npm run bench`; alone: `npx tsx test/bench/build.ts` after
 * `npm run build`). Reported, never asserted.
 *
 * (a) `lakec build` as users run it: a fresh process that parses, checks, generates and writes
 *     every file into an empty folder; for the reference spec and a synthetic 100-dataset spec
 *     (test/bench/synthetic.ts), next to `lakec check` of the same spec in the same run (the
 *     baseline: build's own cost is generation and writing). Targets: reference under 1 s,
 *     100 datasets under 3 s (npm install and synthesis excluded).
 * (b) The synthesis time of each generated app (the examples and the synthetic lake): a fresh
 *     process importing the app and running `app.synth()`, template validation and cdk-nag
 *     included, functions not bundled.
 *
 * BENCH_BUILD_RUNS overrides the number of build runs per spec (default 5).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticSpec } from './synthetic.ts';

const root = join(import.meta.dirname, '..', '..');
const lakec = join(root, 'compiler', 'dist', 'lakec.js');

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [lakec, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - t0;
  if (r.status !== 0) throw new Error(`lakec ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString().slice(0, 2000)}`);
  return elapsed;
}

export async function buildBenchmark(): Promise<void> {
  const runs = Number(process.env['BENCH_BUILD_RUNS'] ?? 5) || 5;
  const work = mkdtempSync(join(tmpdir(), 'lakec-build-bench-'));
  const synthetic = join(work, 'synthetic-100.lake');
  writeFileSync(synthetic, syntheticSpec({ datasets: 100, seed: 20_250_101 }));
  const specs: [string, string, number][] = [
    ['reference spec', join(root, 'examples', 'audit-surveillance.lake'), 1000],
    ['synthetic, 100 datasets', synthetic, 3000],
  ];
  console.log(`lakec build benchmark  (node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log('');
  console.log(`(a) lakec build into an empty folder, ${runs} runs each (fresh processes); medians`);
  const rows: [string, number, number, number, number][] = [];
  for (const [name, spec, target] of specs) {
    timed(['build', spec, '-o', join(work, 'warm')]); // disk cache
    const builds: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(work, `out-${i}`);
      builds.push(timed(['build', spec, '-o', out]));
      rmSync(out, { recursive: true, force: true });
      checks.push(timed(['check', spec]));
    }
    const files = JSON.parse(readFileSync(join(work, 'warm', '.lakec', 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    rows.push([name, median(builds), median(checks), target, Object.keys(files.files).length]);
    rmSync(join(work, 'warm'), { recursive: true, force: true });
  }
  for (const [name, build, check, , files] of rows) {
    console.log(`    ${name.padEnd(24)} build ${ms(build).padStart(8)}  (${files} files)   check ${ms(check).padStart(8)}   build - check ${ms(build - check).padStart(7)}`);
  }
  console.log('');

  console.log('(b) synthesis of each generated app, a fresh process each (template validation and cdk-nag on)');
  const outRoot = join(root, 'test', 'build', 'out');
  const apps: [string, string][] = [
    ['audit-surveillance', join(root, 'examples', 'audit-surveillance.lake')],
    ['retail-orders', join(root, 'examples', 'retail-orders.lake')],
    ['iot-telemetry', join(root, 'examples', 'iot-telemetry')],
    ['synthetic-100', synthetic],
  ];
  for (const [name, spec] of apps) {
    const dir = join(outRoot, `bench-${name}`);
    rmSync(dir, { recursive: true, force: true });
    timed(['build', spec, '-o', dir]);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test', 'bench', 'synthApp.ts'), dir], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`    ${name.padEnd(22)} synthesis failed: ${r.stderr.slice(0, 1500)}`);
      continue;
    }
    const t = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { loadMs: number; synthMs: number; templates: number };
    console.log(`    ${name.padEnd(22)} load + construct ${ms(t.loadMs).padStart(8)}   synth ${ms(t.synthMs).padStart(8)}   (${t.templates} templates)`);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');

  console.log('(c) build targets');
  console.log(`    ${'measure'.padEnd(44)}${'target'.padEnd(12)}${'measured'.padEnd(12)}result`);
  for (const [name, build, , target] of rows) console.log(`    ${`lakec build, ${name}`.padEnd(44)}${`< ${ms(target)}`.padEnd(12)}${ms(build).padEnd(12)}${build < target ? 'PASS' : 'MISS'}`);
  if (loadavg()[0]! > cpus().length) console.log(`\n    note: the load average (${loadavg()[0]!.toFixed(2)}) exceeds the CPU count: timings are inflated`);
  rmSync(work, { recursive: true, force: true });
}

if (import.meta.filename === process.argv[1]) await buildBenchmark();
