/** Which columns of a dataset a grant target selects: shared by the grant rules. */
import type { ColumnSymbol, DatasetSymbol, GrantTargetSymbol } from '../semantic/symbols.ts';
import { columnNamed } from './spans.ts';

export type DatasetTarget = Extract<GrantTargetSymbol, { kind: 'dataset' }>;

/** Privileges that let a persona read rows. */
export function grantsRead(privileges: readonly { value: string }[]): boolean {
  return privileges.some((p) => p.value === 'select' || p.value === 'all');
}

/** A column list, `except (...)` or `except @label`: a column-level grant. */
export function isColumnSelection(t: DatasetTarget): boolean {
  return t.columns !== undefined || t.exceptColumns !== undefined || t.exceptClassification !== undefined;
}

/**
 * The declared columns the target grants, in declaration order. Unknown names in a column list
 * are skipped (LAKE1003 reports them).
 */
export function grantedColumns(ds: DatasetSymbol, t: DatasetTarget): ColumnSymbol[] {
  if (t.columns !== undefined) {
    const out: ColumnSymbol[] = [];
    const seen = new Set<string>();
    for (const c of t.columns) {
      const col = columnNamed(ds, c.value);
      if (col !== undefined && !seen.has(col.name)) {
        seen.add(col.name);
        out.push(col);
      }
    }
    return out;
  }
  if (t.exceptColumns !== undefined) {
    const excluded = new Set(t.exceptColumns.map((c) => c.value));
    return ds.columns.filter((c) => !excluded.has(c.name));
  }
  if (t.exceptClassification !== undefined) {
    const label = t.exceptClassification.value;
    return ds.columns.filter((c) => !c.classifications.some((l) => l.value === label));
  }
  return [...ds.columns];
}
