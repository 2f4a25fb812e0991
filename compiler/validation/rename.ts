/** Advice for diagnostics that ask the user to rename a declaration: how many uses follow, and what keeps working. */
import type { BoundLake, ColumnSymbol, DatasetSymbol, LakeType, SymbolBase } from '../semantic/symbols.ts';
import { typeText } from '../semantic/types.ts';
import { walkType } from './typeWalk.ts';

const usesCache = new WeakMap<BoundLake, Map<SymbolBase, number>>();

/** How many references resolve to `symbol` (counted once per lake, for all rules). */
export function usesOf(lake: BoundLake, symbol: SymbolBase): number {
  let m = usesCache.get(lake);
  if (m === undefined) {
    m = new Map();
    for (const r of lake.references) if (r.target !== undefined) m.set(r.target, (m.get(r.target) ?? 0) + 1);
    usesCache.set(lake, m);
  }
  return m.get(symbol) ?? 0;
}

/** `rename it${usesNote(...)} to 'x'`: "rename it and its 2 uses to 'x'". */
export function usesNote(lake: BoundLake, symbol: SymbolBase): string {
  const n = usesOf(lake, symbol);
  return n === 0 ? '' : ` and its ${n === 1 ? 'use' : `${n} uses`}`;
}

/**
 * A column of a stream-fed dataset that reads the event field of its own name (`$.<name>`,
 * implicit): renamed, it would read another field. The explicit path keeps the mapping.
 */
export function keptSourcePath(ds: DatasetSymbol, c: ColumnSymbol): string | undefined {
  if (ds.source === undefined || c.source.kind !== 'path' || !c.source.implicit) return undefined;
  return c.source.path;
}

/** The type as canonical text, when it can be written back exactly (no undecoded parts). */
export function exactTypeText(t: LakeType, optional: boolean): string | undefined {
  let exact = true;
  walkType(t, {
    type(x) {
      if (x.kind === 'unknown' || (x.kind === 'decimal' && !(Number.isInteger(x.precision) && Number.isInteger(x.scale)))) exact = false;
    },
  });
  return exact ? typeText(t) + (optional ? '?' : '') : undefined;
}
