/**
 * Grants as Lake Formation permissions, and the access matrix they give. One plan feeds the CDK
 * stack, `lakeformation/permissions.json` and the Markdown matrix, so they cannot disagree.
 *
 * Lake Formation facts (FIELD-NOTES.md): column grants allow only SELECT; a column wildcard with
 * no exclusions is a table grant; a row filter is a data cells filter on which SELECT is granted.
 *
 * A label-based grant (`except @C`) fails closed: it is a grant on an LF-Tag expression
 * (`<lake>:dataset = D` and `<lake>.C = false`) over a table tagged `<lake>.C = true` whose
 * columns are tagged `false` one by one, except the `@C` ones (`true`). A column added later
 * without a tag inherits the table's `true`, so it stays hidden until a deployment tags it; with a
 * row filter, the data cells filter lists the readable columns by name, which fails closed too.
 */
import type { DatasetModel, GrantModel, LakeModel } from '../../model/model.ts';
import { datasetTagKey, fit, lfTagKey, shortHash } from './names.ts';
import { storedColumns, tableColumnNames } from './tables.ts';

export type LfPermission = 'ALL' | 'ALTER' | 'CREATE_TABLE' | 'DATA_LOCATION_ACCESS' | 'DELETE' | 'DESCRIBE' | 'DROP' | 'INSERT' | 'SELECT';

export type LfResource =
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'allTables'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  | { readonly kind: 'columns'; readonly database: string; readonly table: string; readonly columns: readonly string[] }
  | { readonly kind: 'columnsExcept'; readonly database: string; readonly table: string; readonly excluded: readonly string[] }
  | { readonly kind: 'dataCellsFilter'; readonly database: string; readonly table: string; readonly filter: string }
  | { readonly kind: 'dataLocation'; readonly zone: string }
  /** The columns of tables whose LF-Tags match every condition (one table: its `<lake>:dataset` tag). */
  | { readonly kind: 'tagExpression'; readonly database: string; readonly table: string; readonly expression: readonly LfTagCondition[] };

/** `key` has one of `values`. */
export interface LfTagCondition {
  readonly key: string;
  readonly values: readonly string[];
}

/**
 * The lake's own principals: the table creator (the catalog custom resource's role: creates the
 * Iceberg tables and, when the account has none, Athena's `default` database), the table
 * maintainer (scheduled OPTIMIZE and VACUUM) and the deploy role (the role CloudFormation deploys
 * with, a data lake administrator: it grants itself what Lake Formation asks of a table's tagger).
 */
export type LfService = 'tableCreator' | 'tableMaintainer' | 'deployRole';

/** Who receives a permission: a persona's role, or one of the lake's own principals. */
export type LfPrincipal = { readonly persona: string } | { readonly service: LfService };

/** Athena's own database, on which every principal that queries through Athena needs DESCRIBE. */
export const defaultDatabase = 'default';

export interface LfGrant {
  /** Unique, stable: also the BatchGrantPermissions entry id. */
  readonly id: string;
  readonly principal: LfPrincipal;
  readonly resource: LfResource;
  readonly permissions: readonly LfPermission[];
  /** Permissions the principal may grant on: only the deploy role's own grant on a table it tags. */
  readonly grantable?: readonly LfPermission[];
  /** The spec's grant this permission comes from (absent for the lake's own roles). */
  readonly grant?: string;
}

export interface DataCellsFilterPlan {
  readonly name: string;
  readonly database: string;
  readonly table: string;
  readonly rowFilter: string;
  /** Exactly one of: the columns, or the excluded columns of a column wildcard (empty: every column). */
  readonly columns?: readonly string[];
  readonly excluded?: readonly string[];
}

export interface LfTagPlan {
  readonly key: string;
  /** The classification it stands for (absent for the dataset tag). */
  readonly classification?: string;
  readonly values: readonly string[];
  readonly description?: string;
}

/** An LF-Tag value on a table (no `columns`) or on some of its columns. */
export interface LfTagAssignment {
  readonly tagKey: string;
  readonly value: string;
  readonly database: string;
  readonly table: string;
  readonly columns?: readonly string[];
}

