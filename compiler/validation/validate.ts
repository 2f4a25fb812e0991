/** Runs every rule once over the bound lake and collects what they report. */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { BoundLake } from '../semantic/symbols.ts';
import { positionAt, type SourceFile } from '../syntax/source.ts';
import { closest } from '../diagnostics/suggest.ts';
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
  const escalated = warningsAsErrors(lake, out);
  for (const rule of only) {
    const severity = rule.severity === 'warning' && escalated.has(rule.code) ? 'error' : rule.severity;
    rule.check({
      lake,
      locate,
      report(span, message, hint, fixes) {
        if (broken.length > 0 && insideBroken(span)) return;
        const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code: rule.code, severity, message, span };
        if (hint !== undefined) d.hint = hint;
        if (fixes !== undefined && fixes.length > 0) d.fixes = fixes;
        out.push(d);
      },
    });
  }
  return out;
}

/**
 * The codes the lake's `warnings_as_errors` turns into errors. Each must be the code of a warning
 * a rule reports: anything else is reported (LAKE1010) and ignored.
 */
function warningsAsErrors(lake: BoundLake, out: Diagnostic[]): Set<string> {
  const codes = new Set<string>();
  const listed = lake.lakes[0]?.warningsAsErrors ?? [];
  if (listed.length === 0) return codes;
  const warnings = new Map(rules.filter((r) => r.severity === 'warning').map((r) => [r.code, r]));
  const all = new Map(rules.map((r) => [r.code, r]));
  for (const c of listed) {
    if (warnings.has(c.value)) {
      codes.add(c.value);
      continue;
    }
    const rule = all.get(c.value);
    const guess = closest(c.value, warnings.keys());
    out.push({
      code: 'LAKE1010', severity: 'error', span: c.span,
      message: rule !== undefined ? `${c.value} (${rule.title}) is an error already; 'warnings_as_errors' lists warnings` : `${c.value} is not the code of a warning lakec reports`,
      hint: guess !== undefined && rule === undefined ? `did you mean ${guess} (${warnings.get(guess)!.title})?` : `the warnings: ${[...warnings.keys()].join(', ')} ('lakec explain CODE' says what each is)`,
    });
  }
  return codes;
}
