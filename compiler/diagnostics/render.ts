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
  const lines = [`${c('bold', `${j.file}:${j.line}:${j.column}`)}: ${c(d.severity, `${d.severity}[${d.code}]`)}: ${c('bold', d.message)}`];
  if (f !== undefined) {
    const gutter = String(j.line).length;
    const text = lineText(f, j.line).replace(/\t/g, ' ');
    const from = j.column - 1;
    const to = j.endLine === j.line ? Math.max(j.endColumn - 1, from + 1) : Math.max(text.length, from + 1);
    lines.push(`${' '.repeat(gutter)} ${c('cyan', '|')}`);
    lines.push(`${c('cyan', String(j.line))} ${c('cyan', '|')} ${text}`);
    lines.push(`${' '.repeat(gutter)} ${c('cyan', '|')} ${' '.repeat(from)}${c(d.severity, '^'.repeat(Math.max(1, to - from)))}`);
  }
  if (d.hint !== undefined) lines.push(`${c('cyan', '  = hint:')} ${d.hint}`);
  return lines.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