/** A classification's LF-Tag values: `true` on its columns, `false` on the others of a table granted `except @label`. */
export const classified = 'true';
export const unclassified = 'false';

export interface AccessPlan {
  readonly tags: readonly LfTagPlan[];
  readonly tagAssignments: readonly LfTagAssignment[];
  readonly filters: readonly DataCellsFilterPlan[];
  /** In deployment order: the stack chains them, each depending on the one before. */
  readonly grants: readonly LfGrant[];
}

const datasetPrivileges: Record<string, LfPermission[]> = {
  select: ['SELECT'], insert: ['INSERT'], delete: ['DELETE'], describe: ['DESCRIBE'], alter: ['ALTER'], drop: ['DROP'], all: ['ALL'],
};
const zonePrivileges: Record<string, LfPermission[]> = {
  describe: ['DESCRIBE'], alter: ['ALTER'], drop: ['DROP'], all: ['ALL'],
};
/** What `all` means on a restricted selection: everything but reading outside the selection. */
const allButSelect: LfPermission[] = ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT'];

function sorted<T extends string>(xs: Iterable<T>): T[] {
  return [...new Set(xs)].sort();
}

/** `select on trades (a, b) to p where ...`: how the spec wrote it, for comments and docs. */
export function describeGrant(g: GrantModel): string {
  const t = g.target;
  let target: string;
  if (t.kind === 'zone') target = `zone ${t.zone}`;
  else {
    const s = t.selection;
    target = t.dataset + (s.kind === 'all' ? '' : s.kind === 'columns' ? ` (${s.columns.join(', ')})` : s.kind === 'except' ? ` except (${s.columns.join(', ')})` : ` except @${s.classification}`);
  }
  return `grant ${g.privileges.join(', ')} on ${target} to ${g.persona}${g.rowFilter !== undefined ? ` where ${g.rowFilter}` : ''}`;
}

