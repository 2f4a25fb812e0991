/**
 * The access matrix read back from a synthesized template's Lake Formation resources (pass the
 * merged template of an app with nested stacks: test/build/support/out.ts), knowing
 * nothing of the spec: roles tagged `lakec:persona`, tables (Glue tables and Iceberg custom
 * resources) with their columns, data cells filters, LF-Tag associations and every
 * AWS::LakeFormation::PrincipalPermissions. A grant on an LF-Tag expression reaches the columns
 * whose effective tags match it, as Lake Formation evaluates them: a column's own value of a key,
 * else its table's, else its database's.
 *
 * `added` simulates a column added to every table after the deployment (by a migration or a
 * writer's schema evolution) with the given LF-Tags of its own (none: it inherits), to see who
 * could read it before the next deployment.
 */
import { MatrixBuilder, type AccessMatrix } from '../../../compiler/codegen/plan/access.ts';
import type { LakeModel } from '../../../compiler/model/model.ts';
import type { Template } from './out.ts';

interface Table { readonly dataset: string; readonly database: string; readonly columns: readonly string[] }

/** A string, or an `Fn::Join` of strings and references (references become `<ref>`), as text. */
export function flattenJoin(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((x) => (typeof x === 'string' ? x : typeof x === 'object' && x !== null && !('Fn::Join' in x) ? '<ref>' : flattenJoin(x))).join(sep);
  }
  return '<ref>';
}

