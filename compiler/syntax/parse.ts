/** Source text -> AST for one file: lexing, parsing, comment and doc-comment attachment. */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type * as A from './ast.ts';
import { tokenize } from './lexer.ts';
import { parseTokens } from './parser.ts';

export interface ParsedFile {
  readonly ast: A.LakeFile;
  readonly diagnostics: Diagnostic[];
}

export function parseFile(path: string, text: string): ParsedFile {
  const lexed = tokenize(path, text, { lines: false });
  const parsed = parseTokens(path, text, lexed.tokens);
  const declarations = parsed.declarations.map((d) => attachDocs(d, text));
  return {
    ast: { kind: 'File', path, declarations, comments: lexed.comments, span: { file: path, start: 0, end: text.length } },
    diagnostics: [...lexed.diagnostics, ...parsed.diagnostics],
  };
}

/**
 * The `///` comment lines directly above `offset` (only blank space between), top to bottom,
 * each without its `///`; none when the text before `offset` on its line is not blank.
 */
export function docLinesBefore(text: string, offset: number): string[] {
  const lines: string[] = [];
  // The declaration's own line must have nothing but indentation before it. Looked at from the
  // offset backwards, so that each of the many columns on one long line costs only its indentation.
  let end = offset - 1;
  while (end >= 0 && isBlank(text.charCodeAt(end))) end--;
  if (end >= 0 && text.charCodeAt(end) !== 10) return lines;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (!line.startsWith('///')) break;
    lines.unshift(line.slice(3));
    end = start - 1;
  }
  return lines;
}

/** The `///` lines directly above `offset`, joined; undefined if none. */
export function docCommentBefore(text: string, offset: number): string | undefined {
  const lines = docLinesBefore(text, offset);
  if (lines.length === 0) return undefined;
  return lines.map((l) => l.replace(/^ /, '')).join('\n').trim() || undefined;
}

/** Whitespace as `String.prototype.trim` sees it, other than a line feed. */
function isBlank(c: number): boolean {
  return c !== 10 && (c === 32 || c === 9 || c === 13 || (c > 10 && c < 13) || (c > 127 && /\s/.test(String.fromCharCode(c))));
}

export function attachDocs(decl: A.Declaration, text: string): A.Declaration {
  const doc = docCommentBefore(text, decl.span.start);
  let out: A.Declaration = doc !== undefined ? { ...decl, doc } : decl;
  if (out.kind === 'Dataset') {
    const items = out.items.map((item) => {
      if (item.kind !== 'Columns') return item;
      const columns = item.columns.map((c) => {
        const d = docCommentBefore(text, c.span.start);
        return d !== undefined ? { ...c, doc: d } : c;
      });
      return { ...item, columns };
    });
    out = { ...out, items };
  }
  return out;
}
