/**
 * A validation rule: one concern, one file, one stable code, documented with an example.
 * `lakec explain CODE` and docs/language.md print the documentation fields.
 */
import type { Fix, Severity, Span } from '../diagnostics/diagnostic.ts';
import type { BoundLake } from '../semantic/symbols.ts';

export interface CodeDoc {
  /** `LAKE` + four digits, never reused. */
  readonly code: string;
  readonly severity: Severity;
  /** A short name: "unknown reference". */
  readonly title: string;
  /** What the rule checks and why it matters, for users (Markdown). */
  readonly description: string;
  /** A spec fragment that triggers the diagnostic. */
  readonly example: string;
  /** The same fragment, repaired. */
  readonly fixed?: string;
}

export interface RuleContext {
  readonly lake: BoundLake;
  report(span: Span, message: string, hint?: string, fixes?: Fix[]): void;
  /** `file:line:column` of a span, for hints that point somewhere else ("first declared at ..."). */
  locate(span: Span): string;
}

export interface Rule extends CodeDoc {
  check(ctx: RuleContext): void;
}
