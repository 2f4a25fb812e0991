/** Go to definition, find references and rename: all read the bound lake's resolved references. */
import { ResponseError, ErrorCodes, type Location, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Span } from '../diagnostics/diagnostic.ts';
import type { ColumnSymbol, SymbolBase } from '../semantic/symbols.ts';
import { keywordTokens } from '../syntax/tokens.ts';
import { keptSourcePath } from '../validation/rename.ts';
import { isReserved } from '../validation/rules/reservedWord.ts';
import { datasetOfColumn, nameAt, usesOf } from './find.ts';
import { toRange } from './positions.ts';
import type { LakeState } from './workspace.ts';

type Locate = (span: Span) => Location | undefined;

export function locator(state: LakeState, uriOf: (path: string) => string): Locate {
  return (span) => {
    const file = state.files.get(span.file);
    return file === undefined ? undefined : { uri: uriOf(span.file), range: toRange(file, span) };
  };
}

export function definition(state: LakeState, path: string, offset: number, locate: Locate): Location | null {
  const at = nameAt(state.compilation.lake, path, offset);
  return at?.symbol !== undefined ? (locate(at.symbol.nameSpan) ?? null) : null;
}

export function references(state: LakeState, path: string, offset: number, includeDeclaration: boolean, locate: Locate): Location[] {
  const lake = state.compilation.lake;
  const at = nameAt(lake, path, offset);
  if (at?.symbol === undefined) return [];
  const spans = [...(includeDeclaration ? [at.symbol.nameSpan] : []), ...usesOf(lake, at.symbol).map((r) => r.span)];
  return spans.map(locate).filter((l): l is Location => l !== undefined);
}

export function prepareRename(state: LakeState, path: string, offset: number): { range: Range; placeholder: string } {
  const at = nameAt(state.compilation.lake, path, offset);
  const file = state.files.get(path);
  if (at?.symbol === undefined || file === undefined) {
    throw new ResponseError(ErrorCodes.InvalidRequest, 'only the name of a zone, stream, dataset, column, persona, classification or lake can be renamed');
  }
  refuseFixedName(at.symbol);
  return { range: toRange(file, at.span), placeholder: at.symbol.name };
}

/** `system_from` and `system_to` are lakec's names, not the spec's. */
function refuseFixedName(symbol: SymbolBase): void {
  if ((symbol as ColumnSymbol).system === true) {
    throw new ResponseError(ErrorCodes.InvalidRequest, `${symbol.name} is a column lakec adds to every bi-temporal table: its name is fixed`);
  }
}

const keywords = new Set(keywordTokens.map((t) => String(t.PATTERN).replace(/^\/|\/$/g, '')));

/** Why a new name is refused, or undefined when it is fine. */
export function invalidNewName(symbol: SymbolBase, newName: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(newName)) {
    return `'${newName}' is not a valid name: use lowercase letters, digits and underscores, starting with a letter`;
  }
  if (keywords.has(newName)) return `'${newName}' is a keyword of the .lake language`;
  if (isReserved(newName)) return `'${newName}' is a reserved word in Athena`;
  if (newName.length > 255 || (symbol.kind === 'persona' && newName.length > 64) || ((symbol.kind === 'stream' || symbol.kind === 'classification') && newName.length > 128)) {
    return `'${newName}' is too long for a ${symbol.kind} name`;
  }
  return undefined;
}

export function rename(state: LakeState, path: string, offset: number, newName: string, uriOf: (path: string) => string): WorkspaceEdit {
  const lake = state.compilation.lake;
  const at = nameAt(lake, path, offset);
  if (at?.symbol === undefined) throw new ResponseError(ErrorCodes.InvalidRequest, 'nothing to rename here');
  const symbol = at.symbol;
  refuseFixedName(symbol);
  if (newName === symbol.name) return { changes: {} };
  const invalid = invalidNewName(symbol, newName);
  if (invalid !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, invalid);
  const clash = taken(state, symbol, newName);
  if (clash !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, clash);

  const changes: Record<string, TextEdit[]> = {};
  const edit = (span: Span, text: string): void => {
    const file = state.files.get(span.file);
    if (file === undefined) return;
    (changes[uriOf(span.file)] ??= []).push({ range: toRange(file, span), newText: text });
  };
  edit(symbol.nameSpan, newName);
  for (const r of usesOf(lake, symbol)) edit(r.span, newName);
  if (symbol.kind === 'column') {
    // A column that reads the event field of its own name keeps reading it under the new name.
    const c = symbol as ColumnSymbol;
    const ds = datasetOfColumn(lake, c);
    const kept = ds !== undefined ? keptSourcePath(ds, c) : undefined;
    if (kept !== undefined) edit({ file: c.typeSpan.file, start: c.typeSpan.end, end: c.typeSpan.end }, ` = ${kept}`);
  }
  return { changes };
}

function taken(state: LakeState, symbol: SymbolBase, newName: string): string | undefined {
  const lake = state.compilation.lake;
  if (symbol.kind === 'column') {
    const ds = datasetOfColumn(lake, symbol as ColumnSymbol);
    return ds?.columns.some((c) => c.name === newName) ? `the dataset '${ds.name}' already has a column '${newName}'` : undefined;
  }
  const scopes: Record<string, ReadonlyMap<string, unknown> | undefined> = {
    zone: lake.scope.zone, stream: lake.scope.stream, dataset: lake.scope.dataset, persona: lake.scope.persona, classification: lake.scope.classification,
  };
  return scopes[symbol.kind]?.has(newName) ? `a ${symbol.kind} named '${newName}' already exists` : undefined;
}
