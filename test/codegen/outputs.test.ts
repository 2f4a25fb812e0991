/**
 * What `lakec build` writes, for every example: the Glue and Lake Formation inputs are valid
 * against botocore's service models; output is byte-identical from build to build and free of
 * absolute paths; `lakec build --check` (the CLI as a real process) catches a hand edit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutHeader, type GeneratedFile } from '../../compiler/codegen/files.ts';
import { generate } from '../../compiler/codegen/generate.ts';
import { awsSdkClients, pinned, runtimeDependencies } from '../../compiler/codegen/project/versions.ts';
import { compileAt, examples, root } from '../support/compile.ts';

const lakec = join(root, 'compiler', 'dist', 'lakec.js');

function build(example: string, version = '0.1.0'): GeneratedFile[] {
  const model = compileAt(example).model!;
  return generate({ model, specName: example.split('/').pop()!, lakecVersion: version });
}

function json(f: GeneratedFile): Record<string, unknown> {
  return withoutHeader(JSON.parse(f.content) as Record<string, unknown>);
}

function tree(dir: string, base = dir, out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tree(p, base, out);
    else out.set(p.slice(base.length + 1), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('Glue and Lake Formation inputs', () => {
  it('are valid against the Glue and Lake Formation input shapes of botocore', () => {
    const inputs: { name: string; service: string; operation: string; params: unknown }[] = [];
    for (const example of examples) {
      const files = build(example);
      const glue = files.filter((f) => f.path.startsWith('glue/'));
      expect(glue.length).toBe(compileAt(example).model!.datasets.length);
      for (const f of glue) inputs.push({ name: `${example}:${f.path}`, service: 'glue', operation: 'CreateTable', params: json(f) });
      const lf = (path: string): Record<string, unknown> => json(files.find((f) => f.path === path)!);
      inputs.push({ name: `${example}:permissions.json`, service: 'lakeformation', operation: 'BatchGrantPermissions', params: lf('lakeformation/permissions.json') });
      for (const [i, p] of (lf('lakeformation/data-cells-filters.json')['CreateDataCellsFilter'] as unknown[]).entries()) inputs.push({ name: `${example}:filter ${i}`, service: 'lakeformation', operation: 'CreateDataCellsFilter', params: p });
      const tags = lf('lakeformation/lf-tags.json');
      for (const [i, p] of (tags['CreateLFTag'] as unknown[]).entries()) inputs.push({ name: `${example}:tag ${i}`, service: 'lakeformation', operation: 'CreateLFTag', params: p });
      for (const [i, p] of (tags['AddLFTagsToResource'] as unknown[]).entries()) inputs.push({ name: `${example}:tagging ${i}`, service: 'lakeformation', operation: 'AddLFTagsToResource', params: p });
    }
    const r = spawnSync('python3', [join(root, 'test', 'build', 'botocore_validate.py')], { input: JSON.stringify(inputs), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`botocore is required (pip install botocore; CI installs it in .ci/run):\n${r.stderr}`);
    const result = JSON.parse(r.stdout) as { botocore: string; problems: Record<string, string[]> };
    expect(result.problems).toEqual({});
    expect(inputs.length).toBeGreaterThan(20);
  }, 60_000);

  it("grant every permission of the reference spec, each entry with an id and no grant option but the deploy role's own", () => {
    const files = build('examples/audit-surveillance.lake');
    const entries = json(files.find((f) => f.path === 'lakeformation/permissions.json')!)['Entries'] as { Id: string; Principal: { DataLakePrincipalIdentifier: string }; Resource: Record<string, any>; Permissions: string[]; PermissionsWithGrantOption: string[] }[];
    expect(new Set(entries.map((e) => e.Id)).size).toBe(entries.length);
    for (const e of entries) {
      const own = e.Principal.DataLakePrincipalIdentifier === 'arn:aws:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-us-east-1';
      expect(e.PermissionsWithGrantOption, e.Id).toEqual(own ? ['ALL'] : []);
    }
    const business = entries.find((e) => e.Id === 'business_users.trades.columns')!;
    expect(business.Resource['LFTagPolicy']).toEqual({ CatalogId: '${AWS::AccountId}', ResourceType: 'TABLE', Expression: [{ TagKey: 'audit_surveillance:dataset', TagValues: ['trades'] }, { TagKey: 'audit_surveillance.pii', TagValues: ['false'] }] });
    const service = entries.find((e) => e.Id === 'compliance_service.trades.rows')!;
    expect(service.Resource['DataCellsFilter'].Name).toMatch(/^compliance_service_trades_[0-9a-f]{8}$/);
    const filter = (json(files.find((f) => f.path === 'lakeformation/data-cells-filters.json')!)['CreateDataCellsFilter'] as { TableData: any }[])[0]!.TableData;
    expect(filter.RowFilter.FilterExpression).toBe("venue <> 'TEST'");
    expect(filter.ColumnNames).toEqual(['trade_id', 'symbol', 'side', 'quantity', 'price', 'valid_from', 'valid_to']);
  });

  it('describe an Iceberg table with its key as identifier fields and its partition transforms', () => {
    const trades = json(build('examples/audit-surveillance.lake').find((f) => f.path === 'glue/curated.trades.json')!) as any;
    const input = trades.OpenTableFormatInput.IcebergInput.CreateIcebergTableInput;
    const ids = new Map((input.Schema.Fields as { Id: number; Name: string }[]).map((f) => [f.Name, f.Id]));
    expect(input.Schema.IdentifierFieldIds).toEqual([ids.get('trade_id'), ids.get('valid_from'), ids.get('system_from')]);
    expect(input.PartitionSpec.Fields.map((f: { Transform: string }) => f.Transform)).toEqual(['day', 'bucket[16]']);
    expect(trades.TableInput.StorageDescriptor.Columns.at(-2)).toMatchObject({ Name: 'system_from', Type: 'timestamp' });
    expect(trades.TableInput.Parameters.table_type).toBe('ICEBERG');
  });
});

describe('the output', () => {
  it('is byte-identical from build to build and names no absolute path', () => {
    for (const example of examples) {
      const a = build(example);
      const b = build(example);
      expect(b).toEqual(a);
      for (const f of a) expect(f.content.includes(root), f.path).toBe(false);
    }
  });

  it('depends on public packages only, pinned to the versions lakec itself is tested with', () => {
    const installed = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    for (const [name, version] of Object.entries({ ...pinned, ...runtimeDependencies })) expect(installed(name), name).toBe(version);
    for (const [p, v] of Object.entries(awsSdkClients)) expect(installed(p), p).toBe(v);
    const pkg = JSON.parse(build('examples/audit-surveillance.lake').find((f) => f.path === 'package.json')!.content) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    // No `lakec` package (unpublished; the name is not lakec's on the public registry): the
    // runtime is vendored in lakec/, and only what it imports is a dependency.
    expect(pkg.dependencies).toEqual(runtimeDependencies);
    expect(Object.keys(pkg.devDependencies).filter((d) => /lakec/.test(d))).toEqual([]);
    for (const [p, v] of Object.entries(awsSdkClients)) expect(pkg.devDependencies[p]).toBe(v);
    for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) expect(v).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });
});

describe('lakec build (CLI)', () => {
  it('writes the same bytes twice, and --check catches a hand edit, a deleted file and reports up to date', () => {
    const one = mkdtempSync(join(tmpdir(), 'lakec-build-'));
    const two = mkdtempSync(join(tmpdir(), 'lakec-build-'));
    const run = (args: string[]): { status: number | null; stdout: string } => {
      const r = spawnSync(process.execPath, [lakec, ...args], { cwd: root, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout };
    };
    expect(run(['build', 'examples/audit-surveillance.lake', '-o', one]).status).toBe(0);
    expect(run(['build', 'examples/audit-surveillance.lake', '-o', two]).status).toBe(0);
    expect(tree(two)).toEqual(tree(one));
    expect(run(['build', 'examples/audit-surveillance.lake', '-o', one, '--check'])).toMatchObject({ status: 0 });

    rmSync(join(one, 'glue', 'curated.trades.json'));
    const edited = readFileSync(join(one, 'lakeformation', 'permissions.json'), 'utf8').replace('"SELECT"', '"ALL"');
    writeFileSync(join(one, 'lakeformation', 'permissions.json'), edited);
    const check = run(['build', 'examples/audit-surveillance.lake', '-o', one, '--check']);
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('changed  lakeformation/permissions.json');
    expect(check.stdout).toContain('missing  glue/curated.trades.json');
    // --check wrote nothing.
    expect(readFileSync(join(one, 'lakeformation', 'permissions.json'), 'utf8')).toBe(edited);
  }, 60_000);

  it('refuses to generate from a spec with errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakec-bad-'));
    try {
      writeFileSync(join(dir, 'bad.lake'), 'lake x { region = "eu-west-1" }\nzone raw { layer = bronze }\n');
      const r = spawnSync(process.execPath, [lakec, 'build', join(dir, 'bad.lake'), '-o', join(dir, 'out')], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('nothing was generated');
      expect(() => statSync(join(dir, 'out'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
