/**
 * Files that are not text, and source lines a terminal should not receive as they are: a binary or
 * non-UTF-8 file gets one diagnostic that says what is wrong and where; an excerpt never prints a
 * control character raw and is cut to a readable width around the span.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lakec } from './run.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-input-'));
  dirs.push(dir);
  writeFileSync(join(dir, name), content);
  for (const [n, t] of Object.entries(extra)) writeFileSync(join(dir, n), t);
  return join(dir, name);
}

interface JsonDiagnostic { code: string; severity: string; message: string; file: string; line: number; column: number }
const diagnostics = (path: string): JsonDiagnostic[] => (JSON.parse(lakec(['check', path, '--format', 'json']).stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;

const spec = 'lake shop {\n  region = "us-east-1"\n}\n';

describe('a file that is not UTF-8 text', () => {
  it('a binary file (NUL bytes): one diagnostic with the offset of the first NUL', () => {
    const bytes = Buffer.concat([Buffer.from('lake x'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0]), Buffer.from('zone')]);
    const path = file('image.lake', bytes);
    const ds = diagnostics(path);
    expect(ds.map((d) => `${d.code} ${d.severity} ${d.line}:${d.column}`)).toEqual(['LAKE0011 error 1:1']);
    expect(ds[0]!.message).toContain('NUL byte at byte offset 6');
    const text = lakec(['check', path]);
    expect(text.code).toBe(1);
    // The excerpt of a file that is not text is not printed.
    expect(text.stdout).not.toContain('lake x');
  });

  it('a Latin-1 file: one diagnostic with the offset and value of the first byte that is not UTF-8', () => {
    const path = file('latin1.lake', Buffer.concat([Buffer.from(spec + '/// Caf'), Buffer.from([0xe9]), Buffer.from('\nzone raw { layer = raw }\n')]));
    const ds = diagnostics(path);
    expect(ds.map((d) => d.code)).toEqual(['LAKE0011']);
    expect(ds[0]!.message).toContain(`invalid UTF-8 at byte offset ${Buffer.byteLength(spec + '/// Caf')} (0xE9)`);
  });

  it('a binary file beside a lake: the lake is checked and the file reported once', () => {
    const path = file('lake.lake', spec, {});
    writeFileSync(join(path, '..', 'blob.lake'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
    const ds = diagnostics(path);
    expect(ds.map((d) => `${d.code} ${d.file.split('/').pop()}`)).toEqual(['LAKE0011 blob.lake']);
  });

  it('UTF-8 with a byte order mark and non-ASCII text is text', () => {
    const path = file('bom.lake', '\ufeff' + spec + '/// Café, 日本, 🙂\nzone raw { layer = raw }\n');
    expect(diagnostics(path).map((d) => d.code)).not.toContain('LAKE0011');
  });
});

describe('source excerpts', () => {
  it('never print control characters raw', () => {
    // An escape sequence and a bell inside a comment, then a mistake on the same line.
    const path = file('ctl.lake', 'lake shop { region = "us-east-1" }\nzone raw { layer = bronze } // \x1b[2J\x07 \x1b]0;title\x07\n');
    const r = lakec(['check', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[LAKE1010]');
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.stdout).toContain('\\x1b[2J\\x07');
  });

  it('cut a very long line to a window around the span, the caret still under it', () => {
    const columns = Array.from({ length: 3000 }, (_v, i) => `c${i} string`).join('; ');
    const path = file('wide.lake', `${spec}zone raw { layer = raw }\ndataset wide in raw { format = parquet; columns { ${columns}; c1500 strng } }\n`);
    const r = lakec(['check', path]);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    const at = lines.findIndex((l) => l.includes('error[LAKE2001]'));
    const source = lines[at + 2]!;
    const caret = lines[at + 3]!;
    expect(source).toContain('…');
    const c = caret.indexOf('^');
    expect(source.slice(c, c + 5)).toBe('strng');
    expect(caret.slice(c)).toBe('^^^^^');
  });
});
