/** Lowering the bound lake (no errors) to the normalized model. */
import { printExpr } from '../syntax/printExpr.ts';
import { typeText } from '../semantic/types.ts';
import { systemColumns } from '../semantic/symbols.ts';
import type * as S from '../semantic/symbols.ts';
import { writeCapacity } from './capacity.ts';
import { modelVersion, type ColumnModel, type DatasetModel, type GrantModel, type LakeModel, type TypeModel } from './model.ts';
import { glueType } from './glue.ts';
import { DEFAULT_DEDUP_WINDOW } from '../../runtime/bitemporal/key-state.ts';

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const dayDefault = { seconds: 86_400, text: '24 hours' };

export function lower(lake: S.BoundLake): LakeModel {
  const l = lake.lakes[0];
  if (l === undefined) throw new Error('no lake declaration (the checker should have reported it)');
  const lakeName = l.name;
  const datasets = [...lake.scope.dataset.values()].map((d) => dataset(d, lakeName)).sort(byName);
  const streams = [...lake.scope.stream.values()].map((s) => {
    const capacity = s.capacity?.value ?? { mode: 'on_demand' as const };
    return {
      name: s.name, ...desc(s), format: 'json' as const,
      ...(s.partitionKey !== undefined ? { partitionKey: s.partitionKey.value } : {}),
      retention: s.retention?.value ?? dayDefault,
      capacity,
      writeCapacity: writeCapacity(capacity),
      readers: datasets.filter((d) => d.source?.stream === s.name).map((d) => d.name),
    };
  }).sort(byName);
  return {
    modelVersion,
    lake: {
      name: lakeName, ...desc(l), region: l.region!.value,
      ...(l.owner !== undefined ? { owner: l.owner.value } : {}),
      encryption: 'kms', tags: tagMap(l.tags),
    },
    zones: [...lake.scope.zone.values()].map((z) => ({
      name: z.name, ...desc(z), layer: z.layer!.value, database: `${lakeName}_${z.name}`,
      ...(z.retention !== undefined ? { retention: z.retention.value } : {}),
      ...(z.archive !== undefined ? { archive: { storageClass: z.archive.value.storageClass.value, after: z.archive.value.after.value } } : {}),
    })).sort(byName),
    classifications: [...lake.scope.classification.values()].map((c) => ({ name: c.name, ...desc(c), sensitive: c.sensitive })).sort(byName),
    streams,
    datasets,
    personas: [...lake.scope.persona.values()].map((p) => ({
      name: p.name, ...desc(p),
      access: p.access.map((a) => a.value).sort(),
      identity: p.identity!.value,
    })).sort(byName),
    grants: sortGrants(lake.grants.map((g) => grant(g, lake, lakeName)).filter((g): g is GrantModel => g !== undefined)),
  };
}

function desc(s: { doc?: string }): { description?: string } {
  return s.doc !== undefined ? { description: s.doc } : {};
}

function tagMap(tags: readonly S.TagSymbol[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of [...tags].sort((a, b) => (a.key.value < b.key.value ? -1 : 1))) out[t.key.value] = t.value.value;
  return out;
}

function dataset(d: S.DatasetSymbol, lakeName: string): DatasetModel {
  const mode = d.source === undefined ? 'external' : d.bitemporal !== undefined ? 'bitemporal' : d.key !== undefined ? 'current' : 'append';
  const keyed = mode === 'bitemporal' || mode === 'current';
  const b = d.bitemporal;
  const burst = d.sla?.burst?.value;
  return {
    name: d.name, ...desc(d), zone: d.zone!.value, database: `${lakeName}_${d.zone!.value}`, table: d.name,
    mode,
    ...(d.source !== undefined ? { source: { stream: d.source.value.stream.value } } : {}),
    format: d.format.value,
    ...(d.owner !== undefined ? { owner: d.owner.value } : {}),
    tags: tagMap(d.tags),
    columns: d.columns.map(column),
    key: d.key?.value.map((k) => k.value) ?? [],
    ...(keyed ? { dedupWindow: d.dedupWindow?.value ?? DEFAULT_DEDUP_WINDOW } : {}),
    ...(b !== undefined
      ? { bitemporal: { validFrom: b.validFrom!.value, validTo: b.validTo!.value, system: b.system!.value, systemFrom: 'system_from' as const, systemTo: 'system_to' as const, late: b.late?.value ?? 'apply' } }
      : {}),
    partitioning: d.partitions.map((p) => ({ transform: p.transform.value, column: p.column.value, ...(p.width !== undefined ? { width: p.width.value } : {}) })),
    ...(d.sla !== undefined
      ? {
          sla: {
            ...(burst !== undefined ? { burst: { records: burst.records, within: burst.within, recordsPerSecond: Math.ceil(burst.records / burst.within.seconds) } } : {}),
            ...(d.sla.freshness !== undefined ? { freshness: d.sla.freshness.value } : {}),
          },
        }
      : {}),
    ...(d.scaling !== undefined
      ? {
          scaling: {
            baselineKpu: d.scaling.baseline?.value ?? 1,
            peaks: d.scaling.peaks.map((p) => ({ cron: p.cron.value, ...(p.timeZone !== undefined ? { timeZone: p.timeZone.value } : {}), duration: p.duration.value, kpu: p.kpu.value })),
          },
        }
      : {}),
    ...(d.maintenance !== undefined
      ? {
          maintenance: {
            ...(d.maintenance.compact !== undefined ? { compact: d.maintenance.compact.value } : {}),
            ...(d.maintenance.expireSnapshots !== undefined ? { expireSnapshots: d.maintenance.expireSnapshots.value } : {}),
            ...(d.maintenance.removeOrphans !== undefined ? { removeOrphans: d.maintenance.removeOrphans.value } : {}),
          },
        }
      : {}),
  };
}