export function accessPlan(model: LakeModel): AccessPlan {
  const datasets = new Map(model.datasets.map((d) => [d.name, d]));
  const grants: LfGrant[] = [];
  const filters: DataCellsFilterPlan[] = [];
  const ids = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}.${n}`;
    ids.add(id);
    return id;
  };

  // The table creator creates the Iceberg tables (Glue CreateTable, so no Athena DDL on a Lake
  // Formation location): it needs CREATE_TABLE on their databases and their data locations.
  // (It also creates Athena's `default` database when the account has none, as one of the
  // account's database creators: CloudFormation cannot grant CREATE_DATABASE on the catalog.)
  const creator = { service: 'tableCreator' } as const;
  const maintainer = { service: 'tableMaintainer' } as const;
  const iceberg = model.datasets.filter((d) => d.format === 'iceberg');
  for (const zone of sorted(iceberg.map((d) => d.zone))) {
    const z = model.zones.find((x) => x.name === zone)!;
    grants.push({ id: uniqueId(`lakec.table_creator.${zone}.location`), principal: creator, resource: { kind: 'dataLocation', zone }, permissions: ['DATA_LOCATION_ACCESS'] });
    grants.push({ id: uniqueId(`lakec.table_creator.${zone}.database`), principal: creator, resource: { kind: 'database', database: z.database }, permissions: ['CREATE_TABLE', 'DESCRIBE'] });
  }
  // Athena on Lake Formation: DESCRIBE on `default` for whoever queries (the maintainer, personas).
  const maintained = iceberg.filter((d) => d.maintenance !== undefined && (d.maintenance.compact !== undefined || d.maintenance.expireSnapshots !== undefined || d.maintenance.removeOrphans !== undefined));
  if (maintained.length > 0) grants.push({ id: uniqueId('lakec.table_maintainer.default'), principal: maintainer, resource: { kind: 'database', database: defaultDatabase }, permissions: ['DESCRIBE'] });
  for (const p of model.personas) grants.push({ id: uniqueId(`${p.name}.default`), principal: { persona: p.name }, resource: { kind: 'database', database: defaultDatabase }, permissions: ['DESCRIBE'] });
  for (const d of iceberg) {
    const table = { database: d.database, table: d.table };
    // The creator owns the table; LF-Tags and data cells filters may be put on a table only by its
    // owner or a holder of ALL with the grant option: the deploy role (an administrator) grants
    // itself that before it tags and filters. Nobody else holds a grant option.
    grants.push({ id: uniqueId(`lakec.deploy_role.${d.name}`), principal: { service: 'deployRole' }, resource: { kind: 'table', ...table }, permissions: ['ALL'], grantable: ['ALL'] });
    // The maintainer rewrites (OPTIMIZE) and expires (VACUUM) files: explicit privileges, no grant option.
    if (maintained.includes(d)) grants.push({ id: uniqueId(`lakec.table_maintainer.${d.name}`), principal: maintainer, resource: { kind: 'table', ...table }, permissions: ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'] });
  }

  // (dataset, classification) pairs granted `except @classification`: tagged to fail closed.
  const failClosed = new Set<string>();
  for (const g of model.grants) {
    const text = describeGrant(g);
    const principal = { persona: g.persona };
    const t = g.target;
    if (t.kind === 'zone') {
      const dbPerms = sorted(g.privileges.flatMap((p) => zonePrivileges[p] ?? []));
      if (dbPerms.length > 0) grants.push({ id: uniqueId(`${g.persona}.${t.zone}`), principal, resource: { kind: 'database', database: t.database }, permissions: dbPerms, grant: text });
      // select/insert/delete on a zone reach every table of its database.
      const tablePerms = sorted(g.privileges.filter((p) => p === 'select' || p === 'insert' || p === 'delete').flatMap((p) => datasetPrivileges[p]!));
      if (tablePerms.length > 0) grants.push({ id: uniqueId(`${g.persona}.${t.zone}.tables`), principal, resource: { kind: 'allTables', database: t.database }, permissions: tablePerms, grant: text });
      continue;
    }
    const d = datasets.get(t.dataset)!;
    const table = { database: d.database, table: d.table };
    const reads = g.privileges.includes('select') || g.privileges.includes('all');
    const label = t.selection.kind === 'except_classification' ? t.selection.classification : undefined;
    const restricted = label !== undefined ? { kind: 'columns' as const, columns: readableColumns(d, g) } : restrictedSelection(d, g);
    const base = `${g.persona}.${d.name}`;
    if (label !== undefined) failClosed.add(`${d.name}\u0000${label}`);
    if (restricted === undefined && g.rowFilter === undefined) {
      grants.push({ id: uniqueId(base), principal, resource: { kind: 'table', ...table }, permissions: sorted(g.privileges.flatMap((p) => datasetPrivileges[p]!)), grant: text });
      continue;
    }
    // A restricted read: SELECT on the columns (or on a data cells filter); the other privileges on the table.
    const others = sorted(g.privileges.flatMap((p) => (p === 'select' ? [] : p === 'all' ? allButSelect : datasetPrivileges[p]!)));
    if (reads) {
      if (g.rowFilter !== undefined) {
        const definition = {
          ...table, rowFilter: g.rowFilter,
          ...(restricted?.kind === 'columns' ? { columns: restricted.columns } : { excluded: restricted?.excluded ?? [] }),
        };
        const name = uniqueFilterName(filters, filterName(g.persona, d.name, definition));
        filters.push({ name, ...definition });
        grants.push({ id: uniqueId(`${base}.rows`), principal, resource: { kind: 'dataCellsFilter', ...table, filter: name }, permissions: ['SELECT'], grant: text });
      } else if (label !== undefined) {
        // Fail closed: the columns tagged not-`label` in this table, which a new column is not.
        const expression = [{ key: datasetTagKey(model.lake.name), values: [d.name] }, { key: lfTagKey(model.lake.name, label), values: [unclassified] }];
        grants.push({ id: uniqueId(`${base}.columns`), principal, resource: { kind: 'tagExpression', ...table, expression }, permissions: ['SELECT'], grant: text });
      } else if (restricted!.kind === 'columns') {
        grants.push({ id: uniqueId(`${base}.columns`), principal, resource: { kind: 'columns', ...table, columns: restricted!.columns }, permissions: ['SELECT'], grant: text });
      } else {
        grants.push({ id: uniqueId(`${base}.columns`), principal, resource: { kind: 'columnsExcept', ...table, excluded: restricted!.excluded }, permissions: ['SELECT'], grant: text });
      }
    }
    if (others.length > 0) grants.push({ id: uniqueId(`${base}.table`), principal, resource: { kind: 'table', ...table }, permissions: others, grant: text });
  }

  const lake = model.lake.name;
  const tags: LfTagPlan[] = model.classifications.map((c) => ({
    key: lfTagKey(lake, c.name), classification: c.name, values: [unclassified, classified],
    ...(c.description !== undefined ? { description: c.description } : {}),
  }));
  const tagged = model.datasets.filter((d) => model.classifications.some((c) => failClosed.has(`${d.name}\u0000${c.name}`)));
  if (tagged.length > 0) tags.push({ key: datasetTagKey(lake), values: tagged.map((d) => d.name).sort(), description: 'The dataset of a table: label-based grants (except @classification) name it.' });
  const tagAssignments: LfTagAssignment[] = [];
  for (const d of model.datasets) {
    const table = { database: d.database, table: d.table };
    const labels = model.classifications.filter((c) => failClosed.has(`${d.name}\u0000${c.name}`));
    // The table: its dataset, and `true` for each label a grant excludes (what its columns inherit).
    if (labels.length > 0) {
      tagAssignments.push({ tagKey: datasetTagKey(lake), value: d.name, ...table });
      for (const c of labels) tagAssignments.push({ tagKey: lfTagKey(lake, c.name), value: classified, ...table });
    }
    for (const c of model.classifications) {
      const columns = storedColumns(d).filter((col) => col.classifications.includes(c.name)).map((col) => col.name);
      if (columns.length > 0) tagAssignments.push({ tagKey: lfTagKey(lake, c.name), value: classified, ...table, columns });
      if (!labels.includes(c)) continue;
      // Every other column the catalog shows (system and derived partition columns included), by name.
      const others = tableColumnNames(d).filter((name) => !columns.includes(name));
      if (others.length > 0) tagAssignments.push({ tagKey: lfTagKey(lake, c.name), value: unclassified, ...table, columns: others });
    }
  }
  return { tags, tagAssignments, filters, grants };
}

/**
 * A data cells filter's name: `<persona>_<dataset>_<hash of its definition>`. Every property of a
 * filter is replacement-only and CloudFormation creates the replacement before it deletes the
 * old one, so a filter with a fixed name could never change: a changed row filter or column list
 * gives a new name, a new filter and a new grant, then the old ones are removed.
 */
export function filterName(persona: string, dataset: string, definition: Omit<DataCellsFilterPlan, 'name'>): string {
  const canonical = JSON.stringify([definition.database, definition.table, definition.rowFilter, definition.columns ?? null, definition.excluded ?? null]);
  return `${fit(`${persona}_${dataset}`, 255 - 9)}_${shortHash(canonical)}`;
}

function uniqueFilterName(filters: readonly DataCellsFilterPlan[], base: string): string {
  let name = base;
  for (let n = 2; filters.some((f) => f.name === name); n++) name = `${base}_${n}`;
  return name;
}

/**
 * The columns a dataset grant reads, when it is narrower than the whole table: an explicit list,
 * or a wildcard with exclusions. `undefined` when the grant reads every column (an `except` that
 * excludes nothing is a table grant).
 */
export function restrictedSelection(d: DatasetModel, g: GrantModel): { kind: 'columns'; columns: readonly string[] } | { kind: 'except'; excluded: string[] } | undefined {
  if (g.target.kind !== 'dataset') return undefined;
  const s = g.target.selection;
  if (s.kind === 'all') return undefined;
  if (s.kind === 'columns') return { kind: 'columns', columns: s.columns };
  const readable = new Set(g.target.columns);
  const excluded = storedColumns(d).map((c) => c.name).filter((c) => !readable.has(c));
  return excluded.length === 0 ? undefined : { kind: 'except', excluded };
}

// ---------------------------------------------------------------------------------------------
// The access matrix: persona x dataset x column, with the rows each column is readable on.

/** A column readable on every row is `'*'`; otherwise the set of row filters, any of which admits a row. */
export type ColumnAccess = ReadonlySet<string>;

export interface AccessMatrix {
  /** persona -> dataset -> column -> rows ('*' = every row, else the filters). */
  readonly reads: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, ColumnAccess>>>;
  /** persona -> `dataset:<name>` | `database:<zone's database>` -> Lake Formation permissions other than SELECT. */
  readonly privileges: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
}

