/** What stands at a position: a declared name or a use of one, resolved through the bound lake. */
import type { Span } from '../diagnostics/diagnostic.ts';
import type { BoundLake, ColumnSymbol, DatasetSymbol, Reference, SymbolBase } from '../semantic/symbols.ts';
import { contains } from './positions.ts';

export interface NameAt {
  /** The declaration the name means (undefined for a use of an unknown name). */
  readonly symbol?: SymbolBase;
  /** The span of the name under the cursor. */
  readonly span: Span;
  readonly reference?: Reference;
}

/** Every declared symbol of the lake, columns included. */
export function allSymbols(lake: BoundLake): SymbolBase[] {
  return [
    ...lake.lakes, ...lake.zones, ...lake.classifications, ...lake.streams, ...lake.datasets,
    ...lake.datasets.flatMap((d) => d.columns), ...lake.personas,
  ];
}

export function nameAt(lake: BoundLake, path: string, offset: number): NameAt | undefined {
  for (const r of lake.references) {
    if (r.span.file === path && contains(r.span, offset)) return { span: r.span, reference: r, ...(r.target !== undefined ? { symbol: r.target } : {}) };
  }
  for (const s of allSymbols(lake)) {
    if (s.nameSpan.file === path && contains(s.nameSpan, offset) && s.nameSpan.end > s.nameSpan.start) return { symbol: s, span: s.nameSpan };
  }
  return undefined;
}

/** The uses of a symbol (not its declaration). */
export function usesOf(lake: BoundLake, symbol: SymbolBase): Reference[] {
  return lake.references.filter((r) => r.target === symbol);
}

export function datasetOfColumn(lake: BoundLake, column: ColumnSymbol): DatasetSymbol | undefined {
  // A system column (system_to) is no declared column: its dataset is the one it names.
  return column.system === true ? lake.scope.dataset.get(column.dataset) : lake.datasets.find((d) => d.columns.includes(column));
}

/** The innermost dataset declaration around an offset. */
export function datasetAt(lake: BoundLake, path: string, offset: number): DatasetSymbol | undefined {
  return lake.datasets.find((d) => d.span.file === path && contains(d.span, offset));
}
