/**
 * How `lakec` finds a lake's files from a path (driver/sources.ts; the language server uses the
 * same function, test/lsp/agreement.test.ts): a folder is one lake when its .lake files declare
 * at most one lake, otherwise one lake per file; a file stands for the lake it belongs to.
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

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-lakes-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const claims = 'lake claims { region = "us-east-1" }\nzone curated { layer = curated }\n' +
  'dataset claims in curated { format = parquet; columns { claim_id string } }\n' +
  'persona analysts { access = [athena]; identity = sso_group "Analysts" }\ngrant select on claims to analysts\n' +
  // Its loader: a dataset without a stream that nothing may load gets LAKE6120.
  'persona loader { access = [api]; identity = iam_role "arn:aws:iam::111122223333:role/claims-export" }\ngrant insert on claims to loader\n';

const codes = (stdout: string): string[] => (JSON.parse(stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);

describe('a folder of several lakes', () => {
  it('lakec check examples checks each file as its own lake: no "second lake", nothing "declared twice"', () => {
    const r = lakec(['check', 'examples', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(codes(r.stdout).filter((c) => c === 'LAKE1001' || c === 'LAKE1002')).toEqual([]);
    expect(lakec(['check', 'examples']).stdout).toMatch(/1 error|0 errors/);
  });

  it('lakec build and run on such a folder are usage errors that name the lakes', () => {
    const out = join(folder({}), 'out');
    const r = lakec(['build', 'examples', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'examples' holds 2 lakes, one per file (audit-surveillance.lake, retail-orders.lake)");
    expect(r.stderr).toContain('examples/audit-surveillance.lake');
    const q = lakec(['query', 'examples', 'SELECT 1']);
    expect(q.code).toBe(2);
    expect(q.stderr).toContain('holds 2 lakes');
  });

  it('a spec beside its draft copy is checked alone, and so is the draft', () => {
    const dir = folder({ 'claims.lake': claims, 'claims.v1.lake': claims.replace('to analysts', 'to analyst') });
    const spec = lakec(['check', join(dir, 'claims.lake')]);
    expect(spec.stdout).toBe(`${join(dir, 'claims.lake')}: no problems found\n`);
    expect(spec.code).toBe(0);
    expect(codes(lakec(['check', join(dir, 'claims.v1.lake'), '--format', 'json']).stdout)).toEqual(['LAKE1003']);
  });

  it('a file that declares no lake among several lakes gets LAKE0010, saying why it is alone', () => {
    const dir = folder({ 'claims.lake': claims, 'members.lake': claims.replace('lake claims', 'lake members'), 'notes.lake': 'zone extra { layer = raw }\n' });
    const r = lakec(['check', join(dir, 'notes.lake')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('warning[LAKE0010]: notes.lake declares no lake and is checked on its own: its folder holds 2 lakes (claims.lake, members.lake)');
  });
});

describe('a folder that is one lake', () => {
  it('a file of a multi-file lake is checked with its whole folder', () => {
    const r = lakec(['check', 'examples/iot-telemetry/devices.lake']);
    expect(r.code).toBe(0);
    // The folder's only finding is in zones.lake (the archive Athena skips, which the example shows).
    expect(codes(lakec(['check', 'examples/iot-telemetry/devices.lake', '--format', 'json']).stdout)).toEqual(['LAKE4010']);
    expect(r.stdout).toContain('examples/iot-telemetry/zones.lake:9:15: warning[LAKE4010]');
    const alone = folder({ 'lake.lake': claims.split('\n').slice(0, 2).join('\n') + '\n', 'claims.lake': claims.split('\n').slice(2).join('\n') });
    expect(lakec(['check', join(alone, 'claims.lake')]).stdout).toBe(`${join(alone, 'claims.lake')}: no problems found (checked with the lake of its folder ${alone}: 2 files)\n`);
  });

  it('a file without a lake declaration next to the one that has it is part of that lake', () => {
    const dir = folder({ 'lake.lake': 'lake claims { region = "us-east-1" }\nzone curated { layer = curated }\n', 'claims.lake': 'dataset claims in curated { format = parquet; columns { claim_id string } }\n' });
    const r = lakec(['check', join(dir, 'claims.lake'), '--format', 'json']);
    // The dataset nobody reads (LAKE6101) or loads (LAKE6120) is the only finding: the zone and
    // the lake come from lake.lake.
    expect(codes(r.stdout)).toEqual(['LAKE6101', 'LAKE6120']);
    expect(lakec(['check', dir, '--format', 'json']).stdout).toBe(r.stdout);
  });
});
