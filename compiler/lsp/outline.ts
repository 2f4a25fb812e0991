/** Document symbols (the outline) and folding ranges, from one file's syntax tree. */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver';
import type * as A from '../syntax/ast.ts';
import { printType } from '../syntax/printer.ts';
import { positionAt, type SourceFile } from '../syntax/source.ts';
import { toRange } from './positions.ts';

const kinds: Record<A.Declaration['kind'], SymbolKind> = {
  Lake: SymbolKind.Package, Zone: SymbolKind.Module, Classification: SymbolKind.EnumMember, Stream: SymbolKind.Event,
  Dataset: SymbolKind.Class, Persona: SymbolKind.Interface, Grant: SymbolKind.Key,
};

export function documentSymbols(file: SourceFile, ast: A.LakeFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const d of ast.declarations) {
    const range = toRange(file, d.span);
    if (d.kind === 'Grant') {
      const target = d.target === undefined ? '?' : d.target.kind === 'Zone' ? `zone ${d.target.zone.name}` : d.target.dataset.name;
      const name = `grant ${d.privileges.map((p) => p.name).join(', ') || '?'} on ${target} to ${d.persona?.name ?? '?'}`;
      out.push({ name, kind: kinds.Grant, range, selectionRange: toRange(file, { start: d.span.start, end: d.span.start + 5 }) });
      continue;
    }
    if (d.name.name === '') continue;
    const symbol: DocumentSymbol = {
      name: d.name.name, kind: kinds[d.kind], range, selectionRange: toRange(file, d.name.span),
      detail: d.kind === 'Dataset' && d.zone !== undefined ? `dataset in ${d.zone.name}` : d.kind.toLowerCase(),
    };
    if (d.kind === 'Dataset') {
      const columns = d.items.flatMap((i) => (i.kind === 'Columns' ? i.columns : []));
      symbol.children = columns.filter((c) => c.name.name !== '').map((c) => ({
        name: c.name.name, kind: SymbolKind.Field, range: toRange(file, c.span), selectionRange: toRange(file, c.name.span),
        ...(c.type !== undefined ? { detail: safeType(c.type) } : {}),
      }));
    }
    out.push(symbol);
  }
  return out;
}

function safeType(t: A.TypeNode): string {
  try {
    return printType(t);
  } catch {
    return t.name.name;
  }
}

export function foldingRanges(file: SourceFile, ast: A.LakeFile): FoldingRange[] {
  const out: FoldingRange[] = [];
  const line = (offset: number): number => positionAt(file, offset).line - 1;
  const add = (start: number, end: number, kind?: FoldingRangeKind): void => {
    const a = line(start);
    // The closing line stays visible: fold up to the line before `}`.
    const b = line(end) - (kind === undefined ? 1 : 0);
    if (b > a) out.push({ startLine: a, endLine: b, ...(kind !== undefined ? { kind } : {}) });
  };
  const items = (list: readonly (A.Item | A.ColumnsBlock)[]): void => {
    for (const i of list) {
      if (i.kind === 'Columns') add(i.span.start, i.span.end);
      else if (i.block !== undefined) {
        add(i.span.start, i.block.span.end);
        items(i.block.items);
      }
    }
  };
  for (const d of ast.declarations) {
    if (d.kind === 'Grant' || d.kind === 'Classification') {
      add(d.span.start, d.span.end, FoldingRangeKind.Region);
      continue;
    }
    add(d.span.start, d.span.end);
    items(d.kind === 'Dataset' ? d.items : d.body.items);
  }
  // Block comments, and runs of line comments on consecutive lines.
  let run: { start: number; end: number; lastLine: number } | undefined;
  const flush = (): void => {
    if (run !== undefined) add(run.start, run.end, FoldingRangeKind.Comment);
    run = undefined;
  };
  for (const c of ast.comments) {
    if (c.kind === 'block') {
      flush();
      add(c.span.start, c.span.end, FoldingRangeKind.Comment);
      continue;
    }
    const l = line(c.span.start);
    const alone = file.text.slice(file.text.lastIndexOf('\n', c.span.start - 1) + 1, c.span.start).trim() === '';
    if (run !== undefined && alone && l === run.lastLine + 1) {
      run.end = c.span.end;
      run.lastLine = l;
    } else {
      flush();
      if (alone) run = { start: c.span.start, end: c.span.end, lastLine: l };
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
