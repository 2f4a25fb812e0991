/**
 * Completion from the text around the cursor, which is usually broken while one types: the
 * declaration around the cursor is lexed alone (so a request costs the same in a ten-line and a
 * ten-thousand-line file), the blocks and brackets open at the cursor are tracked, and the
 * statement being written decides what fits. Names and columns come from the lake's last check.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { knownTimeZones } from '../validation/timeZone.ts';
import type { IToken } from 'chevrotain';
import { systemColumns, type BoundLake, type SymbolBase } from '../semantic/symbols.ts';
import { rules } from '../validation/rules/index.ts';
import { classificationsText } from './hover.ts';
import { typeText } from '../semantic/types.ts';
import { tokenize } from '../syntax/lexer.ts';
import * as T from '../syntax/tokens.ts';
import {
  blockAttributes, columnSources, declarationDocs, declarationKeywords, durationUnits, privileges, rowFilterKeywords,
  transformDocs, transforms, typeDocs, typeNames,
} from './vocabulary.ts';

interface Frame {
  readonly open: '{' | '(' | '[' | '<' | 'top';
  /** What opened it: `sla`, `columns`, `key`, `day`, `list`, the declaration keyword for a body. */
  readonly owner: string;
  /** Tokens of the statement being written at this level (nested tokens included). */
  stmt: IToken[];
  /** First tokens of the statements already written at this level (attributes already present). */
  readonly written: string[];
}

const declarationStart = new RegExp(`^(?:${declarationKeywords.join('|')})(?![A-Za-z0-9_])`);

/** The start of the declaration around `offset`: the nearest line above that starts with a declaration keyword. */
export function declarationStartBefore(text: string, offset: number): number {
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (declarationStart.test(text.slice(lineStart, offset))) return lineStart;
  while (lineStart > 0) {
    const prev = text.lastIndexOf('\n', lineStart - 2) + 1;
    if (declarationStart.test(text.slice(prev, Math.min(prev + 16, lineStart)))) return prev;
    lineStart = prev;
  }
  return 0;
}

function isName(t: IToken): boolean {
  return t.tokenType === T.Identifier || T.keywordTokens.includes(t.tokenType);
}

