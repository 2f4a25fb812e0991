/** A source file and the offset <-> line/column mapping used when diagnostics are printed. */

export interface SourceFile {
  /** The path as the user named it (relative paths stay relative: output never embeds absolute paths). */
  readonly path: string;
  readonly text: string;
}

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
}

const lineIndexCache = new WeakMap<SourceFile, number[]>();

export function lineStarts(file: SourceFile): number[] {
  let starts = lineIndexCache.get(file);
  if (starts === undefined) {
    starts = [0];
    const text = file.text;
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    lineIndexCache.set(file, starts);
  }
  return starts;
}

export function positionAt(file: SourceFile, offset: number): Position {
  const starts = lineStarts(file);
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= clamped) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: clamped - starts[lo]! + 1 };
}

export function offsetAt(file: SourceFile, position: Position): number {
  const starts = lineStarts(file);
  const lineIndex = Math.max(0, Math.min(position.line - 1, starts.length - 1));
  const lineEnd = lineIndex + 1 < starts.length ? starts[lineIndex + 1]! - 1 : file.text.length;
  return Math.min(starts[lineIndex]! + Math.max(0, position.column - 1), lineEnd);
}

export function lineText(file: SourceFile, line: number): string {
  const starts = lineStarts(file);
  const start = starts[line - 1] ?? file.text.length;
  const end = line < starts.length ? starts[line]! - 1 : file.text.length;
  return file.text.slice(start, end).replace(/\r$/, '');
}
