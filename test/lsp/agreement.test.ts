/**
 * The editor agrees with the CLI: for every example file and folder (and for folders shaped like
 * the ones a team has on its first day: a spec beside its drafts, a multi-file lake, a stray
 * fragment among several lakes), the real `lakec lsp` process publishes exactly the diagnostics
 * `lakec check PATH` reports for the same path: codes, severities and ranges. A file path is opened
 * alone; a folder has all its `.lake` files opened.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakec } from '../cli/run.ts';
import { root } from '../support/compile.ts';
import { LspClient, uriOf } from './client.ts';

interface CliDiagnostic { code: string; severity: string; file: string; line: number; column: number; endLine: number; endColumn: number }

const severityNames: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info' };

/** The `.lake` files PATH names, as absolute paths: the file, or the folder's files. */
function filesOf(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).filter((n) => n.endsWith('.lake')).sort().map((n) => join(path, n)) : [path];
}

function cliLines(path: string): string[] {
  const r = lakec(['check', '--format', 'json', path]);
  expect(r.code === 0 || r.code === 1, `lakec check ${path}: exit ${r.code}\n${r.stderr}`).toBe(true);
  const out = JSON.parse(r.stdout) as { diagnostics: CliDiagnostic[] };
  return out.diagnostics.map((d) => `${d.code} ${d.severity} ${relative(root, resolve(root, d.file))}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}`).sort();
}

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start();
});

afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

/** Opens the files of PATH, waits until the server has published for them, and returns every diagnostic it shows. */
async function serverLines(path: string): Promise<string[]> {
  const files = filesOf(path);
  for (const f of files) await client.open(f, readFileSync(f, 'utf8'));
  for (const f of files) await client.diagnosticsAt(f, 1);
  // Diagnostics of a check go out together; a request answered after them proves they all arrived.
  await client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(files[0]!) } });
  const lines: string[] = [];
  for (const [uri, p] of client.diagnostics) {
    const file = relative(root, new URL(uri).pathname);
    for (const d of p.diagnostics) {
      lines.push(`${String(d.code)} ${severityNames[d.severity!]} ${file}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`);
    }
  }
  for (const f of files) await client.close(f);
  // Closing the last document of a lake clears what it showed: nothing may linger into the next case.
  await client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(files[0]!) } });
  const left = [...client.diagnostics.values()].filter((p) => p.diagnostics.length > 0).map((p) => p.uri);
  expect(left, 'diagnostics left after closing every document').toEqual([]);
  return lines.sort();
}

async function expectAgreement(path: string): Promise<string[]> {
  const cli = cliLines(path);
  expect(await serverLines(path)).toEqual(cli);
  return cli;
}

describe('the editor shows what lakec check reports', () => {
  const examples = join(root, 'examples');
  const paths = [
    examples,
    ...filesOf(examples),
    join(examples, 'iot-telemetry'),
    ...filesOf(join(examples, 'iot-telemetry')),
  ];
  for (const path of paths) {
    it(relative(root, path) || '.', async () => {
      const lines = await expectAgreement(path);
      // A folder of several lakes is not one lake: no "second lake", no declaration "declared twice".
      expect(lines.filter((l) => l.startsWith('LAKE1001') || l.startsWith('LAKE1002'))).toEqual([]);
    }, 60_000);
  }
});

describe('folders a team has on its first day', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-agree-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const claims = (persona: string): string =>
    `lake claims { region = "us-east-1" }\nzone curated { layer = curated }\n` +
    `dataset claims in curated { format = parquet; columns { claim_id string; paid_amount decimal(12, 2) } }\n` +
    `persona analysts { access = [athena]; identity = sso_group "Analysts" }\ngrant select on claims to ${persona}\n` +
    `persona loader { access = [api]; identity = iam_role "arn:aws:iam::111122223333:role/claims-export" }\ngrant insert on claims to loader\n`;

  it('a spec beside its draft copy: each file is a lake of its own', async () => {
    const dir = folder({ 'claims.lake': claims('analysts'), 'claims.v1.lake': claims('analyst') });
    expect(await expectAgreement(join(dir, 'claims.lake'))).toEqual([]);
    const draft = await expectAgreement(join(dir, 'claims.v1.lake'));
    expect(draft.map((l) => l.split(' ')[0])).toEqual(['LAKE1003']);
    await expectAgreement(dir);
  }, 60_000);

  it('a multi-file lake: any of its files stands for the whole folder', async () => {
    const dir = folder({
      'lake.lake': 'lake claims { region = "us-east-1" }\nzone curated { layer = curated }\n',
      'claims.lake': 'dataset claims in curated { format = parquet; columns { claim_id string } }\n',
      'access.lake': 'persona analysts { access = [athena]; identity = sso_group "Analysts" }\ngrant select on claims (claim_id, amount) to analysts\n' +
        'persona loader { access = [api]; identity = iam_role "arn:aws:iam::111122223333:role/claims-export" }\ngrant insert on claims to loader\n',
    });
    const whole = await expectAgreement(dir);
    expect(whole.map((l) => l.split(' ')[0])).toEqual(['LAKE1003']);
    for (const f of filesOf(dir)) expect(await expectAgreement(f)).toEqual(whole);
  }, 60_000);

  it('a binary file in a lake folder: reported once, from its bytes on disk', async () => {
    const dir = folder({ 'claims.lake': claims('analysts') });
    writeFileSync(join(dir, 'logo.lake'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const lines = await expectAgreement(join(dir, 'claims.lake'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['LAKE0011']);
  }, 60_000);

  it('a fragment among several lakes: checked alone, with a diagnostic that says why', async () => {
    const dir = folder({
      'claims.lake': claims('analysts'),
      'members.lake': claims('analysts').replace('lake claims', 'lake members'),
      'notes.lake': 'zone extra { layer = raw }\n',
    });
    const lines = await expectAgreement(join(dir, 'notes.lake'));
    expect(lines.map((l) => l.split(' ')[0])).toContain('LAKE0010');
    await expectAgreement(dir);
  }, 60_000);
});