export function complete(lake: BoundLake | undefined, text: string, offset: number): CompletionItem[] {
  const start = declarationStartBefore(text, offset);
  const slice = text.slice(start, offset);
  const lexed = tokenize('', slice);
  const end = slice.length;
  // Inside a comment or a string: nothing to offer.
  for (const c of lexed.comments) {
    if (c.span.start < end && c.span.end >= end && (c.kind !== 'block' || !c.text.endsWith('*/') || c.span.end > end)) return [];
  }
  const toks = lexed.tokens;
  let lastTok = toks[toks.length - 1];
  if (lastTok !== undefined && lastTok.endOffset! + 1 === end) {
    const tt = lastTok.tokenType;
    if (tt === T.UnterminatedString || tt === T.UnterminatedSqlString) return [];
    if (tt === T.StringLiteral || tt === T.SqlString || tt === T.NumberLiteral || tt === T.JsonPath) return [];
    // The word being typed: the client filters by it, the context is what precedes it.
    if (isName(lastTok)) {
      toks.pop();
      lastTok = toks[toks.length - 1];
    }
  }
  const cursorLine = 1 + countNewlines(slice);
  const c = new Context(lake, toks, cursorLine);
  return c.items();
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

class Context {
  private readonly stack: Frame[] = [{ open: 'top', owner: '', stmt: [], written: [] }];
  /** The declaration's body was closed: what follows is the next declaration. */
  private bodyClosed = false;
  /** The cursor is on a line after the last token. */
  private readonly newLine: boolean;

  constructor(private readonly lake: BoundLake | undefined, private readonly toks: IToken[], cursorLine: number) {
    let prev: IToken | undefined;
    for (const t of toks) {
      const frame = this.top();
      // A new line in a block starts a new statement.
      if (frame.open === '{' && prev !== undefined && t.startLine! > (prev.endLine ?? prev.startLine!)) this.endStatement(frame);
      const tt = t.tokenType;
      if (tt === T.Semicolon && frame.open === '{') {
        this.endStatement(frame);
      } else if (tt === T.LCurly) {
        frame.stmt.push(t);
        const owner = frame.open === 'top' ? (this.toks[0]?.image ?? '') : (frame.stmt[0]?.image ?? '');
        this.stack.push({ open: '{', owner: frame.stmt.length > 1 && frame.stmt[frame.stmt.length - 2]!.tokenType === T.Equals ? 'map' : owner, stmt: [], written: [] });
      } else if (tt === T.LParen || tt === T.LBracket || (tt === T.Lt && prev !== undefined && ['list', 'map', 'struct'].includes(prev.image))) {
        frame.stmt.push(t);
        const open = tt === T.LParen ? '(' : tt === T.LBracket ? '[' : '<';
        const owner = prev !== undefined && isName(prev) ? prev.image : (frame.stmt[0]?.image ?? '');
        this.stack.push({ open, owner, stmt: [], written: [] });
      } else if ((tt === T.RCurly && frame.open === '{') || (tt === T.RParen && frame.open === '(') || (tt === T.RBracket && frame.open === '[') || (tt === T.Gt && frame.open === '<')) {
        this.stack.pop();
        this.top().stmt.push(t);
        if (this.stack.length === 1 && tt === T.RCurly) this.bodyClosed = true;
      } else if (tt === T.RCurly && frame.open !== '{') {
        // An unclosed bracket inside a block: drop back to the block.
        while (this.stack.length > 1 && this.top().open !== '{') this.stack.pop();
        if (this.stack.length > 1) this.stack.pop();
        this.top().stmt.push(t);
        if (this.stack.length === 1) this.bodyClosed = true;
      } else {
        frame.stmt.push(t);
      }
      prev = t;
    }
    this.newLine = prev !== undefined && cursorLine > (prev.endLine ?? prev.startLine!);
    const frame = this.top();
    if (frame.open === '{' && this.newLine) this.endStatement(frame);
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private endStatement(frame: Frame): void {
    if (frame.stmt.length > 0) frame.written.push(frame.stmt[0]!.image);
    frame.stmt = [];
  }

  /** The declaration keyword, or undefined at the top of the file. */
  private get declaration(): string | undefined {
    const first = this.toks[0];
    return first !== undefined && T.declarationKeywords.includes(first.tokenType) ? first.image : undefined;
  }

  private get datasetName(): string | undefined {
    if (this.declaration === 'dataset') return this.toks[1] !== undefined && isName(this.toks[1]) ? this.toks[1].image : undefined;
    if (this.declaration === 'grant') {
      const on = this.toks.findIndex((t) => t.tokenType === T.On);
      const d = on >= 0 ? this.toks[on + 1] : undefined;
      return d !== undefined && isName(d) && d.image !== 'zone' ? d.image : undefined;
    }
    return undefined;
  }

  items(): CompletionItem[] {
    const frame = this.top();
    const decl = this.declaration;
    if (this.stack.length === 1) {
      // Nothing yet, or the declaration before is complete: a new declaration.
      const done = this.bodyClosed || (decl === 'classification' && this.toks.length >= 2 && this.newLine);
      if (decl === undefined || this.toks.length === 0 || done) return keywords(declarationKeywords, declarationDocs);
      return decl === 'grant' ? this.grant() : this.header(decl);
    }
    if (frame.open === '{') return this.block(frame);
    return this.bracket(frame);
  }

  /** `dataset NAME in |`. */
  private header(decl: string): CompletionItem[] {
    const s = this.stack[0]!.stmt;
    if (decl === 'dataset') {
      if (s.length === 2) return keywords(['in']);
      if (s.length === 3 && s[2]!.tokenType === T.In) return this.names('zone');
    }
    return [];
  }

  private grant(): CompletionItem[] {
    const s = this.stack[0]!.stmt;
    const last = s[s.length - 1]!;
    const idx = (tt: typeof T.On): number => s.findIndex((t) => t.tokenType === tt);
    const on = idx(T.On);
    const to = idx(T.To);
    const where = idx(T.Where);
    if (where >= 0) return this.rowFilter();
    if (to >= 0) {
      if (s.length - 1 === to) return this.names('persona');
      // After the persona: a `where`, or on a new line the next declaration.
      if (s.length - 1 === to + 1) return [...keywords(['where']), ...(this.newLine ? keywords(declarationKeywords, declarationDocs) : [])];
      return [];
    }
    if (on < 0) return last.tokenType === T.Grant || last.tokenType === T.Comma ? keywords(privileges) : keywords(['on']);
    if (s.length - 1 === on) return [...this.names('dataset'), ...keywords(['zone'])];
    if (s[on + 1]?.image === 'zone') return s.length - 1 === on + 1 ? this.names('zone') : keywords(['to']);
    if (last.tokenType === T.At) return this.names('classification');
    if (last.tokenType === T.Except) return this.names('classification').map((i) => ({ ...i, label: `@${i.label}` }));
    return keywords(['to', 'except']);
  }

  private rowFilter(): CompletionItem[] {
    return [...this.columns(this.datasetName, [], this.declaration === 'grant'), ...keywords(rowFilterKeywords)];
  }

  private block(frame: Frame): CompletionItem[] {
    const owner = frame.owner;
    const s = frame.stmt;
    if (owner === 'columns') return this.column(s);
    if (owner === 'map') return [];
    const attrs = blockAttributes[owner];
    if (attrs === undefined) return [];
    if (s.length === 0) {
      return attrs.filter((a) => !frame.written.includes(a.name) || a.name === 'peak').map((a): CompletionItem => ({
        label: a.name, kind: CompletionItemKind.Property, detail: `${owner} attribute`, documentation: { kind: 'markdown', value: a.doc },
        ...(a.block ? { insertText: `${a.name} {\n\t$0\n}`, insertTextFormat: InsertTextFormat.Snippet } : a.assign ? { insertText: `${a.name} = ` } : {}),
      }));
    }
    const attr = s[0]!.image;
    const rest = s.slice(1);
    const values = rest[0]?.tokenType === T.Equals ? rest.slice(1) : rest;
    const lastTok = values[values.length - 1];
    const afterNumber = lastTok?.tokenType === T.NumberLiteral;
    const def = attrs.find((a) => a.name === attr);
    switch (attr) {
      case 'from':
        return values.length === 0 ? keywords(['stream']) : values.length === 1 && values[0]!.image === 'stream' ? this.names('stream') : [];
      case 'partition':
        return values.length === 0 ? keywords(['by']) : lastTok?.image === 'by' || lastTok?.tokenType === T.Comma ? this.transforms() : [];
      case 'valid':
        return values.length === 0 || lastTok?.tokenType === T.DotDot ? this.columns(this.datasetName) : values.length === 1 ? keywords(['..']) : [];
      case 'system':
        return values.length === 0 ? [...this.columns(this.datasetName), ...keywords(['ingestion'])] : [];
      case 'archive':
        if (values.length === 0) return keywords(def?.values ?? []);
        if (values.length === 1) return keywords(['after']);
        return afterNumber ? keywords(durationUnits) : [];
      case 'burst':
        if (afterNumber && values.length === 1) return keywords(['records']);
        if (lastTok?.image === 'records') return keywords(['within']);
        return afterNumber ? keywords(durationUnits) : [];
      case 'baseline':
        return afterNumber ? keywords(['kpu']) : [];
      case 'peak':
        // peak "CRON" [in "TIME ZONE"] for DURATION at N kpu
        if (values.length === 1 && values[0]!.tokenType === T.StringLiteral) return keywords(['in', 'for']);
        if (values.length === 2 && lastTok?.image === 'in') return timeZones();
        if (values.length === 3 && values[1]!.image === 'in' && lastTok?.tokenType === T.StringLiteral) return keywords(['for']);
        if (afterNumber) return values.some((v) => v.image === 'at') ? keywords(['kpu']) : keywords(durationUnits);
        if (values.length > 2 && durationUnits.some((u) => lastTok?.image.startsWith(u.slice(0, -1)))) return keywords(['at']);
        return [];
      case 'expire_snapshots':
        return values.length === 0 ? keywords(['after']) : afterNumber ? keywords(durationUnits) : [];
      default:
        if (afterNumber) return keywords(durationUnits);
        if (values.length === 0 && def?.values !== undefined && def.name !== 'access') return keywords(def.values);
        return [];
    }
  }

  /** Inside `( )`, `[ ]` or `< >`. */
  private bracket(frame: Frame): CompletionItem[] {
    const s = frame.stmt;
    const lastTok = s[s.length - 1];
    const atStart = s.length === 0 || lastTok?.tokenType === T.Comma;
    const owner = frame.owner;
    const block = this.stack.slice(0, -1).reverse().find((f) => f.open === '{');
    // Grants: `on trades (a, b)`, `except (a)`.
    if (this.declaration === 'grant' && this.stack.length === 2) {
      // A column list or `except (...)`: the columns not listed yet, with their classifications.
      if (frame.open === '(' && owner !== 'in') return atStart ? this.columns(this.datasetName, s.filter(isName).map((t) => t.image), true) : [];
      return this.rowFilter();
    }
    if (frame.open === '<') {
      if (owner === 'struct') return lastTok?.tokenType === T.Colon ? this.types() : [];
      return atStart ? this.types() : [];
    }
    if (frame.open === '[') {
      const attr = block?.stmt[0]?.image ?? owner;
      if (!atStart) return [];
      if (owner === 'access' || attr === 'access') return keywords(['athena', 'quicksight', 'api']);
      if (owner === 'warnings_as_errors' || attr === 'warnings_as_errors') return this.warningCodes(s.filter(isName).map((t) => t.image));
      return [];
    }
    if (owner === 'key') return atStart ? this.columns(this.datasetName) : [];
    if ((transforms as readonly string[]).includes(owner)) {
      const takesWidth = owner === 'bucket' || owner === 'truncate';
      return (takesWidth ? lastTok?.tokenType === T.Comma : s.length === 0) ? this.columns(this.datasetName) : [];
    }
    if (owner === 'check') return this.rowFilter();
    return [];
  }

  /** A line of the columns block: `name TYPE [= SOURCE] [@label ...]`. */
  private column(s: IToken[]): CompletionItem[] {
    if (s.length === 0) return [];
    const lastTok = s[s.length - 1]!;
    if (s.length === 1) return this.types();
    if (lastTok.tokenType === T.At) return [...this.names('classification'), ...keywords(['check'])];
    if (lastTok.tokenType === T.Equals) return columnSources.map((f) => ({ label: f, kind: CompletionItemKind.Function, detail: 'column source' }));
    return [];
  }

  private types(): CompletionItem[] {
    return typeNames.map((t) => ({
      label: t, kind: CompletionItemKind.TypeParameter, detail: 'type', documentation: typeDocs[t] ?? '',
      ...(t === 'decimal' ? { insertText: 'decimal(${1:18}, ${2:2})', insertTextFormat: InsertTextFormat.Snippet }
        : t === 'list' || t === 'map' || t === 'struct' ? { insertText: `${t}<$1>`, insertTextFormat: InsertTextFormat.Snippet } : {}),
    }));
  }

  private transforms(): CompletionItem[] {
    return transforms.map((t) => ({
      label: t, kind: CompletionItemKind.Function, detail: 'partition transform', documentation: transformDocs[t] ?? '',
      insertText: t === 'bucket' || t === 'truncate' ? `${t}(\${1:16}, $2)` : `${t}($1)`, insertTextFormat: InsertTextFormat.Snippet,
    }));
  }

  private names(kind: 'zone' | 'stream' | 'dataset' | 'persona' | 'classification'): CompletionItem[] {
    const lake = this.lake;
    if (lake === undefined) return [];
    const symbols: readonly SymbolBase[] = kind === 'zone' ? lake.zones : kind === 'stream' ? lake.streams : kind === 'dataset' ? lake.datasets : kind === 'persona' ? lake.personas : lake.classifications;
    const itemKind = {
      zone: CompletionItemKind.Module, stream: CompletionItemKind.Event, dataset: CompletionItemKind.Class,
      persona: CompletionItemKind.Interface, classification: CompletionItemKind.EnumMember,
    }[kind];
    const seen = new Set<string>();
    return symbols.filter((s) => s.name !== '' && !seen.has(s.name) && seen.add(s.name)).map((s) => ({
      label: s.name, kind: itemKind, detail: kind, ...(s.doc !== undefined ? { documentation: s.doc } : {}),
    }));
  }

  /**
   * The columns of a dataset but those in `listed`; the detail shows each one's type and
   * classifications. `table`: also the system columns lakec adds (grants and row filters).
   */
  private columns(dataset: string | undefined, listed: readonly string[] = [], table = false): CompletionItem[] {
    const lake = this.lake;
    const ds = dataset !== undefined ? lake?.scope.dataset.get(dataset) : undefined;
    if (lake === undefined || ds === undefined) return [];
    const skip = new Set(listed);
    return [...ds.columns, ...(table ? systemColumns(ds) : [])].filter((c) => !skip.has(c.name)).map((c) => ({
      label: c.name, kind: CompletionItemKind.Field,
      detail: [`${typeText(c.type)}${c.optional ? '?' : ''}`, ...(c.classifications.length > 0 ? [classificationsText(lake, c)] : []), ds.name].join(' · '),
      ...(c.doc !== undefined ? { documentation: c.doc } : {}),
    }));
  }

  /** The codes of warnings a lake may turn into errors, but those already listed. */
  private warningCodes(listed: readonly string[]): CompletionItem[] {
    const skip = new Set(listed.map((c) => c.toUpperCase()));
    return rules.filter((r) => r.severity === 'warning' && !skip.has(r.code)).map((r) => ({
      label: r.code, kind: CompletionItemKind.EnumMember, detail: r.title, documentation: { kind: 'markdown', value: r.description },
    }));
  }
}

/** IANA time zones for `peak "CRON" in "ZONE"`, as string literals. */
function timeZones(): CompletionItem[] {
  return [...knownTimeZones()].sort().map((z) => ({ label: JSON.stringify(z), kind: CompletionItemKind.Value, detail: 'time zone' }));
}

function keywords(words: readonly string[], docs: Readonly<Record<string, string>> = {}): CompletionItem[] {
  return words.map((w) => ({ label: w, kind: CompletionItemKind.Keyword, ...(docs[w] !== undefined ? { documentation: { kind: 'markdown' as const, value: docs[w]! } } : {}) }));
}
