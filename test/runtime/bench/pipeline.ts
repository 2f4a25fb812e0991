/**
 * End-to-end benchmark of the runtime: a trades-like NDJSON file (trades.ts: about one key per
 * ten events, 10% corrections, 1% redeliveries, 0.1% bad events) from the file to the durable
 * DuckDB table, with checkpoints, as `lakec run` does it. Each measurement runs in a process of
 * its own (peak memory is per process), in this order:
 *
 * 1. the ceiling: reading the file and `JSON.parse` of every line, nothing else;
 * 2. one partition (the reading thread does everything);
 * 3. one partition per core on worker threads;
 * 4. a restore: the same run again, which finds the file consumed and only restores the state
 *    of the last checkpoint (current rows from the warehouse, state files) and stops.
 *
 * Reported: events/s, the ratio to the ceiling, CPU seconds (all threads, DuckDB's included) and
 * events per CPU second (steadier than wall time on a shared machine), peak RSS, and where the
 * reading thread spent its time. The ceiling is measured first and again last, and the better
 * of the two is kept: the machines are shared, and a neighbour's load should not flatter the
 * ratio. Timed code runs from an esbuild bundle
 * of this file (as the CLI runs from one; tsx's transform would slow it), with the CLI's bundled
 * partition worker (run `npm run build` first) and a 64 MB semi-space young generation, as
 * `lakec run` sets it.
 *
 *   npx tsx test/runtime/bench/pipeline.ts [events=1000000] [file]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The repository root: from this file, or from the environment in the bundled child.
const root = process.env['LAKEC_ROOT'] ?? join(import.meta.dirname, '..', '..', '..');

interface Measurement {
  readonly events: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly phases?: Record<string, number>;
  readonly restoreMs?: number;
  readonly rowWrites?: number;
}

/** The child: one measurement, printed as JSON. */
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
      partitions: mode === 'single' ? 1 : availableParallelism(),
      worker: { url: pathToFileURL(join(root, 'compiler', 'dist', 'lakec-worker.js')) },
    });
    return done({ events: r.run.recordsIn, phases: r.phases, restoreMs: r.restoreMs, rowWrites: r.run.rowsOut });
  } finally {
    w.close();
  }
}

function child(bundle: string, mode: string, file: string, warehouse: string): Measurement {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=64', bundle, '--measure', mode, file, warehouse], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, LAKEC_ROOT: root },
  });
  if (r.status !== 0) throw new Error(`${mode} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measurement;
}

if (process.argv[2] === '--measure') {
  const [mode, file, warehouse] = process.argv.slice(3) as [string, string, string];
  process.stdout.write(JSON.stringify(await measure(mode, file, warehouse)) + '\n');
} else {
  if (!existsSync(join(root, 'compiler', 'dist', 'lakec-worker.js'))) throw new Error('run `npm run build` first: the benchmark uses the bundled partition worker');
  const events = Number(process.argv[2] ?? 1_000_000);
  const work = mkdtempSync(join(tmpdir(), 'lakec-pipeline-bench-'));
  const file = process.argv[3] ?? join(work, 'trades.jsonl');
  try {
    if (process.argv[3] === undefined || !existsSync(file)) {
      const { writeTradesFile } = await import('./trades.ts');
      const s = writeTradesFile(file, { events, seed: 1 });
      console.log(`${file}: ${s.lines.toLocaleString('en-US')} events (${s.bad} bad), ${(s.bytes / 1e6).toFixed(0)} MB`);
    }
    // Inside node_modules, so that the bundle resolves DuckDB (a native module, left external).
    const bundleDir = join(root, 'node_modules', '.cache', 'lakec-bench');
    mkdirSync(bundleDir, { recursive: true });
    const bundle = join(bundleDir, 'pipeline-bench.mjs');
    const { build } = await import('esbuild');
    await build({
      entryPoints: [fileURLToPath(import.meta.url)],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      external: ['@duckdb/node-api', '@aws-sdk/client-kinesis'],
      banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);" },
    });
    console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const parseFirst = child(bundle, 'parse', file, work);
    const single = child(bundle, 'single', file, join(work, 'w1'));
    const parallel = child(bundle, 'partitioned', file, join(work, 'w2'));
    const restore = child(bundle, 'partitioned', file, join(work, 'w2'));
    const parseLast = child(bundle, 'parse', file, work);
    const parse = parseFirst.ms <= parseLast.ms ? parseFirst : parseLast;
    const rate = (m: Measurement): number => m.events / (m.ms / 1000);
    const rows: [string, Measurement][] = [
      ['read + JSON.parse (the ceiling)', parse],
      ['end to end, 1 partition', single],
      [`end to end, ${availableParallelism()} partitions (workers)`, parallel],
    ];
    const perCpu = (m: Measurement): number => m.events / (m.cpuMs / 1000);
    console.log(`\n${'run'.padEnd(40)} ${'events/s'.padStart(10)} ${'vs parse'.padStart(9)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(6)} ${'events/CPU s'.padStart(13)} ${'peak RSS MB'.padStart(12)}`);
    for (const [name, m] of rows) {
      console.log(
        `${name.padEnd(40)} ${Math.round(rate(m)).toLocaleString('en-US').padStart(10)} ${(rate(m) / rate(parse)).toFixed(2).padStart(9)} ${(m.ms / 1000).toFixed(1).padStart(7)} ` +
          `${(m.cpuMs / 1000).toFixed(1).padStart(6)} ${Math.round(perCpu(m)).toLocaleString('en-US').padStart(13)} ${m.maxRssMb.toFixed(0).padStart(12)}`,
      );
    }
    console.log(`(the ceiling measured twice: ${Math.round(rate(parseFirst)).toLocaleString('en-US')} and ${Math.round(rate(parseLast)).toLocaleString('en-US')} events/s; the better is kept)`);
    for (const [name, m] of rows.slice(1)) console.log(`${name}: reading thread ${JSON.stringify(Object.fromEntries(Object.entries(m.phases ?? {}).map(([k, v]) => [k, Math.round(v)])))} ms, ${m.rowWrites?.toLocaleString('en-US')} row writes`);
    console.log(`restore from the last checkpoint (current rows from the warehouse + state files): ${(restore.restoreMs! / 1000).toFixed(1)} s, peak RSS ${restore.maxRssMb.toFixed(0)} MB`);
    console.log(`target 500,000 events/s: ${rate(parallel) >= 500_000 ? 'PASS' : 'MISS'} (${Math.round(rate(parallel)).toLocaleString('en-US')}/s, ${((100 * rate(parallel)) / rate(parse)).toFixed(0)}% of the JSON.parse ceiling)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
