/**
 * The CLI as a real process on broken input: `lakec check FILE --format json` exits 1, prints
 * valid JSON whose 1-based lines and columns lie inside the file, and never a stack trace.
 * Runs the bundle (`npm test` builds it first; built here when missing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/compile.ts';

const lakec = join(root, 'compiler', 'dist', 'lakec.js');
let dir = '';

const valid = 'lake shop {\n  region = "us-east-1"\n}\n\nzone raw {\n  layer     = raw\n  retention = 30 days\n}\n';

/** Broken inputs: name -> file contents (a record value is a folder of files). */
const cases: Record<string, string | Record<string, string>> = {
  'unterminated-string.lake': 'lake shop {\n  region = "us-east-1\n}\n',
  'missing-brace.lake': 'lake shop {\n  region = "us-east-1"\n\nzone raw {\n  layer = raw\n}\n',
  'garbage.lake': 'lake \u0000shop {{{ ))) \u{1F642} "\n# % ^ ~\n/* never closed\n',
  'crlf-tabs.lake': 'lake shop {\r\n\tregion = "us-east-1"\r\n\tencryption = kmz\r\n}\r\n',
  'unknown-zone.lake': valid + '\ndataset orders in curatd {\n  columns { id string }\n}\n',
  'empty.lake': '',
  'bom.lake': '\ufeff' + valid + '\nzone raw { layer = raw }\n',
  'folder': { 'a.lake': valid, 'b.lake': 'dataset orders in raw {\n  columns { id strng }\n}\n' },
};

interface JsonDiagnostic {
  code: string; severity: string; message: string; file: string;
  line: number; column: number; endLine: number; endColumn: number; hint?: string;
}

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [lakec, ...args], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(lakec)) spawnSync(process.execPath, [join(root, 'compiler', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'lakec-robustness-'));
  for (const [name, content] of Object.entries(cases)) {
    if (typeof content === 'string') {
      writeFileSync(join(dir, name), content);
    } else {
      mkdirSync(join(dir, name));
      for (const [f, text] of Object.entries(content)) writeFileSync(join(dir, name, f), text);
    }
  }
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** The text of FILE as lakec reads it (a byte order mark is dropped). */
function textOf(file: string): string {
  const [name, inner] = file.split('/');
  const c = cases[name!]!;
  const text = typeof c === 'string' ? c : c[inner!]!;
  return text.replace(/^\ufeff/, '');
}

function insideFile(text: string, line: number, column: number): boolean {
  const lines = text.split('\n');
  return Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1]!.length + 1;
}

describe('lakec check on broken input, as a process', () => {
  for (const name of Object.keys(cases)) {
    it(`${name}: exit 1, valid JSON inside the file, no stack trace`, () => {
      const r = run(['check', name, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] };
      expect(out.diagnostics.length).toBeGreaterThan(0);
      expect(out.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      for (const d of out.diagnostics) {
        expect(d.code).toMatch(/^LAKE\d{4}$/);
        expect(d.code).not.toBe('LAKE0000');
        expect(d.message.trim()).not.toBe('');
        expect(['error', 'warning', 'info']).toContain(d.severity);
        const expectedFile = typeof cases[name] === 'string' ? name : undefined;
        if (expectedFile !== undefined) expect(d.file).toBe(expectedFile);
        else expect(d.file.startsWith(`${name}/`)).toBe(true);
        const text = textOf(d.file);
        expect(insideFile(text, d.line, d.column), `${d.code} at ${d.line}:${d.column}`).toBe(true);
        expect(insideFile(text, d.endLine, d.endColumn), `${d.code} ends at ${d.endLine}:${d.endColumn}`).toBe(true);
        expect(d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column)).toBe(true);
      }
    }, 30_000);
  }

  it('points at the right line and column in a CRLF file with tabs', () => {
    const out = JSON.parse(run(['check', 'crlf-tabs.lake', '--format', 'json']).stdout) as { diagnostics: JsonDiagnostic[] };
    const d = out.diagnostics.find((x) => x.code === 'LAKE1010');
    expect(d).toMatchObject({ line: 3, column: 15, endLine: 3, endColumn: 18 });
  }, 30_000);

  it('text output: exit 1, diagnostics on stdout, nothing on stderr', () => {
    const r = run(['check', 'garbage.lake']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/error\[LAKE\d{4}\]/);
    expect(r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 30_000);
});
