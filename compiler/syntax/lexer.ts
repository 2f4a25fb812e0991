/** Tokenizing, with lexical problems turned into diagnostics instead of exceptions. */
import { Lexer, type ILexingError, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import * as T from './tokens.ts';
import type { Comment } from './ast.ts';

let lexer: Lexer | undefined;
let offsetLexer: Lexer | undefined;

function instance(lines = true): Lexer {
  // Built once and reused: chevrotain's lexer construction analyses every pattern.
  // ensureOptimizations: every pattern must be indexable by its first character (a test builds
  // the lexer this way); the lexer is then about four times faster.
  if (!lines) return (offsetLexer ??= new Lexer(T.allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true }));
  lexer ??= new Lexer(T.allTokens, { positionTracking: 'full', ensureOptimizations: true });
  return lexer;
}

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

/**
 * `lines: false` leaves the tokens' line and column fields unset (only offsets), which lexes
 * faster; the parser needs only offsets. The editor features that read token lines keep the default.
 */
export function tokenize(path: string, text: string, { lines = true }: { lines?: boolean } = {}): LexResult {
  let result = instance(lines).tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const comments: Comment[] = [];
  // A `*/` outside any comment: its `/*` was lost. Read the `*`-prefixed lines right above it as
  // the comment (the usual shape), so ten lines of prose do not become ten lines of errors.
  const stray = strayCommentEnd(result.errors, text);
  if (stray !== undefined) {
    const start = orphanCommentStart(text, stray);
    const end = stray + 2;
    result = instance(lines).tokenize(text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end));
    comments.push({ kind: 'block', text: text.slice(start, end), span: { file: path, start, end } });
    diagnostics.push({
      code: 'LAKE0003', severity: 'error', message: "'*/' ends a comment that was never opened",
      span: { file: path, start: stray, end }, hint: "open the comment with '/*'",
    });
  }
  for (const tok of result.groups['comments'] ?? []) {
    const kind = tok.tokenType === T.DocComment ? 'doc' : tok.tokenType === T.BlockComment ? 'block' : 'line';
    comments.push({ kind, text: tok.image, span: { file: path, start: tok.startOffset, end: tok.startOffset + tok.image.length } });
  }
  for (const tok of result.groups['errors'] ?? []) {
    if (tok.tokenType !== T.UnterminatedBlockComment) continue;
    const start = tok.startOffset;
    diagnostics.push({
      code: 'LAKE0003', severity: 'error', message: 'unterminated block comment',
      span: { file: path, start, end: start + 2 }, hint: "close the comment with '*/'",
    });
    comments.push({ kind: 'block', text: tok.image, span: { file: path, start, end: start + tok.image.length } });
  }
  // Characters no token matches: the lexer skipped each run and reported it once.
  for (const e of result.errors) {
    const chars = text.slice(e.offset, e.offset + Math.max(1, e.length));
    diagnostics.push({
      code: 'LAKE0001', severity: 'error',
      message: `unexpected character${chars.length > 1 ? 's' : ''} '${chars}'`,
      span: { file: path, start: e.offset, end: e.offset + chars.length },
      hint: 'names use letters, digits and underscores; strings go in double quotes',
    });
  }
  for (const tok of result.tokens) {
    if (tok.tokenType !== T.UnterminatedString && tok.tokenType !== T.UnterminatedSqlString) continue;
    const quote = tok.tokenType === T.UnterminatedString ? '"' : "'";
    diagnostics.push({
      code: 'LAKE0003', severity: 'error', message: 'unterminated string',
      span: { file: path, start: tok.startOffset, end: tok.startOffset + tok.image.length },
      hint: `close the string with ${quote} on the same line`,
    });
  }
  // Offset-only tokens carry no end offset; the parser's spans need it.
  if (!lines) for (const tok of result.tokens) tok.endOffset = tok.startOffset + tok.image.length - 1;
  return { tokens: result.tokens, comments, diagnostics };
}

/** The offset of the first comment end (star, slash) that no comment opened, if any. */
function strayCommentEnd(errors: readonly ILexingError[], text: string): number | undefined {
  for (const e of errors) {
    const run = text.slice(e.offset, e.offset + e.length);
    for (let i = run.indexOf('*/'); i >= 0; i = run.indexOf('*/', i + 1)) {
      if (text.charCodeAt(e.offset + i + 2) !== 47 /* / */) return e.offset + i;
    }
  }
  return undefined;
}

/** Where a comment whose end (star, slash) is at `at` began: the run of `*`-prefixed lines above it, else `at`. */
function orphanCommentStart(text: string, at: number): number {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  // The closing line itself must be blank or `*`-prefixed before the end.
  if (!/^[ \t]*(?:\*[^\n]*)?$/.test(text.slice(lineStart, at))) return at;
  let start = lineStart;
  while (start > 0) {
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    if (!/^[ \t]*\*(?!\/)/.test(text.slice(prevStart, start - 1))) break;
    start = prevStart;
  }
  return start === lineStart ? at : start;
}
