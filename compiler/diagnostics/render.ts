/** Printing diagnostics: compiler-style text (with the source line underlined) or JSON. */
import { lineText, positionAt, type SourceFile } from '../syntax/source.ts';
import type { Diagnostic } from './diagnostic.ts';

export interface JsonDiagnostic {
  code: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  hint?: string;
}

export function toJson(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): JsonDiagnostic {
  const f = files.get(d.span.file);
  const start = f ? positionAt(f, d.span.start) : { line: 1, column: 1 };
  const end = f ? positionAt(f, d.span.end) : start;
  return {
    code: d.code, severity: d.severity, message: d.message, file: d.span.file,
    line: start.line, column: start.column, endLine: end.line, endColumn: end.column,
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}

const colours = { error: '\x1b[1;31m', warning: '\x1b[1;33m', info: '\x1b[1;36m', bold: '\x1b[1m', dim: '\x1b[2m', cyan: '\x1b[36m', reset: '\x1b[0m' };

export function renderText(d: Diagnostic, files: ReadonlyMap<string, SourceFile>, colour: boolean): string {
  const c = (k: keyof typeof colours, s: string): string => (colour ? colours[k] + s + colours.reset : s);
  const f = files.get(d.span.file);
  const j = toJson(d, files);
  const lines = [`${c('bold', `${printable(j.file)}:${j.line}:${j.column}`)}: ${c(d.severity, `${d.severity}[${d.code}]`)}: ${c('bold', printable(d.message))}`];
  // An empty file (or one that is not text) has no line to show.
  if (f !== undefined && f.text !== '') {
    const gutter = String(j.line).length;
    const line = lineText(f, j.line);
    const from = j.column - 1;
    const to = j.endLine === j.line ? Math.max(j.endColumn - 1, from + 1) : Math.max(line.length, from + 1);
    const e = excerpt(line, from, to);
    lines.push(`${' '.repeat(gutter)} ${c('cyan', '|')}`);
    lines.push(`${c('cyan', String(j.line))} ${c('cyan', '|')} ${e.text}`);
    lines.push(`${' '.repeat(gutter)} ${c('cyan', '|')} ${' '.repeat(e.caret)}${c(d.severity, '^'.repeat(e.width))}`);
  }
  if (d.hint !== undefined) lines.push(`${c('cyan', '  = hint:')} ${printable(d.hint)}`);
  return lines.join('\n');
}

/** Columns of a source line an excerpt shows at most: a line of a spec written on one line can be megabytes long. */
export const excerptWidth = 100;

/**
 * The part of `line` to show for the columns [from, to): the whole line when it is short, else a
 * window of `excerptWidth` columns around the span with `…` where it is cut; control characters
 * escaped. `caret` and `width` place the `^` marks under the span as shown.
 */
export function excerpt(line: string, from: number, to: number, width = excerptWidth): { text: string; caret: number; width: number } {
  let start = 0;
  let end = line.length;
  if (line.length > width) {
    start = Math.max(0, from - Math.floor(width / 4));
    end = Math.min(line.length, start + width);
    start = Math.max(0, end - width);
    // Never cut a surrogate pair in two.
    if (start > 0 && isLowSurrogate(line.charCodeAt(start))) start++;
    if (end < line.length && isLowSurrogate(line.charCodeAt(end))) end--;
  }
  const head = start > 0 ? '…' : '';
  const before = printable(line.slice(start, Math.max(start, Math.min(from, end))), true);
  const inside = printable(line.slice(Math.max(start, from), Math.min(end, to)), true);
  const text = head + printable(line.slice(start, end), true) + (end < line.length ? '…' : '');
  return { text, caret: head.length + before.length, width: Math.max(1, inside.length) };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Text safe to print on a terminal: control characters (C0, DEL, C1), bidirectional overrides and
 * line or paragraph separators become escapes (`\x1b`, `\u202e`), so a spec cannot move the cursor,
 * recolour the terminal or reorder what is shown. `tabs`: a tab becomes one space (excerpts).
 */
export function printable(text: string, tabs = false): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    if (code === 9 && tabs) return ' ';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return `${counted(errors, 'error')}, ${counted(warnings, 'warning')}`;
}

/**
 * `1 checkpoint`, `3 checkpoints`, `1 adjusted system time`: the number (with thousands
 * separators) and the noun, in the plural unless the number is one. `plural` for irregular nouns;
 * the last word of a phrase takes the `s`.
 */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${Math.round(n).toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
