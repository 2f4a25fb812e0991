/** LSP positions (0-based line and UTF-16 character) and URIs, to and from the compiler's offsets and paths. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../diagnostics/diagnostic.ts';
import { offsetAt, positionAt, type SourceFile } from '../syntax/source.ts';

export function toPosition(file: SourceFile, offset: number): Position {
  const p = positionAt(file, offset);
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(file: SourceFile, span: Pick<Span, 'start' | 'end'>): Range {
  return { start: toPosition(file, span.start), end: toPosition(file, span.end) };
}

export function toOffset(file: SourceFile, position: Position): number {
  return offsetAt(file, { line: position.line + 1, column: position.character + 1 });
}

/** A file URI as a path; any other URI (an unsaved `untitled:` buffer) stays as it is. */
export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function pathToUri(path: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(path).href;
}

export function contains(span: Pick<Span, 'start' | 'end'>, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
