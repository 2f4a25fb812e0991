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

/** The `///` lines directly above `offset` (only blank space between), joined; undefined if none. */
export function docCommentBefore(text: string, offset: number): string | undefined {
  const lines: string[] = [];
  let end = text.lastIndexOf('\n', offset - 1);
  // The declaration's own line must have nothing but indentation before it.
  if (text.slice(end + 1, offset).trim() !== '') return undefined;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (!line.startsWith('///')) break;
    lines.unshift(line.slice(3).replace(/^ /, ''));
    end = start - 1;
  }
  if (lines.length === 0) return undefined;
  return lines.join('\n').trim() || undefined;
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
