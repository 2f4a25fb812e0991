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
  for (const rule of only) {
    rule.check({
      lake,
      locate,
      report(span, message, hint, fixes) {
        const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code: rule.code, severity: rule.severity, message, span };
        if (hint !== undefined) d.hint = hint;
        if (fixes !== undefined && fixes.length > 0) d.fixes = fixes;
        out.push(d);
      },
    });
  }
  return out;
}
