/**
 * Diagnostics are data, never exceptions: every phase appends to a list and the CLI,
 * the language server and the tests all read the same records.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A half-open range of UTF-16 offsets [start, end) in one file. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** A concrete edit that repairs a diagnostic (the LSP turns it into a quick fix). */
export interface Fix {
  readonly title: string;
  readonly span: Span;
  readonly text: string;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly hint?: string;
  readonly fixes?: readonly Fix[];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  if (a.span.end !== b.span.end) return a.span.end - b.span.end;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Collects diagnostics; phases never throw for user mistakes. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  error(code: string, span: Span, message: string, hint?: string, fixes?: Fix[]): void {
    this.items.push(build(code, 'error', span, message, hint, fixes));
  }

  warning(code: string, span: Span, message: string, hint?: string, fixes?: Fix[]): void {
    this.items.push(build(code, 'warning', span, message, hint, fixes));
  }
}

function build(code: string, severity: Severity, span: Span, message: string, hint?: string, fixes?: Fix[]): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity, message, span };
  if (hint !== undefined) d.hint = hint;
  if (fixes !== undefined && fixes.length > 0) d.fixes = fixes;
  return d;
}
