/**
 * Micro-benchmark of the per-event mapping hot path: a trades-like NDJSON file (trades.ts) read
 * with FileSource, and every line mapped by a RowMapper for the trades spec, against reading and
 * `JSON.parse` alone in the same process. Timed code runs from an esbuild bundle of this file,
 * as the CLI runs from one. Each pass is repeated (parse, map, route, parse, map, route, ...) and
 * the best of each is kept; reported are ns/event of wall time and of CPU time.
 *
 *   npx tsx test/runtime/bench/mapper.ts [file=/tmp/bench/t1m.jsonl] [rounds=3] [--cpu-prof=DIR]
 *
 * With `--cpu-prof=DIR`, the mapping pass alone runs once more under node's `--cpu-prof` and
 * writes its profile to DIR.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env['LAKEC_ROOT'] ?? join(import.meta.dirname, '..', '..', '..');

interface Pass {
  readonly events: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly rejected?: number;
}

async function run(mode: string, file: string, rounds: number): Promise<Record<string, Pass>> {
  const { FileSource } = await import('../../../runtime/sources/file.ts');
  const { RowMapper, isRejection } = await import('../../../runtime/mapping.ts');
  const { KeyRouter } = await import('../../../runtime/parallel/router.ts');
  const { datasetSpec } = await import('../../../compiler/codegen/processors/spec.ts');
  const { compile } = await import('../../../compiler/driver/compile.ts');
  const { tradesSpec } = await import('./trades.ts');
  const spec = datasetSpec(compile([{ path: 'bench.lake', text: tradesSpec }]).model!.datasets.find((d) => d.name === 'trades')!);
  // The lines are read once, outside the timed passes (but reading and splitting is a pass too).
  const readAll = async (): Promise<(readonly string[])[]> => {
    const source = new FileSource(file);
    const batches: (readonly string[])[] = [];
    for (let b = await source.next(); b !== null; b = await source.next()) batches.push(b.texts);
    await source.close();
    return batches;
  };
  const timed = async (f: () => Promise<{ events: number; rejected?: number }> | { events: number; rejected?: number }): Promise<Pass> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await f();
    const cpu = process.cpuUsage(cpu0);
    return { ...r, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const modes = mode === 'all' ? ['read', 'parse', 'map', 'route'] : [mode];
  const batches = await readAll();
  const best: Record<string, Pass> = {};
  for (let round = 0; round < rounds; round++) {
    for (const m of modes) {
      let p: Pass;
      if (m === 'read') {
        p = await timed(async () => ({ events: (await readAll()).reduce((n, b) => n + b.length, 0) }));
      } else if (m === 'parse') {
        p = timedSync(() => {
          let n = 0;
          for (const texts of batches) {
            for (const t of texts) {
              try {
                JSON.parse(t);
              } catch {
                // bad events are part of the file
              }
              n++;
            }
          }
          return { events: n };
        });
      } else if (m === 'map') {
        const mapper = new RowMapper(spec);
        p = timedSync(() => {
          let n = 0;
          let rejected = 0;
          const at = Date.now();
          for (const texts of batches) {
            for (const t of texts) {
              if (isRejection(mapper.map(t, at))) rejected++;
              n++;
            }
          }
          return { events: n, rejected };
        });
      } else if (m === 'route') {
        const router = new KeyRouter(spec, 2);
        p = timedSync(() => {
          let n = 0;
          let sum = 0;
          for (const texts of batches) {
            for (const t of texts) {
              sum += router.partitionOf(t);
              n++;
            }
          }
          return { events: n, rejected: sum };
        });
      } else {
        throw new Error(`unknown mode '${m}'`);
      }
      if (best[m] === undefined || p.cpuMs < best[m]!.cpuMs) best[m] = p;
    }
  }
  return best;

  function timedSync(f: () => { events: number; rejected?: number }): Pass {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = f();
    const cpu = process.cpuUsage(cpu0);
    return { ...r, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  }
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--cpu-prof='));
const profileDir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);

if (process.argv[2] === '--measure') {
  const [mode, file, rounds] = process.argv.slice(3) as [string, string, string];
  process.stdout.write(JSON.stringify(await run(mode, file, Number(rounds))) + '\n');
} else {
  const file = args[0] ?? '/tmp/bench/t1m.jsonl';
  const rounds = args[1] ?? '3';
  const bundleDir = join(root, 'node_modules', '.cache', 'lakec-bench');
  mkdirSync(bundleDir, { recursive: true });
  const bundle = join(bundleDir, `mapper-bench-${process.pid}.mjs`);
  const { bundleForBench } = await import('../../bench/bundle.ts');
  await bundleForBench(fileURLToPath(import.meta.url), bundle);
  const child = (flags: string[], mode: string, n: string): Record<string, Pass> => {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=64', ...flags, bundle, '--measure', mode, file, n], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: { ...process.env, LAKEC_ROOT: root },
    });
    if (r.status !== 0) throw new Error(`the measurement failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, Pass>;
  };
  let best: Record<string, Pass>;
  try {
    best = child([], 'all', rounds);
    if (profileDir !== undefined) {
      child(['--cpu-prof', `--cpu-prof-dir=${profileDir}`], 'map', '1');
      console.log(`CPU profile of the mapping pass written to ${profileDir}`);
    }
  } finally {
    rmSync(bundle, { force: true });
  }
  console.log(`${'pass'.padEnd(24)} ${'events'.padStart(10)} ${'wall ns/ev'.padStart(11)} ${'CPU ns/ev'.padStart(10)} ${'CPU vs parse'.padStart(13)}`);
  const parse = best['parse']!;
  const labels: Record<string, string> = { read: 'read + split lines', parse: 'JSON.parse', map: 'RowMapper.map', route: 'KeyRouter (2 parts)' };
  for (const [m, p] of Object.entries(best)) {
    const ns = (x: number): string => ((x * 1e6) / p.events).toFixed(0);
    console.log(`${labels[m]!.padEnd(24)} ${String(p.events).padStart(10)} ${ns(p.ms).padStart(11)} ${ns(p.cpuMs).padStart(10)} ${(p.cpuMs / parse.cpuMs).toFixed(2).padStart(13)}`);
  }
  if (best['map']?.rejected !== undefined) console.log(`rejected by the mapper: ${best['map'].rejected}`);
}
