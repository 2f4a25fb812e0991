/**
 * The deployment order a template gives its catalog and Lake Formation resources, checked
 * against what each one names: every resource that names a database, table, LF-Tag, data cells
 * filter or registered location must depend, transitively, on the resource that creates it, and
 * a tag association or data cells filter on an Iceberg table (which the table creator owns) on
 * the deploy role's grantable grant on that table. Pass a merged template (support/out.ts):
 * a nested stack's resources depend on their nested stack resource there.
 */
import type { Template } from './out.ts';

type Resource = Template['Resources'][string];

const dependsOn = (r: Resource): string[] => (r.DependsOn === undefined ? [] : typeof r.DependsOn === 'string' ? [r.DependsOn] : r.DependsOn);

/** What a resource creates, as `kind:name` keys. */
function creates(r: Resource): string[] {
  const p = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::Glue::Database': return [`database:${p['DatabaseInput'].Name}`];
    case 'Custom::AthenaDefaultDatabase': return [`database:${p['Database']}`];
    case 'AWS::Glue::Table': return [`table:${p['DatabaseName']}.${p['TableInput'].Name}`];
    case 'Custom::IcebergTable': return [`table:${p['Database']}.${p['Table']}`];
    case 'AWS::LakeFormation::Tag': return [`tag:${p['TagKey']}`];
    case 'AWS::LakeFormation::DataCellsFilter': return [`filter:${p['DatabaseName']}.${p['TableName']}.${p['Name']}`];
    case 'AWS::LakeFormation::Resource': return [`location:${JSON.stringify(p['ResourceArn'])}`];
    default: return [];
  }
}

function table(database: string, name: string): string[] {
  return [`database:${database}`, `table:${database}.${name}`];
}

/** What a resource names and needs to exist first. */
function names(r: Resource): string[] {
  const p = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::Glue::Table': return [`database:${p['DatabaseName']}`];
    case 'Custom::IcebergTable': return [`database:${p['Database']}`];
    case 'Custom::LakePermissionsCheck': return [
      ...(p['Databases'] as string[]).map((d) => `database:${d}`),
      ...(p['Tables'] as string[]).map((t) => `table:${t}`),
    ];
    case 'AWS::LakeFormation::DataCellsFilter': return table(p['DatabaseName'], p['TableName']);
    case 'AWS::LakeFormation::TagAssociation': {
      const t = p['Resource'].TableWithColumns ?? p['Resource'].Table;
      return [...(p['LFTags'] as { TagKey: string }[]).map((x) => `tag:${x.TagKey}`), ...(t !== undefined ? table(t.DatabaseName, t.Name) : [`database:${p['Resource'].Database.Name}`])];
    }
    case 'AWS::LakeFormation::PrincipalPermissions': {
      const res = p['Resource'];
      if (res.Database !== undefined) return [`database:${res.Database.Name}`];
      if (res.Table !== undefined) return res.Table.TableWildcard !== undefined ? [`database:${res.Table.DatabaseName}`] : table(res.Table.DatabaseName, res.Table.Name);
      if (res.TableWithColumns !== undefined) return table(res.TableWithColumns.DatabaseName, res.TableWithColumns.Name);
      if (res.DataCellsFilter !== undefined) {
        const f = res.DataCellsFilter;
        return [...table(f.DatabaseName, f.TableName), `filter:${f.DatabaseName}.${f.TableName}.${f.Name}`];
      }
      if (res.DataLocation !== undefined) return [`location:${JSON.stringify(res.DataLocation.ResourceArn)}`];
      // A grant on an LF-Tag expression names its tags (the tables it reaches are whichever carry them).
      if (res.LFTagPolicy !== undefined) return (res.LFTagPolicy.Expression as { TagKey: string }[]).map((c) => `tag:${c.TagKey}`);
      throw new Error(`a grant on an unexpected resource ${JSON.stringify(res)}`);
    }
    default: return [];
  }
}

/** The violations of `template`, in words; empty when every resource comes after what it names. */
export function orderingViolations(template: Template): string[] {
  const resources = template.Resources;
  const creator = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) for (const key of creates(r)) creator.set(key, id);
  const memo = new Map<string, Set<string>>();
  const ancestors = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const out = new Set<string>();
    memo.set(id, out);
    for (const d of dependsOn(resources[id] ?? { Type: '' })) {
      out.add(d);
      for (const a of ancestors(d)) out.add(a);
    }
    return out;
  };
  // The deploy role's grantable grant on a table, by table.
  const ownGrant = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::LakeFormation::PrincipalPermissions') continue;
    const t = r.Properties?.['Resource'].Table;
    if (t?.Name !== undefined && /cfn-exec-role/.test(JSON.stringify(r.Properties?.['Principal'])) && JSON.stringify(r.Properties?.['PermissionsWithGrantOption']) === '["ALL"]') ownGrant.set(`table:${t.DatabaseName}.${t.Name}`, id);
  }
  // Waiting for a nested stack (the resource `S`) is waiting for all of its resources (`S/...`),
  // from outside it: inside, `S` only says where a resource lives (mergedTemplate).
  const waitsFor = (id: string, c: string): boolean => {
    if (c === id || ancestors(id).has(c)) return true;
    const stack = c.includes('/') ? c.slice(0, c.indexOf('/')) : undefined;
    return stack !== undefined && resources[stack]?.Type === 'AWS::CloudFormation::Stack' && !id.startsWith(`${stack}/`) && ancestors(id).has(stack);
  };
  const out: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    for (const key of names(r)) {
      const c = creator.get(key);
      if (c === undefined) out.push(`${id} names ${key}, which nothing in the template creates`);
      else if (!waitsFor(id, c)) out.push(`${id} names ${key} but does not wait for ${c}, which creates it`);
    }
    if (r.Type === 'AWS::LakeFormation::TagAssociation' || r.Type === 'AWS::LakeFormation::DataCellsFilter') {
      const t = names(r).find((k) => k.startsWith('table:'));
      const c = t !== undefined ? creator.get(t) : undefined;
      if (t !== undefined && c !== undefined && resources[c]!.Type === 'Custom::IcebergTable') {
        const own = ownGrant.get(t);
        if (own === undefined || !waitsFor(id, own)) out.push(`${id} tags or filters ${t}, which the table creator owns, before the deploy role's grantable grant on it`);
      }
    }
  }
  return out.sort();
}