/** A column added to every table after the deployment, with its own LF-Tag values. */
export interface AddedColumn {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

export function accessMatrixFromTemplate(template: Template, added?: AddedColumn): AccessMatrix {
  const resources = Object.entries(template.Resources);
  const personaOfRole = new Map<string, string>();
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const tag = (r.Properties?.['Tags'] as { Key: string; Value: string }[] | undefined)?.find((t) => t.Key === 'lakec:persona');
    if (tag !== undefined) personaOfRole.set(id, tag.Value);
  }
  const tables = new Map<string, Table>();
  for (const [, r] of resources) {
    if (r.Type === 'AWS::Glue::Table') {
      const input = r.Properties!['TableInput'];
      const columns = [...input.StorageDescriptor.Columns, ...(input.PartitionKeys ?? [])].map((c: { Name: string }) => c.Name);
      tables.set(`${r.Properties!['DatabaseName']}.${input.Name}`, { dataset: input.Name, database: r.Properties!['DatabaseName'], columns: [...columns, ...(added !== undefined ? [added.name] : [])] });
    } else if (r.Type === 'Custom::IcebergTable') {
      // The Glue CreateTable input, as JSON text (the location inside it is a CloudFormation join).
      const p = r.Properties!;
      const input = JSON.parse(flattenJoin(p['Input'])) as { TableInput: { StorageDescriptor: { Columns: { Name: string }[] } } };
      tables.set(`${p['Database']}.${p['Table']}`, { dataset: p['Table'], database: p['Database'], columns: [...input.TableInput.StorageDescriptor.Columns.map((c) => c.Name), ...(added !== undefined ? [added.name] : [])] });
    }
  }
  const filters = new Map<string, { rowFilter: string; columns?: string[]; excluded?: string[] }>();
  for (const [, r] of resources) {
    if (r.Type !== 'AWS::LakeFormation::DataCellsFilter') continue;
    const p = r.Properties!;
    filters.set(`${p['DatabaseName']}.${p['TableName']}.${p['Name']}`, {
      rowFilter: p['RowFilter'].FilterExpression,
      ...(p['ColumnNames'] !== undefined ? { columns: p['ColumnNames'] } : { excluded: p['ColumnWildcard']?.ExcludedColumnNames ?? [] }),
    });
  }
  // LF-Tag values by resource: `db`, `db.table`, `db.table.column`.
  const tagValues = new Map<string, Map<string, string>>();
  const assign = (resource: string, key: string, value: string): void => {
    const m = tagValues.get(resource) ?? new Map<string, string>();
    if (m.has(key) && m.get(key) !== value) throw new Error(`${resource} is tagged ${key} both ${m.get(key)} and ${value}`);
    m.set(key, value);
    tagValues.set(resource, m);
  };
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::LakeFormation::TagAssociation') continue;
    const p = r.Properties!;
    for (const tag of p['LFTags'] as { TagKey: string; TagValues: string[] }[]) {
      if (tag.TagValues.length !== 1) throw new Error(`${id}: a resource takes one value of ${tag.TagKey}, got ${tag.TagValues.join(', ')}`);
      const res = p['Resource'];
      if (res.TableWithColumns !== undefined) for (const c of res.TableWithColumns.ColumnNames as string[]) assign(`${res.TableWithColumns.DatabaseName}.${res.TableWithColumns.Name}.${c}`, tag.TagKey, tag.TagValues[0]!);
      else if (res.Table !== undefined) assign(`${res.Table.DatabaseName}.${res.Table.Name}`, tag.TagKey, tag.TagValues[0]!);
      else if (res.Database !== undefined) assign(res.Database.Name, tag.TagKey, tag.TagValues[0]!);
      else throw new Error(`${id}: a tag association on an unexpected resource`);
    }
  }
  if (added !== undefined) for (const t of tables.values()) for (const [k, v] of Object.entries(added.tags)) assign(`${t.database}.${t.dataset}.${added.name}`, k, v);
  /** The column's value of `key`: its own, else its table's, else its database's (Lake Formation's inheritance). */
  const effective = (t: Table, column: string, key: string): string | undefined =>
    tagValues.get(`${t.database}.${t.dataset}.${column}`)?.get(key) ?? tagValues.get(`${t.database}.${t.dataset}`)?.get(key) ?? tagValues.get(t.database)?.get(key);
  const table = (database: string, name: string): Table => {
    const t = tables.get(`${database}.${name}`);
    if (t === undefined) throw new Error(`a grant names table ${database}.${name}, which the template does not define`);
    return t;
  };
  const b = new MatrixBuilder();
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::LakeFormation::PrincipalPermissions') continue;
    const p = r.Properties!;
    const roleId = p['Principal'].DataLakePrincipalIdentifier?.['Fn::GetAtt']?.[0] as string | undefined;
    // (In a merged template, nested stacks' parameters are already replaced by the parent's references.)
    const persona = roleId !== undefined ? personaOfRole.get(roleId) : undefined;
    if (persona === undefined) continue; // the lake's own roles (table maintainer, processors)
    const permissions = p['Permissions'] as string[];
    const reads = permissions.includes('SELECT') || permissions.includes('ALL');
    const others = permissions.filter((x) => x !== 'SELECT');
    const res = p['Resource'];
    if (res.Database !== undefined) {
      // DESCRIBE on Athena's `default` database is what Athena on Lake Formation asks of every
      // querying principal, not a grant of the spec.
      if (res.Database.Name === 'default') continue;
      b.privilege(persona, `database:${res.Database.Name}`, permissions);
    } else if (res.Table !== undefined && res.Table.TableWildcard !== undefined) {
      for (const t of tables.values()) {
        if (t.database !== res.Table.DatabaseName) continue;
        if (reads) b.read(persona, t.dataset, t.columns, undefined);
        if (others.length > 0) b.privilege(persona, `dataset:${t.dataset}`, others);
      }
    } else if (res.Table !== undefined) {
      const t = table(res.Table.DatabaseName, res.Table.Name);
      if (reads) b.read(persona, t.dataset, t.columns, undefined);
      if (others.length > 0) b.privilege(persona, `dataset:${t.dataset}`, others);
    } else if (res.TableWithColumns !== undefined) {
      const t = table(res.TableWithColumns.DatabaseName, res.TableWithColumns.Name);
      if (others.length > 0) throw new Error(`${id}: column grants allow only SELECT, got ${permissions.join(', ')}`);
      const excluded = new Set<string>(res.TableWithColumns.ColumnWildcard?.ExcludedColumnNames ?? []);
      const columns = res.TableWithColumns.ColumnNames ?? t.columns.filter((c) => !excluded.has(c));
      b.read(persona, t.dataset, columns, undefined);
    } else if (res.DataCellsFilter !== undefined) {
      const f = res.DataCellsFilter;
      const t = table(f.DatabaseName, f.TableName);
      const filter = filters.get(`${f.DatabaseName}.${f.TableName}.${f.Name}`);
      if (filter === undefined) throw new Error(`${id}: no data cells filter ${f.Name}`);
      const excluded = new Set(filter.excluded ?? []);
      b.read(persona, t.dataset, filter.columns ?? t.columns.filter((c) => !excluded.has(c)), filter.rowFilter);
    } else if (res.LFTagPolicy !== undefined) {
      if (res.LFTagPolicy.ResourceType !== 'TABLE') throw new Error(`${id}: an LF-Tag policy on ${res.LFTagPolicy.ResourceType}`);
      if (others.length > 0) throw new Error(`${id}: a column-level grant allows only SELECT, got ${permissions.join(', ')}`);
      const expression = res.LFTagPolicy.Expression as { TagKey: string; TagValues: string[] }[];
      for (const t of tables.values()) {
        const columns = t.columns.filter((c) => expression.every((e) => e.TagValues.includes(effective(t, c, e.TagKey) ?? '')));
        if (columns.length > 0) b.read(persona, t.dataset, columns, undefined);
      }
    } else {
      throw new Error(`${id}: a persona grant on an unexpected resource ${JSON.stringify(res)}`);
    }
  }
  return b.build();
}

/**
 * Whether the spec lets `persona` read a column of `dataset` that did not exist when it was
 * deployed: only a grant that reads the whole table or names what it excludes (`except (a, b)`)
 * reaches columns it never saw. A column list names its columns, and `except @label` fails closed.
 */
export function readsNewColumns(model: LakeModel, persona: string, dataset: string): boolean {
  return model.grants.some((g) => g.persona === persona && g.target.kind === 'dataset' && g.target.dataset === dataset
    && (g.privileges.includes('select') || g.privileges.includes('all'))
    && (g.target.selection.kind === 'all' || g.target.selection.kind === 'except'));
}

/** persona -> datasets whose column `column` the matrix lets it read. */
export function readersOf(matrix: AccessMatrix, column: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [persona, datasets] of matrix.reads) {
    const ds = [...datasets.entries()].filter(([, cols]) => cols.has(column)).map(([d]) => d).sort();
    if (ds.length > 0) out.set(persona, ds);
  }
  return out;
}

/** What `readersOf` should say for a column added later, per the spec. */
export function expectedNewColumnReaders(model: LakeModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of model.personas) {
    const ds = model.datasets.filter((d) => readsNewColumns(model, p.name, d.name)).map((d) => d.name).sort();
    if (ds.length > 0) out.set(p.name, ds);
  }
  return out;
}