function column(c: S.ColumnSymbol): ColumnModel {
  const src = c.source;
  return {
    name: c.name, ...desc(c),
    type: typeModel(c.type),
    typeText: typeText(c.type),
    glueType: glueType(c.type),
    optional: c.optional,
    source: src.kind === 'path' ? { kind: 'path', path: src.path, segments: src.segments } : { kind: src.kind },
    classifications: c.classifications.map((x) => x.value).sort(),
    checks: c.checks.map((x) => printExpr(x.expr)),
  };
}

export function typeModel(t: S.LakeType): TypeModel {
  switch (t.kind) {
    case 'primitive': return { kind: 'primitive', name: t.name };
    case 'decimal': return { kind: 'decimal', precision: t.precision, scale: t.scale };
    case 'list': return { kind: 'list', element: typeModel(t.element.type), elementOptional: t.element.optional };
    case 'map': return { kind: 'map', key: typeModel(t.key.type), value: typeModel(t.value.type), valueOptional: t.value.optional };
    case 'struct': return { kind: 'struct', fields: t.fields.map((f) => ({ name: f.name.value, type: typeModel(f.type), optional: f.optional })) };
    case 'unknown': throw new Error('unknown type in a lake without errors');
  }
}

function grant(g: S.GrantSymbol, lake: S.BoundLake, lakeName: string): GrantModel | undefined {
  const t = g.target;
  if (t === undefined || g.persona === undefined) return undefined;
  const privileges = [...new Set(g.privileges.map((p) => p.value))].sort();
  if (t.kind === 'zone') {
    return { persona: g.persona.value, privileges, target: { kind: 'zone', zone: t.zone.value, database: `${lakeName}_${t.zone.value}` } };
  }
  const ds = lake.scope.dataset.get(t.dataset.value)!;
  const all = ds.columns.map((c) => c.name);
  // A bi-temporal table also stores its system-time interval: a list takes the system columns it
  // names, every other selection includes those it does not exclude.
  const history = systemColumns(ds).map((c) => c.name);
  const table = [...all, ...history];
  let selection: GrantModel['target'] & { kind: 'dataset' } extends { selection: infer X } ? X : never;
  let columns: string[];
  if (t.columns !== undefined) {
    const named = new Set(t.columns.map((c) => c.value));
    columns = table.filter((c) => named.has(c));
    selection = { kind: 'columns', columns };
  } else if (t.exceptColumns !== undefined) {
    const excluded = new Set(t.exceptColumns.map((c) => c.value));
    selection = { kind: 'except', columns: table.filter((c) => excluded.has(c)) };
    columns = table.filter((c) => !excluded.has(c));
  } else if (t.exceptClassification !== undefined) {
    const cls = t.exceptClassification.value;
    selection = { kind: 'except_classification', classification: cls };
    columns = [...ds.columns.filter((c) => !c.classifications.some((x) => x.value === cls)).map((c) => c.name), ...history];
  } else {
    selection = { kind: 'all' };
    columns = [...all, ...history];
  }
  return {
    persona: g.persona.value, privileges,
    target: { kind: 'dataset', dataset: ds.name, selection, columns },
    ...(g.where !== undefined ? { rowFilter: printExpr(g.where, { sql: true }) } : {}),
  };
}

function targetKey(g: GrantModel): string {
  return g.target.kind === 'zone' ? `zone:${g.target.zone}` : `dataset:${g.target.dataset}`;
}

/** Grants sorted by persona, then target, then the rest; each sort key is built once. */
function sortGrants(grants: GrantModel[]): GrantModel[] {
  const keyed = grants.map((g) => ({
    g,
    k: `${g.persona}\u0000${targetKey(g)}\u0000${g.privileges.join(',')}\u0000${JSON.stringify(g.target)}\u0000${g.rowFilter ?? ''}`,
  }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.g);
}
