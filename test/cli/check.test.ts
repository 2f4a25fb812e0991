import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { examples } from '../support/compile.ts';
import { lakec } from './run.ts';

const broken = `lake shop {
  region = "eu-west-1"
}

zone curated {
  layer     = curated
  retension = 30 days
}
`;

/** The folders of `tempSpec`, removed when the file's tests are done. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tempSpec(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakec-cli-'));
  made.push(dir);
  const path = join(dir, 'spec.lake');
  writeFileSync(path, text);
  return path;
}

describe('lakec check', () => {
  for (const example of examples) {
    it(`accepts ${example} (exit 0, no errors)`, () => {
      const r = lakec(['check', example]);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toMatch(/error\[/);
      expect(r.code).toBe(0);
    });
  }

  it('prints errors like a compiler: file:line:col, code, the line underlined, the hint; exit 1', () => {
    const path = tempSpec(broken);
    const r = lakec(['check', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${path}:7:3: error[LAKE1008]: unknown zone item 'retension'`);
    expect(r.stdout).toContain('7 |   retension = 30 days');
    expect(r.stdout).toContain('  |   ^^^^^^^^^');
    expect(r.stdout).toContain("= hint: did you mean 'retention'?");
    expect(r.stdout).toContain('1 error, 0 warnings');
    // Not a TTY: no colour.
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('prints one JSON object with 1-based positions for --format json', () => {
    const path = tempSpec(broken);
    const r = lakec(['check', path, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: unknown[] };
    expect(out).toEqual({
      diagnostics: [{
        code: 'LAKE1008', severity: 'error', message: "unknown zone item 'retension'", file: path,
        line: 7, column: 3, endLine: 7, endColumn: 12, hint: "did you mean 'retention'?",
      }],
    });
  });

  it('prints an empty diagnostics list in JSON for a clean spec', () => {
    const r = lakec(['check', 'examples/retail-orders.lake', '--format=json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { diagnostics: unknown[] }).diagnostics.filter((d) => (d as { severity: string }).severity === 'error')).toEqual([]);
  });

  it('emits the model as JSON and YAML', () => {
    const json = lakec(['check', 'examples/audit-surveillance.lake', '--emit-model']);
    expect(json.code).toBe(0);
    const model = JSON.parse(json.stdout) as { lake: { name: string } };
    expect(model.lake.name).toBe('audit_surveillance');
    const yaml = lakec(['check', 'examples/audit-surveillance.lake', '--emit-model', '--format', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout)).toEqual(model);
  });

  it('emits no model for a spec with errors, diagnostics on stderr', () => {
    const r = lakec(['check', tempSpec(broken), '--emit-model']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('LAKE1008');
  });

  it('checks a folder as one lake', () => {
    const r = lakec(['check', 'examples/iot-telemetry', '--format', 'json']);
    expect(r.code).toBe(0);
  });

  it('exits 2 on usage errors', () => {
    expect(lakec(['check']).code).toBe(2);
    expect(lakec(['check', 'a.lake', 'b.lake']).code).toBe(2);
    const unknownFlag = lakec(['check', 'examples/retail-orders.lake', '--frobnicate']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("unknown option '--frobnicate'");
    expect(lakec(['check', 'examples/retail-orders.lake', '--format', 'xml']).code).toBe(2);
    expect(lakec(['check', 'examples/retail-orders.lake', '--format', 'yaml']).code).toBe(2);
    expect(lakec(['frobnicate']).code).toBe(2);
  });

  it('reports a missing path as LAKE0004 and exits 2', () => {
    const r = lakec(['check', 'no/such/spec.lake', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('LAKE0004');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('lakec explain and help', () => {
  it('explains a code with an example', () => {
    const r = lakec(['explain', 'LAKE1003']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('LAKE1003 (error): unknown name');
    expect(r.stdout).toContain('Example:');
  });

  it('accepts a bare number and lists every code', () => {
    expect(lakec(['explain', '1008']).stdout).toContain('LAKE1008');
    const list = lakec(['explain', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('LAKE0002');
  });

  it('rejects an unknown code with exit 2', () => {
    const r = lakec(['explain', 'LAKE9999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no diagnostic code 'LAKE9999'");
  });

  for (const command of ['check', 'explain']) {
    it(`shows --help for ${command}`, () => {
      const r = lakec([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: lakec ${command}`);
    });
  }

  it('shows the global help and the version', () => {
    expect(lakec(['--help']).stdout).toContain('usage: lakec COMMAND');
    expect(lakec(['--version']).stdout).toMatch(/^lakec \d+\.\d+\.\d+\n$/);
    expect(lakec([]).code).toBe(2);
  });
});
