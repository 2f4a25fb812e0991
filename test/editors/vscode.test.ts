/**
 * The VS Code extension packages into a .vsix with `@vscode/vsce` (offline: nothing is
 * published), and the package holds the grammar, the language configuration, the client and the
 * lake model's JSON Schema. CI installs editors/vscode's own dependencies (.ci/run); elsewhere the
 * test is skipped until `npm install` has run in that folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { primitiveTypes } from '../../compiler/semantic/symbols.ts';
import { root } from '../support/compile.ts';

const dir = join(root, 'editors/vscode');
const installed = existsSync(join(dir, 'node_modules/@vscode/vsce'));
if (!installed && process.env['CI'] !== undefined) throw new Error('CI must run npm install in editors/vscode (see .ci/run)');

/** The files of a zip archive (a .vsix is one), read from its central directory. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataStart, dataStart + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

it.skipIf(!installed)('vsce packages the extension with its grammar, client and schema', () => {
  const vsix = join(dir, 'lake-language.vsix');
  rmSync(vsix, { force: true });
  const r = spawnSync('npm', ['run', 'package'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  expect(existsSync(vsix)).toBe(true);
  const files = unzip(readFileSync(vsix));
  const grammar = JSON.parse(files.get('extension/syntaxes/lake.tmLanguage.json')!.toString()) as { scopeName: string };
  expect(grammar.scopeName).toBe('source.lake');
  const manifest = JSON.parse(files.get('extension/package.json')!.toString()) as { contributes: { languages: { id: string; extensions: string[] }[] } };
  expect(manifest.contributes.languages[0]).toMatchObject({ id: 'lake', extensions: ['.lake'] });
  expect(files.has('extension/language-configuration.json')).toBe(true);
  expect(files.has('extension/dist/extension.js')).toBe(true);
  expect(files.has('extension/readme.md') || files.has('extension/README.md')).toBe(true);
  const schema = files.get('extension/schemas/lake-model.schema.json')!.toString();
  expect(schema).toBe(readFileSync(join(root, 'compiler/model/lake-model.schema.json'), 'utf8'));
  // Only what the extension needs: no sources, no node_modules.
  expect([...files.keys()].filter((f) => f.includes('node_modules') || f.endsWith('.ts'))).toEqual([]);
}, 180_000);

it('the grammar and the language configuration know the language: its types and its comments', () => {
  const grammar = readFileSync(join(dir, 'syntaxes/lake.tmLanguage.json'), 'utf8');
  for (const t of primitiveTypes) expect(grammar).toContain(t);
  const config = JSON.parse(readFileSync(join(dir, 'language-configuration.json'), 'utf8')) as { comments: { lineComment: string; blockComment: string[] } };
  expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
});
