/** Walking column types: the rules about decimals, map keys and struct field names look inside nested types. */
import type { DatasetSymbol, FieldType, LakeType, StructField } from '../semantic/symbols.ts';

export interface TypeVisitor {
  /**
   * Every type, outermost first: the column's own type, then list elements, map keys and values,
   * struct field types. `optional`: the type was written with `?` (its span includes it).
   */
  type?(t: LakeType, optional: boolean): void;
  /** Every struct field, at any depth. */
  field?(f: StructField): void;
}

export function walkType(t: LakeType, v: TypeVisitor, optional = false): void {
  v.type?.(t, optional);
  switch (t.kind) {
    case 'list': walkField(t.element, v); break;
    case 'map': walkField(t.key, v); walkField(t.value, v); break;
    case 'struct':
      for (const f of t.fields) {
        v.field?.(f);
        walkField(f, v);
      }
      break;
    case 'primitive': case 'decimal': case 'unknown': break;
  }
}

function walkField(f: FieldType, v: TypeVisitor): void {
  walkType(f.type, v, f.optional);
}

/** Walks the type of every column of every dataset. */
export function walkColumnTypes(datasets: readonly DatasetSymbol[], v: TypeVisitor): void {
  for (const ds of datasets) for (const c of ds.columns) walkType(c.type, v, c.optional);
}

/** A name-indexed view of a dataset's columns (first declaration wins, as in the binder), built once per dataset. */
const columnMaps = new WeakMap<DatasetSymbol, Map<string, DatasetSymbol['columns'][number]>>();

export function columnsByName(ds: DatasetSymbol): ReadonlyMap<string, DatasetSymbol['columns'][number]> {
  let m = columnMaps.get(ds);
  if (m === undefined) {
    m = new Map();
    for (const c of ds.columns) if (!m.has(c.name)) m.set(c.name, c);
    columnMaps.set(ds, m);
  }
  return m;
}
