/**
 * The generated sandbox integration test (OUT/test/sandbox/) runs only in an AWS account, never
 * here; what it computes offline is checked here: it reads lakeformation/access-matrix.md back
 * into the matrix the spec gives (every example), writes rows of every table that hit both sides
 * of each row filter, edits a row filter in a copy of the project that then synthesizes a new
 * filter under a new name, signs its API calls with SigV4, and skips itself without LAKEC_SANDBOX.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrixFromModel, matrixJson } from '../../compiler/codegen/plan/access.ts';
import type { LakeModel } from '../../compiler/model/model.ts';
import { examples } from '../support/compile.ts';
import { buildExample, mergedTemplate, outRoot, standInJarContext, synthesize, type Template } from './support/out.ts';

const copies: string[] = [];
afterAll(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

interface Support {
  parseAccessMatrix(markdown: string): Map<string, Map<string, Map<string, string[]>>>;
  insertStatement(lake: unknown, d: unknown): string;
  filterLiterals(lake: unknown, dataset: string): string[];
  copyWithEditedFilter(project: string, lake: unknown, parent?: string): { dir: string; filter: string; before: string; after: string } | undefined;
  signedFetch(url: string, method: 'GET' | 'POST', credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string, body?: unknown): Promise<{ status: number; json: unknown }>;
}
interface LakeTs { lake: { name: string; datasets: { name: string; database: string; table: string; columns: { name: string }[]; hive?: { columns: { name: string }[]; partitionKeys: { name: string }[] } }[]; lakeFormation: { dataCellsFilters: { name: string; rowFilter: string }[] } } }

const built = new Map<string, { dir: string; model: LakeModel; support: Support; lake: LakeTs['lake'] }>();

beforeAll(async () => {
  for (const example of examples) {
    const { dir, model } = buildExample(example);
    const support = (await import(pathToFileURL(join(dir, 'test', 'sandbox', 'support.ts')).href)) as Support;
    const { lake } = (await import(pathToFileURL(join(dir, 'infra', 'lake.ts')).href)) as LakeTs;
    built.set(example, { dir, model, support, lake });
  }
}, 120_000);

/** The sandbox matrix in the shape of matrixJson's reads. */
function readsJson(m: Map<string, Map<string, Map<string, string[]>>>): unknown {
  const sortMap = <V>(map: Map<string, V>, f: (v: V) => unknown): Record<string, unknown> => Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, f(v)]));
  return sortMap(m, (ds) => sortMap(ds, (cols) => sortMap(cols, (rows) => [...rows].sort())));
}

describe.each(examples)('%s', (example) => {
  it('the sandbox test reads access-matrix.md back into the access matrix of the spec', () => {
    const { dir, model, support } = built.get(example)!;
    const parsed = support.parseAccessMatrix(readFileSync(join(dir, 'lakeformation', 'access-matrix.md'), 'utf8'));
    expect(readsJson(parsed)).toEqual((matrixJson(accessMatrixFromModel(model)) as { reads: unknown }).reads);
  });

  it('its rows fill every column of every table, and its strings take the row filters\' literals', () => {
    const { lake, support } = built.get(example)!;
    for (const d of lake.datasets) {
      const sql = support.insertStatement(lake, d);
      const columns = d.hive !== undefined ? [...d.hive.columns, ...d.hive.partitionKeys] : d.columns;
      expect(sql).toContain(`INSERT INTO "${d.database}"."${d.table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES `);
      const literals = support.filterLiterals(lake, d.name);
      expect(sql.match(/\), \(/g)?.length).toBe(Math.max(4, literals.length + 1) - 1);
      for (const l of literals) expect(sql).toContain(`'${l.replace(/'/g, "''")}'`);
    }
  });
});

it("an edited row filter in a copy of the project synthesizes a new filter under a new name, the old one gone", async () => {
  const { dir, support, lake } = built.get('examples/audit-surveillance.lake')!;
  // Under test/build/out, so the copy resolves the repository's node_modules as the project does.
  const copy = support.copyWithEditedFilter(dir, lake, outRoot)!;
  copies.push(copy.dir);
  expect(copy.before).toBe("venue <> 'TEST'");
  expect(copy.after).toBe("(venue <> 'TEST') AND trade_id IS NOT NULL");
  // The copy holds the app, not the project's tests: the stand-in Flink jar comes from the project.
  const t: Template = mergedTemplate(await synthesize(copy.dir, { bundling: false, context: await standInJarContext(dir) }));
  const filters = Object.values(t.Resources).filter((r) => r.Type === 'AWS::LakeFormation::DataCellsFilter').map((r) => [r.Properties!['Name'], r.Properties!['RowFilter'].FilterExpression]);
  expect(filters).toEqual([[copy.filter, copy.after]]);
  expect(JSON.stringify(t)).not.toContain(`"${lake.lakeFormation.dataCellsFilters[0]!.name}"`);
}, 120_000);

it('signs its catalog API requests with SigV4 for execute-api, session token included', async () => {
  const { support } = built.get('examples/audit-surveillance.lake')!;
  const seen: Record<string, string | string[] | undefined>[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets/trades/manifests`;
    const out = await support.signedFetch(url, 'POST', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' }, 'us-east-1', { from: '2024-05-01', to: '2024-05-02' });
    expect(out).toEqual({ status: 200, json: { ok: true } });
    expect(seen[0]!['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    expect(seen[0]!['x-amz-security-token']).toBe('token');
    expect(seen[0]!['x-amz-content-sha256'] ?? seen[0]!['x-amz-date']).toBeDefined();
  } finally {
    await new Promise((r) => server.close(r));
  }
});

it('skips itself (and deploys nothing) without LAKEC_SANDBOX=1', () => {
  const { dir } = built.get('examples/audit-surveillance.lake')!;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('LAKEC_SANDBOX') && !k.startsWith('npm_')));
  const r = spawnSync('npx', ['tsx', '--test', 'test/sandbox/sandbox.test.ts'], { cwd: dir, env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/# skipped 4/);
  expect(r.stdout).toMatch(/# fail 0/);
}, 60_000);
