/**
 * The engine's mapping and state (runtime/engine: the bi-temporal partitions run on them) against
 * today's on the same trades file, in one process: every line mapped and applied to the
 * bi-temporal state of its key, no table written.
 *
 * - `JSON.parse`: every line parsed (the unit the runtime's costs are given in, docs/runtime.md).
 * - today: mapping.ts `RowMapper.map`, the payload key as the operator builds it (csv.ts
 *   `RowTemplates`), and runtime/bitemporal's `BitemporalKeyState` of the key (a Map by key).
 * - engine: engine/fast-mapper.ts over the file's bytes (SLOW events through `RowMapper.map`,
 *   as a wired engine would hand them over), and engine/bitemporal.ts `BitemporalStates`; and
 *   its mapping alone.
 *
 * Both passes count their outcomes (changed, unchanged, duplicate, rejected), which must be
 * equal: printed, and a mismatch fails the run. Timed code runs from an esbuild bundle of this
 * file, as the CLI runs from one; each pass is repeated, interleaved, and the best CPU time kept.
 *
 *   npm run bench -- --only engine [--events 1m] [--file PATH]
 *   npx tsx test/runtime/bench/engine.ts [file (default: 1M events generated)] [rounds=3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env['LAKEC_ROOT'] ?? join(import.meta.dirname, '..', '..', '..');

interface Pass {
  readonly events: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly outcomes?: Record<string, number>;
  readonly fast?: number;
  readonly memory?: number;
}

async function measure(file: string, rounds: number): Promise<Record<string, Pass>> {
  const { RowMapper, isRejection } = await import('../../../runtime/mapping.ts');
  const { RowTemplates } = await import('../../../runtime/sink/csv.ts');
  const { layoutOf } = await import('../../../runtime/dataset.ts');
  const { ApplyResult, BitemporalKeyState } = await import('../../../runtime/bitemporal/index.ts');
  const { FastMapper, FAST, SLOW, PUT } = await import('../../../runtime/engine/fast-mapper.ts');
  const { BitemporalStates, checkTimes, CHANGED, UNCHANGED, DUPLICATE } = await import('../../../runtime/engine/bitemporal.ts');
  const { hashBytes } = await import('../../../runtime/engine/store.ts');
  const { isBlank } = await import('../../../runtime/json-text.ts');
  const { datasetSpec } = await import('../../../compiler/codegen/processors/spec.ts');
  const { compile } = await import('../../../compiler/driver/compile.ts');
  const { tradesSpec } = await import('./trades.ts');
  const spec = datasetSpec(compile([{ path: 'bench.lake', text: tradesSpec }]).model!.datasets.find((d) => d.name === 'trades')!);
  const bytes = readFileSync(file);
  // Today's passes read strings: the lines are decoded and split once, outside the timed passes.
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const at = Date.UTC(2024, 0, 1);

  const timed = (f: () => Omit<Pass, 'ms' | 'cpuMs'>): Pass => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = f();
    const cpu = process.cpuUsage(cpu0);
    return { ...r, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  const parse = (): Pass =>
    timed(() => {
      let n = 0;
      for (const t of lines) {
        try {
          JSON.parse(t);
        } catch {
          // bad events are part of the file
        }
        n++;
      }
      return { events: n };
    });

  const today = (): Pass =>
    timed(() => {
      const mapper = new RowMapper(spec);
      const templates = new RowTemplates(spec.columns.map((c) => c.type), layoutOf(spec));
      const keys = new Map<string, InstanceType<typeof BitemporalKeyState<string>>>();
      const result = new ApplyResult<string>();
      const o = { changed: 0, unchanged: 0, duplicate: 0, rejected: 0, blank: 0 };
      for (const t of lines) {
        if (isBlank(t)) {
          o.blank++;
          continue;
        }
        const m = mapper.map(t, at);
        if (isRejection(m)) {
          o.rejected++;
          continue;
        }
        let state = keys.get(m.key);
        if (state === undefined) {
          state = new BitemporalKeyState<string>();
          keys.set(m.key, state);
        }
        let out;
        if (m.op === 'put') {
          const payload = templates.of(m.values);
          out = state.apply({ op: 'put', validFrom: m.validFrom, validTo: m.validTo, systemTime: m.systemTime, payload, payloadKey: templates.payloadKey(payload) }, result);
        } else out = state.apply({ op: 'delete', validFrom: m.validFrom, validTo: m.validTo, systemTime: m.systemTime }, result);
        if (out.rejected !== null) o.rejected++;
        else if (out.duplicate) o.duplicate++;
        else if (out.changed) o.changed++;
        else o.unchanged++;
      }
      return { events: lines.length, outcomes: o };
    });

  const engine = (): Pass =>
    timed(() => {
      const fast = new FastMapper(spec);
      const mapper = new RowMapper(spec);
      const templates = new RowTemplates(spec.columns.map((c) => c.type), layoutOf(spec));
      const states = new BitemporalStates();
      const o = { changed: 0, unchanged: 0, duplicate: 0, rejected: 0, blank: 0 };
      let fastCount = 0;
      let eid = 0;
      let events = 0;
      const apply = (kb: Uint8Array, kl: number, put: boolean, vf: number, vt: number, st: number, pb: Uint8Array, pl: number): void => {
        if (checkTimes(vf, vt, st) !== null) {
          o.rejected++;
          return;
        }
        const k = states.key(kb, 0, kl, hashBytes(kb, 0, kl));
        const code = states.apply(k, put, vf, vt, st, pb, 0, pl, hashBytes(pb, 0, pl), eid);
        if (code === CHANGED) o.changed++;
        else if (code === UNCHANGED) o.unchanged++;
        else if (code === DUPLICATE) o.duplicate++;
        else o.rejected++;
      };
      for (let s = 0; s < bytes.length; eid++) {
        let e = bytes.indexOf(10, s);
        if (e < 0) e = bytes.length;
        events++;
        const r = fast.map(bytes, s, e, at);
        if (r === FAST) {
          fastCount++;
          apply(fast.key.buf, fast.key.len, fast.op === PUT, fast.validFrom, fast.validTo, fast.systemTime, fast.payload.buf, fast.payload.len);
        } else if (r === SLOW) {
          const m = mapper.map(bytes.toString('utf8', s, e), at);
          if (isRejection(m)) o.rejected++;
          else {
            const kb = Buffer.from(m.key);
            const pb = m.op === 'put' ? Buffer.from(templates.payloadKey(templates.of(m.values))) : Buffer.alloc(0);
            apply(kb, kb.length, m.op === 'put', m.validFrom, m.validTo, m.systemTime, pb, pb.length);
          }
        } else o.blank++;
        s = e + 1;
      }
      return { events, outcomes: o, fast: fastCount, memory: states.memory };
    });

  // The engine's mapping alone (its share of the engine pass).
  const engineMap = (): Pass =>
    timed(() => {
      const fast = new FastMapper(spec);
      let fastCount = 0;
      let events = 0;
      for (let s = 0; s < bytes.length; ) {
        let e = bytes.indexOf(10, s);
        if (e < 0) e = bytes.length;
        events++;
        if (fast.map(bytes, s, e, at) === FAST) fastCount++;
        s = e + 1;
      }
      return { events, fast: fastCount };
    });

  const best: Record<string, Pass> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, pass] of [['parse', parse], ['today', today], ['engine', engine], ['engineMap', engineMap]] as const) {
      const p = pass();
      if (best[name] === undefined || p.cpuMs < best[name]!.cpuMs) best[name] = p;
    }
  }
  return best;
}

/** The benchmark (`npm run bench -- --only engine`): on `file` (generated with `events` when not given), printed. */
export async function benchEngine(options: { events: number; file?: string; rounds?: number; log?: (line: string) => void }): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  log(`engine benchmark  (node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const work = mkdtempSync(join(tmpdir(), 'lakec-engine-bench-'));
  const bundleDir = join(root, 'node_modules', '.cache', 'lakec-bench');
  mkdirSync(bundleDir, { recursive: true });
  const bundle = join(bundleDir, `engine-bench-${process.pid}.mjs`);
  try {
    let file = options.file;
    if (file === undefined || !existsSync(file)) {
      const { writeTradesFile } = await import('./trades.ts');
      file ??= join(work, 'trades.jsonl');
      const s = writeTradesFile(file, { events: options.events, seed: 1 });
      log(`    events: ${file} (generated: ${s.lines.toLocaleString('en-US')} events, ${s.bad} bad)`);
    } else log(`    events: ${file} (reused)`);
    const { bundleForBench } = await import('../../bench/bundle.ts');
    await bundleForBench(fileURLToPath(import.meta.url), bundle);
    const r = spawnSync(process.execPath, ['--max-semi-space-size=64', '--max-old-space-size=8192', bundle, '--measure', file, String(options.rounds ?? 3)], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, LAKEC_ROOT: root } });
    if (r.status !== 0) {
      log(`    FAILED: the measurement failed:\n${r.stderr}`);
      process.exitCode = 1;
      return;
    }
    report(JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, Pass>, log);
  } finally {
    rmSync(bundle, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

function report(best: Record<string, Pass>, log: (line: string) => void): void {
  const parse = best['parse']!;
  const labels: Record<string, string> = { parse: 'JSON.parse', today: 'today: map + core', engine: 'engine: map + core', engineMap: 'engine: map only' };
  log(`    ${'pass'.padEnd(20)} ${'events'.padStart(10)} ${'wall ns/ev'.padStart(11)} ${'CPU ns/ev'.padStart(10)} ${'events/CPU s'.padStart(13)} ${'CPU vs parse'.padStart(13)}`);
  for (const [m, p] of Object.entries(best)) {
    const ns = (x: number): string => ((x * 1e6) / p.events).toFixed(0);
    log(`    ${labels[m]!.padEnd(20)} ${String(p.events).padStart(10)} ${ns(p.ms).padStart(11)} ${ns(p.cpuMs).padStart(10)} ${Math.round((p.events * 1000) / p.cpuMs).toLocaleString('en-US').padStart(13)} ${(p.cpuMs / parse.cpuMs).toFixed(2).padStart(13)}`);
  }
  const today = best['today']!;
  const engine = best['engine']!;
  log(`    engine vs today (CPU): ${(today.cpuMs / engine.cpuMs).toFixed(2)}x cheaper; the fast path read ${engine.fast} of ${engine.events} lines; engine state ${(engine.memory! / 2 ** 20).toFixed(0)} MiB`);
  log(`    outcomes today  ${JSON.stringify(today.outcomes)}`);
  log(`    outcomes engine ${JSON.stringify(engine.outcomes)}`);
  if (JSON.stringify(today.outcomes) !== JSON.stringify(engine.outcomes)) {
    log('    FAILED: the engine and today disagree on the outcomes');
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--measure') {
  const [file, rounds] = process.argv.slice(3) as [string, string];
  process.stdout.write(JSON.stringify(await measure(file, Number(rounds))) + '\n');
} else if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchEngine({ events: 1_000_000, ...(process.argv[2] !== undefined ? { file: process.argv[2] } : {}), rounds: Number(process.argv[3] ?? 3) });
}
