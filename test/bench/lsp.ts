/**
 * Language server benchmark, on the 10,000-line synthetic spec (test/bench/synthetic.ts), with the
 * real `lakec lsp` process over stdio (as an editor runs it):
 *
 * (a) diagnostics: the time from sending a `didChange` (one keystroke-sized edit, alternately
 *     breaking and repairing a grant) to receiving the diagnostics published for that version;
 *     the next edit follows after a typing pause of BENCH_LSP_PAUSE ms (default 150).
 * (b) completion: the round trip of a completion request, on a quiet document and right after a
 *     keystroke (the check of that keystroke is then still to come).
 * (c) next to them: the server's first check of the spec after opening it, and the CLI's cold
 *     `lakec check` of the same file (a fresh process, full parse).
 *
 * Targets: diagnostics under 100 ms p95, completion under 50 ms p95. Reported, never asserted.
 * Run alone with `npx tsx test/bench/lsp.ts` after `npm run build`, or as part of `npm run bench`.
 * BENCH_LSP_EDITS, BENCH_LSP_COMPLETIONS and BENCH_LSP_PAUSE override the defaults.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lakecBundle, LspClient, uriOf } from '../lsp/client.ts';
import { syntheticSpec } from './synthetic.ts';

const envInt = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, character: offset - last - 1 };
}

export async function benchLsp(): Promise<void> {
  const edits = envInt('BENCH_LSP_EDITS', 60);
  const completions = envInt('BENCH_LSP_COMPLETIONS', 60);
  const pause = envInt('BENCH_LSP_PAUSE', 150);
  const spec = syntheticSpec({ datasets: 400, seed: 1 });
  const lines = spec.split('\n').length;
  const dir = mkdtempSync(join(tmpdir(), 'lakec-bench-lsp-'));
  const path = join(dir, 'synthetic.lake');
  writeFileSync(path, spec);
  console.log(`Language server (lakec lsp over stdio) on the synthetic spec: ${lines.toLocaleString('en-US')} lines, 400 datasets`);

  const client = await LspClient.start();
  try {
    // ---------------------------------------------------------------- first check
    let t0 = performance.now();
    await client.open(path, spec);
    const first = await client.diagnosticsAt(path, 1);
    const firstMs = performance.now() - t0;
    if (first.some((d) => d.severity === 1)) throw new Error('the synthetic spec should have no errors');

    // ---------------------------------------------------------------- (a) didChange -> diagnostics
    // Grants are spread over the file; each edit misspells a persona, the next one repairs it.
    const grants = [...spec.matchAll(/^grant .* to (\w+)/gm)];
    let text = spec;
    const diag: number[] = [];
    for (let i = 0; i < edits; i++) {
      const g = grants[(Math.floor(i / 2) * 7919) % grants.length]!;
      const at = g.index + g[0].length - g[1]!.length;
      const pos = positionOf(text, at);
      const breaking = i % 2 === 0;
      const range = { start: pos, end: breaking ? pos : { line: pos.line, character: pos.character + 1 } };
      t0 = performance.now();
      const version = await client.edit(path, range, breaking ? 'x' : '');
      const published = await client.diagnosticsAt(path, version);
      diag.push(performance.now() - t0);
      text = breaking ? text.slice(0, at) + 'x' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      if (breaking !== published.some((d) => d.code === 'LAKE1003')) throw new Error('the edit did not change the diagnostics as expected');
      await sleep(pause);
    }

    // ---------------------------------------------------------------- (b) completion
    const spots = [
      ...[...text.matchAll(/^grant select on (\w+) \(/gm)].map((m) => m.index + m[0].length),
      ...[...text.matchAll(/^grant \w+ on /gm)].map((m) => m.index + m[0].length),
      ...[...text.matchAll(/^ {4}\w+ +/gm)].map((m) => m.index + m[0].length),
    ];
    const quiet: number[] = [];
    const typing: number[] = [];
    let empty = 0;
    for (let i = 0; i < completions; i++) {
      const at = spots[(i * 104729) % spots.length]!;
      const position = positionOf(text, at);
      t0 = performance.now();
      const items = await client.request<unknown[]>('textDocument/completion', { textDocument: { uri: uriOf(path) }, position });
      quiet.push(performance.now() - t0);
      if (items.length === 0) empty++;
      // Right after a keystroke: type a space at the cursor, ask, then take the space back.
      const version = await client.edit(path, { start: position, end: position }, ' ');
      t0 = performance.now();
      await client.request('textDocument/completion', { textDocument: { uri: uriOf(path) }, position: { line: position.line, character: position.character + 1 } });
      typing.push(performance.now() - t0);
      await client.diagnosticsAt(path, version);
      const undo = await client.edit(path, { start: position, end: { line: position.line, character: position.character + 1 } }, '');
      await client.diagnosticsAt(path, undo);
      await sleep(20);
    }

    // ---------------------------------------------------------------- (c) the CLI, cold
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      spawnSync(process.execPath, [lakecBundle, 'check', path], { encoding: 'utf8' });
      cold.push(performance.now() - t0);
    }

    const row = (name: string, xs: number[], target?: number): string =>
      `    ${name.padEnd(44)}p50 ${ms(percentile(xs, 50)).padStart(9)}  p95 ${ms(percentile(xs, 95)).padStart(9)}` +
      (target !== undefined ? `  target < ${target} ms p95: ${percentile(xs, 95) < target ? 'PASS' : 'MISS'}` : '');
    console.log(row(`(a) didChange -> diagnostics (${edits} edits)`, diag, 100));
    console.log(row(`(b) completion, quiet (${completions})`, quiet, 50));
    console.log(row(`    completion right after a keystroke`, typing, 50));
    console.log(`    (c) first check after opening: ${ms(firstMs)};  CLI cold lakec check of the same file: median ${ms(percentile(cold, 50))}`);
    if (empty > 0) console.log(`    note: ${empty} completion requests had no items`);
    if (loadavg()[0]! > cpus().length) console.log(`    note: the load average (${loadavg()[0]!.toFixed(2)}) exceeds the CPU count: timings are inflated`);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchLsp();
