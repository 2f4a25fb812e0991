/**
 * Reparsing only what an edit touched. The parser already works one top-level declaration at a
 * time (see `chunk` in syntax/parser.ts), so after an edit the declarations before and after the
 * changed text are kept (the ones after moved by the length difference) and only the
 * declarations around the change are parsed again.
 *
 * The reparsed region is lexed and parsed alone (its tokens moved to their offsets and lines in
 * the file), together with the head of the next kept declaration, so the parser ends the region
 * exactly as it would in the whole file. The result must equal `parseFile` on the whole new
 * text; whenever a condition for that is not met (an unterminated block comment, a boundary that
 * moved, ...) it falls back to a full parse. test/lsp/incremental.test.ts checks the equality on
 * random edits.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.ts';
import type * as A from '../syntax/ast.ts';
import { tokenize } from '../syntax/lexer.ts';
import { attachDocs, parseFile, type ParsedFile } from '../syntax/parse.ts';
import { parseTokens } from '../syntax/parser.ts';
import * as T from '../syntax/tokens.ts';

/**
 * What other modules derive from a declaration and keep (bindCache.ts: its bound symbols). When
 * an edit moves a kept declaration, what is attached to it moves with it, so it stays valid.
 */
export const attached = new WeakMap<A.Declaration, object>();

export interface ParseState {
  readonly text: string;
  readonly parsed: ParsedFile;
}

export interface Reparse {
  readonly parsed: ParsedFile;
  /** False when the whole text had to be parsed again. */
  readonly incremental: boolean;
}

/**
 * Parses `text`, the new text of the file `previous` was parsed from. `previous` is consumed:
 * the declarations kept after the edit are moved in place (no copy of half a large file at every
 * keystroke), so the caller must not use `previous` or anything derived from it again, except
 * through `attached`.
 */
export function reparse(path: string, previous: ParseState | undefined, text: string): Reparse {
  if (previous === undefined || previous.parsed.ast.path !== path) return { parsed: parseFile(path, text), incremental: false };
  if (previous.text === text) return { parsed: previous.parsed, incremental: true };
  try {
    const parsed = tryIncremental(path, previous, text);
    if (parsed !== undefined) return { parsed, incremental: true };
  } catch {
    // Any surprise here only costs the shortcut: parse the whole text.
  }
  return { parsed: parseFile(path, text), incremental: false };
}

