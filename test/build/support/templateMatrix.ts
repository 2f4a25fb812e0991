/**
 * The access matrix read back from a synthesized template's Lake Formation resources (pass the
 * merged template of an app with nested stacks: test/build/support/out.ts), knowing
 * nothing of the spec: roles tagged `lakec:persona`, tables (Glue tables and Iceberg custom
 * resources) with their columns, data cells filters, and every AWS::LakeFormation::PrincipalPermissions.
 */
import { MatrixBuilder, type AccessMatrix } from '../../../compiler/codegen/plan/access.ts';
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

export function accessMatrixFromTemplate(template: Template): AccessMatrix {
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
      tables.set(`${r.Properties!['DatabaseName']}.${input.Name}`, { dataset: input.Name, database: r.Properties!['DatabaseName'], columns });
    } else if (r.Type === 'Custom::IcebergTable') {
      // The Glue CreateTable input, as JSON text (the location inside it is a CloudFormation join).
      const p = r.Properties!;
      const input = JSON.parse(flattenJoin(p['Input'])) as { TableInput: { StorageDescriptor: { Columns: { Name: string }[] } } };
      tables.set(`${p['Database']}.${p['Table']}`, { dataset: p['Table'], database: p['Database'], columns: input.TableInput.StorageDescriptor.Columns.map((c) => c.Name) });
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
    } else {
      throw new Error(`${id}: a persona grant on an unexpected resource ${JSON.stringify(res)}`);
    }
  }
  return b.build();
}
