/** Runs every rule once over the bound lake and collects what they report. */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { BoundLake } from '../semantic/symbols.ts';
import { positionAt, type SourceFile } from '../syntax/source.ts';
import { rules } from './rules/index.ts';
import type { Rule } from './rule.ts';

export function validate(lake: BoundLake, only: readonly Rule[] = rules, sources: readonly SourceFile[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = new Map(sources.map((s) => [s.path, s]));
  const locate = (span: { file: string; start: number }): string => {
    const f = files.get(span.file);
    if (f === undefined) return span.file;
    const p = positionAt(f, span.start);
    return `${span.file}:${p.line}:${p.column}`;
  };
  // A declaration with a syntax error was only partly read: whatever a rule finds inside it is
  // more likely the parser's loss than a second mistake, so the syntax error speaks alone.
  const broken = lake.files.flatMap((f) => f.declarations.filter((d) => d.hasSyntaxErrors === true).map((d) => d.span));
  const insideBroken = (span: { file: string; start: number; end: number }): boolean =>
    broken.some((b) => b.file === span.file && b.start <= span.start && span.end <= b.end);
  for (const rule of only) {
    rule.check({
      lake,
      locate,
      report(span, message, hint, fixes) {
        if (broken.length > 0 && insideBroken(span)) return;
        const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code: rule.code, severity: rule.severity, message, span };
        if (hint !== undefined) d.hint = hint;
        if (fixes !== undefined && fixes.length > 0) d.fixes = fixes;
        out.push(d);
      },
    });
  }
  return out;
}
