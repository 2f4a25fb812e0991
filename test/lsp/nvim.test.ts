/**
 * A real editor as the client: Neovim (`nvim --headless`, its built-in LSP client) starts
 * `lakec lsp`, opens a spec with an error, and writes the diagnostics it received to a file.
 * CI installs Neovim (.ci/run); elsewhere the test is skipped when `nvim` is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { root } from '../support/compile.ts';
import { lakecBundle } from './client.ts';

const hasNvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasNvim && process.env['CI'] !== undefined) throw new Error('CI must install Neovim for the editor test (see .ci/run)');

interface Received { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; code: string; message: string; source: string }

it.skipIf(!hasNvim)('Neovim receives the diagnostics of a spec with an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-nvim-'));
  try {
    const spec = readFileSync(join(root, 'examples/retail-orders.lake'), 'utf8');
    const broken = spec.replace(/grant select on (\w+) to (\w+)/, 'grant select on $1 to $2_typo');
    expect(broken).not.toBe(spec);
    const path = join(dir, 'orders.lake');
    writeFileSync(path, broken);
    const out = join(dir, 'received.json');
    const r = spawnSync('nvim', ['--headless', '--clean', '-u', join(root, 'test/lsp/nvim/init.lua'), path], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, LAKEC_LSP_CMD: JSON.stringify([process.execPath, lakecBundle, 'lsp']), LAKEC_LSP_OUT: out },
    });
    expect(r.status, `nvim: ${r.stderr}${r.stdout}`).toBe(0);
    const received = JSON.parse(readFileSync(out, 'utf8')) as Received[];
    const typo = received.find((d) => d.code === 'LAKE1003');
    expect(typo, JSON.stringify(received)).toBeDefined();
    expect(typo!.severity).toBe(1);
    expect(typo!.source).toBe('lakec');
    expect(typo!.message).toContain('_typo');
    const line = broken.split('\n').findIndex((l) => l.includes('_typo'));
    expect(typo!.lnum).toBe(line);
    expect(typo!.col).toBe(broken.split('\n')[line]!.indexOf(broken.split('\n')[line]!.match(/\w+_typo/)![0]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