export class MatrixBuilder {
  private readonly reads = new Map<string, Map<string, Map<string, Set<string>>>>();
  private readonly privileges = new Map<string, Map<string, Set<string>>>();

  read(persona: string, dataset: string, columns: Iterable<string>, rowFilter: string | undefined): void {
    const byDataset = getOr(this.reads, persona, () => new Map());
    const byColumn = getOr(byDataset, dataset, () => new Map());
    for (const c of columns) {
      const rows = getOr(byColumn, c, () => new Set());
      if (rowFilter === undefined) {
        rows.clear();
        rows.add('*');
      } else if (!rows.has('*')) rows.add(rowFilter);
    }
  }

  privilege(persona: string, subject: string, permissions: Iterable<string>): void {
    const set = getOr(getOr(this.privileges, persona, () => new Map()), subject, () => new Set());
    for (const p of permissions) set.add(p);
  }

  build(): AccessMatrix {
    return { reads: this.reads, privileges: this.privileges };
  }
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

/** The matrix straight from the spec's grants (the model), independently of the plan above. */
export function accessMatrixFromModel(model: LakeModel): AccessMatrix {
  const b = new MatrixBuilder();
  const datasets = new Map(model.datasets.map((d) => [d.name, d]));
  for (const g of model.grants) {
    const t = g.target;
    if (t.kind === 'zone') {
      const dbPerms = g.privileges.flatMap((p) => zonePrivileges[p] ?? []);
      if (dbPerms.length > 0) b.privilege(g.persona, `database:${t.database}`, dbPerms);
      const zoneTables = model.datasets.filter((d) => d.zone === t.zone);
      for (const p of g.privileges) {
        if (p === 'select') for (const d of zoneTables) b.read(g.persona, d.name, tableColumnNames(d), undefined);
        if (p === 'insert' || p === 'delete') for (const d of zoneTables) b.privilege(g.persona, `dataset:${d.name}`, [p.toUpperCase()]);
      }
      continue;
    }
    const d = datasets.get(t.dataset)!;
    const readable = readableColumns(d, g);
    const restricted = readable.length < tableColumnNames(d).length || g.rowFilter !== undefined;
    for (const p of g.privileges) {
      if (p === 'select' || p === 'all') b.read(g.persona, d.name, readable, g.rowFilter);
      if (p === 'all') b.privilege(g.persona, `dataset:${d.name}`, restricted ? allButSelect : ['ALL']);
      else if (p !== 'select') b.privilege(g.persona, `dataset:${d.name}`, [p.toUpperCase()]);
    }
  }
  return b.build();
}

/**
 * The columns a dataset grant reads: an explicit list as written; otherwise every column of the
 * table (derived partition columns included) but those the grant excludes.
 */
export function readableColumns(d: DatasetModel, g: GrantModel): string[] {
  if (g.target.kind !== 'dataset') return [];
  if (g.target.selection.kind === 'columns') return [...g.target.columns];
  const granted = new Set(g.target.columns);
  const excluded = new Set(storedColumns(d).map((c) => c.name).filter((c) => !granted.has(c)));
  return tableColumnNames(d).filter((c) => !excluded.has(c));
}

/** Plain, sorted JSON of a matrix: for equality checks and snapshots. */
export function matrixJson(m: AccessMatrix): unknown {
  const sortMap = <V>(map: ReadonlyMap<string, V>, f: (v: V) => unknown): Record<string, unknown> =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, f(v)]));
  return {
    reads: sortMap(m.reads, (ds) => sortMap(ds, (cols) => sortMap(cols, (rows) => [...rows].sort()))),
    privileges: sortMap(m.privileges, (subjects) => sortMap(subjects, (ps) => [...ps].sort())),
  };
}