/** The changed range: [start, oldEnd) in the old text became [start, newEnd) in the new one. */
function changedRange(oldText: string, newText: string): { start: number; oldEnd: number; newEnd: number } {
  let start = 0;
  const max = Math.min(oldText.length, newText.length);
  while (start < max && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
  let oldEnd = oldText.length;
  let newEnd = newText.length;
  while (oldEnd > start && newEnd > start && oldText.charCodeAt(oldEnd - 1) === newText.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}

const declarationWords = new Set(['lake', 'zone', 'classification', 'stream', 'dataset', 'persona', 'grant']);

function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10 || text.charCodeAt(offset - 1) === 13;
}

/** The end of the token that must follow a declaration keyword for the parser to start a declaration there. */
function headEnd(d: A.Declaration): number | undefined {
  if (d.kind === 'Grant') return d.privileges[0]?.span.end;
  return d.name.span.start === d.name.span.end ? undefined : d.name.span.end;
}

/** Where the `///` lines right above `offset` begin (the lines `docCommentBefore` reads). */
function docStart(text: string, offset: number): number {
  let start = offset - (offset - (text.lastIndexOf('\n', offset - 1) + 1));
  for (;;) {
    if (start === 0) return 0;
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    if (!text.slice(prevStart, start - 1).trim().startsWith('///')) return start;
    start = prevStart;
  }
}

function insideComment(comments: readonly A.Comment[], offset: number): boolean {
  return comments.some((c) => c.span.start < offset && offset < c.span.end);
}

/** True when `text` at `offset` starts with a declaration keyword followed by a name. */
function startsDeclaration(text: string, offset: number): boolean {
  if (!atLineStart(text, offset)) return false;
  const lexed = tokenize('', text.slice(offset, offset + 256));
  const [kw, next] = lexed.tokens;
  return kw !== undefined && kw.startOffset === 0 && T.declarationKeywords.includes(kw.tokenType) && declarationWords.has(kw.image)
    && next !== undefined && (next.tokenType === T.Identifier || T.keywordTokens.includes(next.tokenType));
}

function tryIncremental(path: string, previous: ParseState, text: string): ParsedFile | undefined {
  const old = previous.parsed;
  const oldText = previous.text;
  const { start: cs, oldEnd: ce, newEnd } = changedRange(oldText, text);
  const delta = newEnd - ce;
  const decls = old.ast.declarations;
  // An unterminated block comment, or a `*/` never opened, makes every boundary near it unreliable.
  if (commentTrouble(old.diagnostics, oldText)) return undefined;

  // First reparsed declaration: the last one starting at or before the change, at a line start.
  let first = -1;
  for (let i = decls.length - 1; i >= 0; i--) {
    const s = decls[i]!.span.start;
    if (s > cs) continue;
    if (atLineStart(oldText, s) && s < cs && startsDeclaration(text, s)) {
      first = i;
      break;
    }
  }
  let regionStart = 0;
  if (first >= 0) {
    regionStart = docStart(oldText, decls[first]!.span.start);
    if (regionStart >= cs || insideComment(old.ast.comments, regionStart)) regionStart = first === 0 ? 0 : -1;
    if (regionStart === -1) return undefined;
    if (regionStart === 0) first = -1;
  }
  // First kept declaration after the change: untouched, at a line start, with the same doc comment.
  let next = -1;
  for (let j = Math.max(first + 1, 1); j < decls.length; j++) {
    const d = decls[j]!;
    if (d.span.start <= ce) continue;
    const head = headEnd(d);
    if (head === undefined || !atLineStart(oldText, d.span.start) || insideComment(old.ast.comments, d.span.start)) continue;
    // Its doc comment (the `///` lines right above) must be the same text before and after.
    const docOld = docStart(oldText, d.span.start);
    const docNew = docStart(text, d.span.start + delta);
    if (docNew < newEnd || docNew - delta !== docOld) continue;
    next = j;
    break;
  }
  const regionEnd = next >= 0 ? decls[next]!.span.start + delta : text.length;
  const stubEnd = next >= 0 ? headEnd(decls[next]!)! + delta : text.length;

  const region = parseRegion(path, text, regionStart, stubEnd);
  // The region must end where the kept declaration starts, exactly as in the whole text.
  if (commentTrouble(region.diagnostics, text)) return undefined;
  if (next >= 0 && !region.ast.declarations.some((d) => d.span.start === regionEnd)) return undefined;

  const inRegion = (s: Span): boolean => s.start >= regionStart && (next < 0 || s.start < regionEnd);
  const before = (s: Span): boolean => s.start < regionStart;
  const after = (s: Span): boolean => next >= 0 && s.start >= regionEnd - delta;
  const keptAfter = next >= 0 ? decls.slice(next) : [];

  // Everything is decided: what is kept after the edit moves by `delta`, in place (see `reparse`).
  const keptComments = old.ast.comments.filter((c) => after(c.span));
  const keptDiagnostics = old.diagnostics.filter((d) => after(d.span));
  if (delta !== 0) {
    const seen = new Set<object>();
    for (const d of keptAfter) {
      moveInPlace(d, delta, seen);
      const derived = attached.get(d);
      if (derived !== undefined) moveInPlace(derived, delta, seen);
    }
    moveInPlace(keptComments, delta, seen);
    moveInPlace(keptDiagnostics, delta, seen);
  }
  const declarations: A.Declaration[] = [
    ...decls.filter((d) => before(d.span)),
    ...region.ast.declarations.filter((d) => inRegion(d.span)),
    ...keptAfter,
  ];
  const comments: A.Comment[] = [
    ...old.ast.comments.filter((c) => before(c.span)),
    ...region.ast.comments.filter((c) => inRegion(c.span)),
    ...keptComments,
  ];
  const diagnostics: Diagnostic[] = [
    ...old.diagnostics.filter((d) => before(d.span)),
    ...region.diagnostics.filter((d) => inRegion(d.span)),
    ...keptDiagnostics,
  ];
  return {
    ast: { kind: 'File', path, declarations, comments, span: { file: path, start: 0, end: text.length } },
    diagnostics,
  };
}

/**
 * What `parseFile` gives for the text between two line starts as if the rest of the file were
 * blank: the region is lexed alone, its tokens moved to their place in the file (a region starts
 * at a line start, so columns stay), and parsed with doc comments read from the whole text.
 */
function parseRegion(path: string, text: string, start: number, end: number): ParsedFile {
  const lexed = tokenize(path, text.slice(start, end));
  const lines = linesBefore(text, start);
  for (const t of lexed.tokens) {
    t.startOffset += start;
    if (t.endOffset !== undefined) t.endOffset += start;
    if (t.startLine !== undefined) t.startLine += lines;
    if (t.endLine !== undefined) t.endLine += lines;
  }
  const parsed = parseTokens(path, text, lexed.tokens);
  return {
    ast: {
      kind: 'File', path, declarations: parsed.declarations.map((d) => attachDocs(d, text)),
      comments: lexed.comments.map((c) => shift(c, start)), span: { file: path, start: 0, end: text.length },
    },
    diagnostics: [...lexed.diagnostics.map((d) => shift(d, start)), ...parsed.diagnostics],
  };
}

/** Line breaks before `offset`, counted as the lexer counts them (`\r\n`, `\n` or a lone `\r`). */
function linesBefore(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

function commentTrouble(diagnostics: readonly Diagnostic[], text: string): boolean {
  return diagnostics.some((d) => {
    if (d.code !== 'LAKE0003') return false;
    const at = text.slice(d.span.start, d.span.start + 2);
    return at === '/*' || at === '*/';
  });
}

/** Moves every span reachable from `root` by `delta`, each object once (`seen` spans several roots that share objects). */
function moveInPlace(root: object, delta: number, seen: Set<object>): void {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'object' && x !== null) stack.push(x);
      }
      continue;
    }
    const o = v as Record<string, unknown>;
    // Spans are the only objects with a `file`; a span can be shared (a declaration's span and
    // its body's, a symbol's name and the AST's), so each moves once.
    if (typeof o['file'] === 'string' && typeof o['start'] === 'number') {
      if (seen.has(o)) continue;
      seen.add(o);
      (o as { start: number }).start += delta;
      (o as { end: number }).end += delta;
      continue;
    }
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
}

/** A copy of an AST node (or diagnostic) with every span moved by `delta`. */
export function shift<N>(node: N, delta: number): N {
  if (delta === 0 || typeof node !== 'object' || node === null) return node;
  return shiftValue(node, delta) as N;
}

function shiftValue(v: object, delta: number): unknown {
  // Hot on large files (every declaration after an edit): plain loops, no calls for primitives.
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      out[i] = typeof x === 'object' && x !== null ? shiftValue(x, delta) : x;
    }
    return out;
  }
  const o = v as Record<string, unknown>;
  const start = o['start'];
  if (typeof start === 'number' && typeof o['file'] === 'string' && typeof o['end'] === 'number' && Object.keys(o).length === 3) {
    return { file: o['file'], start: start + delta, end: (o['end'] as number) + delta };
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const x = o[k];
    out[k] = typeof x === 'object' && x !== null ? shiftValue(x, delta) : x;
  }
  return out;
}
