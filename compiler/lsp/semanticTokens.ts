/**
 * Semantic tokens: what each name is, from the bound lake. The TextMate grammar colours by
 * position; these tell a column from a dataset wherever a name stands (`partition by
 * day(valid_from)`, `key (trade_id)`, row filters) and mark declarations.
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { SymbolKind } from '../semantic/symbols.ts';
import type { SourceFile } from '../syntax/source.ts';
import { allSymbols } from './find.ts';
import { toPosition } from './positions.ts';
import type { LakeState } from './workspace.ts';

const kinds: readonly SymbolKind[] = ['zone', 'dataset', 'column', 'classification', 'stream', 'persona', 'lake'];

export const legend: SemanticTokensLegend = {
  tokenTypes: ['namespace', 'class', 'property', 'enumMember', 'event', 'interface', 'struct'],
  tokenModifiers: ['declaration'],
};

export function semanticTokens(state: LakeState, file: SourceFile): SemanticTokens {
  const lake = state.compilation.lake;
  const found: { start: number; end: number; type: number; modifiers: number }[] = [];
  for (const s of allSymbols(lake)) {
    if (s.nameSpan.file === file.path && s.nameSpan.end > s.nameSpan.start) {
      found.push({ start: s.nameSpan.start, end: s.nameSpan.end, type: kinds.indexOf(s.kind), modifiers: 1 });
    }
  }
  for (const r of lake.references) {
    if (r.span.file === file.path && r.target !== undefined && r.span.end > r.span.start) {
      found.push({ start: r.span.start, end: r.span.end, type: kinds.indexOf(r.kind), modifiers: 0 });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  let lastEnd = -1;
  for (const t of found) {
    if (t.start < lastEnd) continue;
    const p = toPosition(file, t.start);
    if (toPosition(file, t.end).line !== p.line) continue;
    data.push(p.line - line, p.line === line ? p.character - character : p.character, t.end - t.start, t.type, t.modifiers);
    line = p.line;
    character = p.character;
    lastEnd = t.end;
  }
  return { data };
}
