/**
 * HEAVY (about a minute): a property over random small valid specs. Each is built, its CDK app
 * synthesized (template validation and cdk-nag on), and the access matrix computed twice: from
 * the model (the spec's grants) and from the synthesized template's Lake Formation resources.
 * They must be equal, an `except @classification` grant must never reach a column with that
 * classification, a bi-temporal table's system columns are read exactly when the grant gives
 * them (named in a column list, or not excluded), and a column added after the deployment
 * (untagged, or with a label) must reach only the personas whose grants read whole tables: a
 * label-based grant fails closed.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { accessMatrixFromModel, matrixJson } from '../../compiler/codegen/plan/access.ts';
import { compileText } from '../support/compile.ts';
import { buildModel, mergedTemplate, synthesize } from './support/out.ts';
import { lfTagKey } from '../../compiler/codegen/plan/names.ts';
import { accessMatrixFromTemplate, expectedNewColumnReaders, readersOf } from './support/templateMatrix.ts';

const columnTypes = ['string', 'long', 'int', 'date', 'timestamp', 'double', 'boolean', 'decimal(10, 2)'] as const;
const classifications = ['pii', 'secret'] as const;

interface ColumnSpec { type: string; optional: boolean; classes: string[] }
interface DatasetSpec { zone: number; format: 'iceberg' | 'parquet' | 'json'; bitemporal: boolean; partition: 'none' | 'bucket' | 'identity'; columns: ColumnSpec[] }
interface GrantSpec { selection: 'all' | 'columns' | 'except' | 'except_cls'; pick: boolean[]; cls: number; privileges: string[]; filter: 'none' | 'not_null' | 'not_x' }
interface PersonaSpec { access: string[]; sso: boolean; grants: (GrantSpec | null)[]; zoneGrant: string[] }
interface Spec { zones: string[]; datasets: DatasetSpec[]; personas: PersonaSpec[] }

const column = fc.record({
  type: fc.constantFrom(...columnTypes),
  optional: fc.boolean(),
  classes: fc.subarray([...classifications]),
});

const dataset = fc.record({
  zone: fc.nat(1),
  format: fc.constantFrom('iceberg' as const, 'parquet' as const, 'json' as const),
  bitemporal: fc.boolean(),
  partition: fc.constantFrom('none' as const, 'bucket' as const, 'identity' as const),
  columns: fc.array(column, { minLength: 1, maxLength: 4 }),
});

const grant = fc.record({
  selection: fc.constantFrom('all' as const, 'columns' as const, 'except' as const, 'except_cls' as const),
  pick: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  cls: fc.nat(1),
  privileges: fc.subarray(['describe', 'alter', 'insert', 'delete', 'drop', 'all']),
  filter: fc.constantFrom('none' as const, 'not_null' as const, 'not_x' as const),
});

const persona = fc.record({
  access: fc.subarray(['athena', 'quicksight', 'api'], { minLength: 1 }),
  sso: fc.boolean(),
  grants: fc.array(fc.option(grant, { nil: null }), { minLength: 3, maxLength: 3 }),
  zoneGrant: fc.subarray(['describe', 'alter', 'drop', 'all']),
});

const spec: fc.Arbitrary<Spec> = fc.record({
  zones: fc.constantFrom(['raw', 'curated'], ['landing', 'serving']),
  datasets: fc.array(dataset, { minLength: 1, maxLength: 3 }),
  personas: fc.array(persona, { minLength: 1, maxLength: 3 }),
});

/** The spec text, valid by construction (bi-temporal datasets are Iceberg; no archive; only select is restricted). */
function specText(s: Spec): string {
  const lines = ['lake prop_lake { region = "eu-west-1"; encryption = kms }'];
  s.zones.forEach((z, i) => lines.push(`zone ${z} { layer = ${i === 0 ? 'raw' : 'curated'}; retention = ${i + 1} years }`));
  for (const c of classifications) lines.push(`/// Label ${c}.\nclassification ${c}`);
  const bitemporal = s.datasets.some((d) => d.bitemporal);
  if (bitemporal) lines.push('stream events { partition_key = id; shards = on_demand }');
  const columnsOf: string[][] = [];
  const classesOf: Map<string, string[]>[] = [];
  s.datasets.forEach((d, i) => {
    const bt = d.bitemporal;
    const cols = [`id string`, ...d.columns.map((c, j) => `c${j} ${c.type}${c.optional ? '?' : ''}${c.classes.map((x) => ` @${x}`).join('')}`)];
    if (bt) cols.push('valid_from timestamp', 'valid_to timestamp?', 'recorded_at timestamp');
    // An identity partition gets its own column: row filters name `id`, and Lake Formation filters
    // cannot test a partition column for null.
    const identity = d.partition === 'identity' && !bt;
    if (identity) cols.push('region string');
    // A grant may also name (or except) the system columns lakec adds to a bi-temporal table.
    columnsOf.push([...cols.map((c) => c.split(' ')[0]!), ...(bt ? ['system_from', 'system_to'] : [])]);
    classesOf.push(new Map([['id', []], ...d.columns.map((c, j) => [`c${j}`, c.classes] as [string, string[]]), ['valid_from', []], ['valid_to', []], ['recorded_at', []], ['region', []], ['system_from', []], ['system_to', []]]));
    const body = [
      ...(bt ? ['  from stream events'] : []),
      `  format = ${bt ? 'iceberg' : d.format}`,
      `  columns {\n${cols.map((c) => `    ${c}`).join('\n')}\n  }`,
      ...(bt ? ['  key (id)', '  bitemporal { valid = valid_from .. valid_to; system = recorded_at }'] : []),
      ...(d.partition === 'bucket' ? ['  partition by bucket(8, id)'] : identity ? ['  partition by identity(region)'] : []),
    ];
    lines.push(`/// Dataset ${i}.\ndataset d${i} in ${s.zones[d.zone]} {\n${body.join('\n')}\n}`);
  });
  s.personas.forEach((p, i) => {
    const identity = p.sso ? `sso_group "Group-${i}"` : `iam_role "arn:aws:iam::111122223333:role/persona-${i}"`;
    lines.push(`persona p${i} { access = [${p.access.join(', ')}]; identity = ${identity} }`);
    p.grants.forEach((g, di) => {
      if (g === null || di >= s.datasets.length) return;
      const cols = columnsOf[di]!;
      const picked = cols.filter((_, k) => g.pick[k % g.pick.length]);
      let target = `d${di}`;
      if (g.selection === 'columns' && picked.length > 0) target += ` (${picked.join(', ')})`;
      else if (g.selection === 'except' && picked.length > 0 && picked.length < cols.length) target += ` except (${picked.join(', ')})`;
      else if (g.selection === 'except_cls') {
        const cls = classifications[g.cls]!;
        const left = cols.filter((c) => !(classesOf[di]!.get(c) ?? []).includes(cls));
        if (left.length > 0) target += ` except @${cls}`;
      }
      const filter = g.filter === 'none' ? '' : g.filter === 'not_null' ? ' where id is not null' : " where id <> 'x'";
      const restricted = target !== `d${di}` || filter !== '';
      const privileges = restricted ? ['select'] : ['select', ...g.privileges];
      lines.push(`grant ${privileges.join(', ')} on ${target} to p${i}${filter}`);
    });
    if (p.zoneGrant.length > 0) lines.push(`grant ${p.zoneGrant.join(', ')} on zone ${s.zones[0]} to p${i}`);
  });
  return lines.join('\n') + '\n';
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it('the template grants exactly what the spec says, and except @label never reaches a labelled column', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(spec, async (s) => {
      const text = specText(s);
      const c = compileText(text, 'prop.lake');
      const errors = c.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) throw new Error(`the generator wrote an invalid spec (${errors.map((e) => `${e.code} ${e.message}`).join('; ')}):\n${text}`);
      const model = c.model!;
      const dir = buildModel(model, `prop-${process.pid}-${n++}`);
      dirs.push(dir);
      // Grants do not depend on the functions' code: no bundling, to keep a hundred syntheses fast.
      const merged = mergedTemplate(await synthesize(dir, { bundling: false }));
      const fromTemplate = accessMatrixFromTemplate(merged);
      expect(matrixJson(fromTemplate)).toEqual(matrixJson(accessMatrixFromModel(model)));
      // A column added after the deployment, untagged or labelled: only grants on the whole table
      // (or with named exclusions) reach it; an `except @label` grant never does, whatever its label.
      const expected = expectedNewColumnReaders(model);
      for (const label of [undefined, ...classifications]) {
        const tags = label === undefined ? {} : { [lfTagKey(model.lake.name, label)]: 'true' };
        const readers = readersOf(accessMatrixFromTemplate(merged, { name: 'added_later', tags }), 'added_later');
        expect(readers, `a new ${label === undefined ? 'untagged' : `@${label}`} column\n${text}`).toEqual(expected);
      }
      // At most one grant per persona and dataset: what the persona reads is what that grant gives.
      for (const g of model.grants) {
        if (g.target.kind !== 'dataset' || g.target.selection.kind !== 'except_classification') continue;
        const label = g.target.selection.classification;
        const d = model.datasets.find((x) => x.name === (g.target.kind === 'dataset' ? g.target.dataset : ''))!;
        const labelled = d.columns.filter((col) => col.classifications.includes(label)).map((col) => col.name);
        const reads = fromTemplate.reads.get(g.persona)?.get(d.name);
        for (const col of labelled) expect(reads?.has(col) ?? false, `${g.persona} reads @${label} column ${d.name}.${col}\n${text}`).toBe(false);
      }
      for (const g of model.grants) {
        if (g.target.kind !== 'dataset' || !g.privileges.some((p) => p === 'select' || p === 'all')) continue;
        const d = model.datasets.find((x) => x.name === (g.target.kind === 'dataset' ? g.target.dataset : ''))!;
        if (d.bitemporal === undefined) continue;
        const s = g.target.selection;
        const reads = fromTemplate.reads.get(g.persona)?.get(d.name);
        for (const col of ['system_from', 'system_to']) {
          const given = s.kind === 'columns' ? s.columns.includes(col) : s.kind === 'except' ? !s.columns.includes(col) : true;
          expect(reads?.has(col) ?? false, `${g.persona} ${given ? 'cannot read' : 'reads'} ${d.name}.${col}\n${text}`).toBe(given);
        }
      }
    }),
    { numRuns: Number(process.env['LAKEC_PROPERTY_RUNS'] ?? 12) },
  );
}, 600_000);
