/**
 * The formatter: one canonical layout of a `.lake` file, printed from its AST and its comment
 * list (the rules are documented for users in docs/formatting.md).
 *
 * The printer walks the declarations in source order and emits lines; each line remembers the
 * source range it prints, so every comment lands between the same two pieces of code as in the
 * source: a comment alone on its line becomes a line of its own, a comment after code stays at
 * the end of that code's line. Alignment (`=` in blocks, `key:` in maps, column tables) and the
 * column of trailing comments are settled once a block's lines are known.
 *
 * Where the AST does not record a layout choice that reads as intent, the source decides:
 * a block or map written on one line stays on one line, a multi-line map keeps one entry per
 * line, a grant keeps its line breaks before `to` and `where`, a single blank line between
 * items is kept, and an aligned column table keeps its alignment (formatColumns.ts).
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.ts';
import type * as A from './ast.ts';
import { layoutTable, type TableRow } from './formatColumns.ts';
import { tokenize } from './lexer.ts';
import { docLinesBefore, parseFile } from './parse.ts';
import { printExpr, quoteString } from './printExpr.ts';

const INDENT = '  ';

export interface FormatResult {
  /** The formatted text; absent when the file has syntax errors (then see `diagnostics`). */
  readonly text?: string;
  /** The diagnostics of lexing and parsing. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Formats one file; a file with syntax errors is not formatted. */
export function formatSource(path: string, text: string): FormatResult {
  const parsed = parseFile(path, text);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  return { text: printFile(parsed.ast, text), diagnostics: parsed.diagnostics };
}

/** Prints a parsed file (without syntax errors); `text` is its source, read for layout hints. */
export function printFile(file: A.LakeFile, text: string): string {
  return new Printer(file, text).print();
}

// ---------------------------------------------------------------- canonical text of the parts

export function printType(t: A.TypeNode): string {
  let s = t.name.name;
  if (t.hasArgs) s += `<${t.args.map((a) => (a.field !== undefined ? `${a.field.name}: ` : '') + printType(a.type)).join(', ')}>`;
  if (t.hasParams) s += `(${t.params.map((p) => p.text).join(', ')})`;
  if (t.optional) s += '?';
  return s;
}

export function printTerms(terms: readonly A.Term[]): string {
  return joinPieces(terms.map((t) => ({ text: printTerm(t), punct: t.kind === 'Punct' ? t.text : undefined })));
}

function printTerm(t: A.Term): string {
  switch (t.kind) {
    case 'Name': return t.name;
    case 'String': return quoteString(t.value, t.quote);
    case 'Number': return t.text;
    case 'Path': return t.text;
    case 'Punct': return t.text;
    case 'List': return `[${printElements(t.elements)}]`;
    case 'Group': return `(${printElements(t.elements)})`;
    case 'Call': return `${t.callee.name}(${printElements(t.args)})`;
    case 'Map': return t.entries.length === 0 ? '{}' : `{ ${t.entries.map(printEntry).join(', ')} }`;
  }
}

function printElements(elements: readonly (readonly A.Term[])[]): string {
  return elements.map(printTerms).join(', ');
}

function printEntry(e: A.MapEntry): string {
  const value = printTerms(e.value);
  return value === '' ? `${e.key.name}:` : `${e.key.name}: ${value}`;
}

interface Piece {
  readonly text: string;
  readonly punct: string | undefined;
}

/**
 * Terms are separated by one space; a comma follows its term; a sign (a minus first, or after
 * a comma, `..` or another minus) sticks to what follows: `-5`, `a - b`, `[1, -2]`.
 */
function joinPieces(pieces: readonly Piece[]): string {
  let out = '';
  let previous: Piece | undefined;
  let sign = false;
  for (const p of pieces) {
    if (previous === undefined) out = p.text;
    else if (p.punct === ',' || sign) out += p.text;
    else out += ` ${p.text}`;
    sign = p.punct === '-' && (previous === undefined || previous.punct !== undefined);
    previous = p;
  }
  return out;
}

function printSource(s: A.ColumnSource): string {
  return s.kind === 'Path' ? s.text : `${s.callee.name}(${printElements(s.args)})`;
}

function printAttribute(a: A.ColumnAttribute): string {
  if (!a.hasArgument) return `@${a.name.name}`;
  return `@${a.name.name}(${a.argument !== undefined ? printExpr(a.argument) : ''})`;
}

function printTarget(t: A.GrantTarget): string {
  if (t.kind === 'Zone') return `zone ${t.zone.name}`;
  const names = (ids: readonly A.Ident[]): string => ids.map((i) => i.name).join(', ');
  let s = t.dataset.name;
  if (t.columns !== undefined) s += ` (${names(t.columns)})`;
  if (t.exceptColumns !== undefined) s += ` except (${names(t.exceptColumns)})`;
  if (t.exceptClassification !== undefined) s += ` except @${t.exceptClassification.name}`;
  return s;
}

function itemText(name: string, assign: boolean, value: string): string {
  if (assign) return value === '' ? `${name} =` : `${name} = ${value}`;
  return value === '' ? name : `${name} ${value}`;
}

// ---------------------------------------------------------------- lines and alignment

interface Trailing {
  readonly text: string;
  /** The comment's column in the source (0-based): kept when it lies beyond the code. */
  readonly column: number;
}

interface Line {
  readonly indent: number;
  text: string;
  /** A blank line precedes this one. */
  blank: boolean;
  readonly trailing: Trailing[];
}

/**
 * One line of a block or multi-line map, for alignment: `attr` lines (`name = value`,
 * `from stream x`, `key: value`) align within a group; `other` lines (clauses such as
 * `partition by` and `key (...)`, nested blocks, column tables) end a group; comment lines
 * do neither.
 */
type Entry =
  | { readonly kind: 'attr'; readonly line: Line; readonly name: string; readonly sep: '=' | ':' | ''; readonly value: string; readonly suffix: string }
  | { readonly kind: 'other' | 'comment'; readonly line: Line };

type AttrEntry = Extract<Entry, { kind: 'attr' }>;

function label(e: AttrEntry): string {
  return e.sep === ':' ? `${e.name}:` : e.name;
}

/** Groups are runs of `attr` lines, broken by a blank line or an `other` line. */
function align(entries: readonly Entry[]): void {
  let group: AttrEntry[] = [];
  const close = (): void => {
    const width = Math.max(0, ...group.map((e) => label(e).length)) + 1;
    for (const e of group) {
      const name = label(e).padEnd(width);
      const text = e.sep === '=' ? `${name}=${e.value === '' ? '' : ` ${e.value}`}` : e.value === '' ? label(e) : name + e.value;
      e.line.text = text + e.suffix;
    }
    group = [];
  };
  for (const e of entries) {
    if (e.line.blank) close();
    if (e.kind === 'attr') group.push(e);
    else if (e.kind === 'other') close();
  }
  close();
}

function render(lines: readonly Line[]): string {
  const out: string[] = [];
  for (const l of lines) {
    if (l.blank && out.length > 0) out.push('');
    let s = INDENT.repeat(l.indent) + l.text;
    for (const c of l.trailing) {
      const width = s.length - (s.lastIndexOf('\n') + 1);
      s = (c.column > width ? s.padEnd(s.length + c.column - width) : `${s} `) + c.text;
    }
    out.push(s);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/** Comment text without trailing blanks (doc text never includes them, see parse.ts). */
function cleanComment(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n');
}

// ---------------------------------------------------------------- the walk

type BodyItem = A.Item | A.ColumnsBlock;

class Printer {
  private readonly lines: Line[] = [];
  private readonly comments: readonly A.Comment[];
  private readonly tokenStarts: number[];
  /** The next comment to place. */
  private next = 0;
  /** Source end of what was placed last: blank lines are looked for after it. */
  private prevEnd = 0;
  /** The next line opens a block: no blank line before it. */
  private fresh = true;
  /** Between two declarations: a blank line is required, or the source decides. */
  private topBlank: 'force' | 'source' | undefined;
  /** The line that takes a comment written after code. */
  private last: Line | undefined;
  /** The lines of the block being printed, for alignment. */
  private entries: Entry[] = [];

  constructor(private readonly file: A.LakeFile, private readonly text: string) {
    this.comments = [...file.comments].sort((a, b) => a.span.start - b.span.start);
    this.tokenStarts = tokenize(file.path, text).tokens.map((t) => t.startOffset).sort((a, b) => a - b);
  }

  print(): string {
    const decls = this.file.declarations;
    decls.forEach((d, i) => {
      const previous = decls[i - 1];
      if (previous !== undefined) this.topBlank = keepsSourceSpacing(previous, d) ? 'source' : 'force';
      this.declaration(d);
    });
    this.topBlank = undefined;
    this.flush(Infinity, 0);
    return render(this.lines);
  }

  // ------------------------------------------------------------ emitting lines and comments

  private blankBefore(start: number): boolean {
    let blank: boolean;
    if (this.fresh) blank = false;
    else if (this.topBlank === 'force') blank = true;
    else blank = /\n[^\S\n]*\n/.test(this.text.slice(this.prevEnd, start));
    this.fresh = false;
    this.topBlank = undefined;
    return blank;
  }

  /**
   * A line printing the source range [start, end); comments before `start` are placed first.
   * `docTarget`: the line starts a declaration or a column, which takes the `///` lines right
   * above it as its description.
   */
  private addLine(indent: number, text: string, start: number, end: number, docTarget = false): Line {
    this.flush(start, indent);
    const line: Line = { indent, text, blank: this.blankBefore(start), trailing: [] };
    if (docTarget) this.keepDoc(line, start);
    this.lines.push(line);
    this.last = line;
    this.prevEnd = Math.max(this.prevEnd, end);
    return line;
  }

  private flush(before: number, indent: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.span.start < before) {
      const c = this.comments[this.next++]!;
      const text = cleanComment(c.text);
      const lineStart = this.text.lastIndexOf('\n', c.span.start - 1) + 1;
      const afterCode = this.text.slice(lineStart, c.span.start).trim() !== '';
      // A `//` comment ends its line: whatever follows it goes on a line of its own.
      const closed = this.last === undefined || this.last.trailing.some((t) => t.text.startsWith('//')) || this.last.text.startsWith('//');
      if (afterCode && !closed) {
        this.last!.trailing.push({ text, column: c.span.start - lineStart });
      } else {
        const line: Line = { indent, text, blank: this.blankBefore(c.span.start), trailing: [] };
        this.lines.push(line);
        this.last = line;
        this.entries.push({ kind: 'comment', line });
      }
      this.prevEnd = Math.max(this.prevEnd, c.span.end);
    }
  }

  /**
   * The `///` lines right above `line` must be those right above `start` in the source: a doc
   * comment moved here from elsewhere (out of a column written over several lines, say) is
   * kept apart by a blank line, so it does not become this line's description.
   */
  private keepDoc(line: Line, start: number): void {
    const wanted = docLinesBefore(this.text, start).length;
    let run = 0;
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const l = this.lines[i]!;
      if (!l.text.startsWith('///') || l.trailing.length > 0) break;
      run++;
      if (l.blank) break;
    }
    if (line.blank || run <= wanted) return;
    if (wanted === 0) line.blank = true;
    else this.lines[this.lines.length - wanted]!.blank = true;
  }

  private hasComment(span: Span): boolean {
    return this.comments.some((c) => c.span.start >= span.start && c.span.start < span.end);
  }

  private spansLines(span: Span): boolean {
    return this.text.slice(span.start, span.end).includes('\n');
  }

  /** A block stays on one line when written so (or empty) and holds no comment. */
  private inline(span: Span, empty: boolean): boolean {
    return !this.hasComment(span) && (empty || !this.spansLines(span));
  }

  /** Start of the last token before `offset`. */
  private tokenBefore(offset: number): number {
    let lo = 0;
    let hi = this.tokenStarts.length - 1;
    let found = offset;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokenStarts[mid]! < offset) {
        found = this.tokenStarts[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Start of the first token at or after `offset`. */
  private tokenFrom(offset: number): number {
    let lo = 0;
    let hi = this.tokenStarts.length - 1;
    let found = offset;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokenStarts[mid]! >= offset) {
        found = this.tokenStarts[mid]!;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found;
  }

  // ------------------------------------------------------------ declarations

  private declaration(d: A.Declaration): void {
    switch (d.kind) {
      case 'Lake':
      case 'Zone':
      case 'Stream':
      case 'Persona':
        this.withBlock(`${d.kind.toLowerCase()} ${d.name.name}`, d.span.start, d.body.items, d.body.span, 0);
        break;
      case 'Classification':
        if (d.body !== undefined) this.withBlock(`classification ${d.name.name}`, d.span.start, d.body.items, d.body.span, 0);
        else this.addLine(0, `classification ${d.name.name}`, d.span.start, d.span.end, true);
        break;
      case 'Dataset':
        this.withBlock(`dataset ${d.name.name}${d.zone !== undefined ? ` in ${d.zone.name}` : ''}`, d.span.start, d.items, d.bodySpan, 0);
        break;
      case 'Grant':
        this.grant(d);
        break;
    }
  }

  /** `grant ... on TARGET`, then `to` and `where` on the same line or, as written, on their own. */
  private grant(g: A.GrantDecl): void {
    const head = `grant ${g.privileges.map((p) => p.name).join(', ')} on ${g.target !== undefined ? printTarget(g.target) : ''}`;
    let line = this.addLine(0, head, g.span.start, g.target?.span.end ?? g.span.start, true);
    if (g.persona !== undefined) {
      const to = this.tokenBefore(g.persona.span.start);
      const broken = g.target !== undefined && this.text.slice(g.target.span.end, to).includes('\n');
      if (broken) line = this.addLine(1, `to ${g.persona.name}`, to, g.persona.span.end);
      else line.text += ` to ${g.persona.name}`;
      this.prevEnd = Math.max(this.prevEnd, g.persona.span.end);
    }
    if (g.where !== undefined) {
      const where = this.tokenBefore(g.where.span.start);
      const after = g.persona?.span.end ?? where;
      const text = `where ${printExpr(g.where)}`;
      if (this.text.slice(after, where).includes('\n')) this.addLine(1, text, where, g.where.span.end);
      else line.text += ` ${text}`;
    }
    this.prevEnd = Math.max(this.prevEnd, g.span.end);
  }

  // ------------------------------------------------------------ blocks

  /** `HEAD { ... }`: on one line, or the items one per line and `}` on its own line. */
  private withBlock(head: string, start: number, items: readonly BodyItem[], body: Span, indent: number): Line {
    const docTarget = indent === 0;
    if (this.inline(body, items.length === 0)) {
      return this.addLine(indent, `${head} ${inlineBlock(items)}`, start, body.end, docTarget);
    }
    const line = this.addLine(indent, `${head} {`, start, body.start + 1, docTarget);
    const saved = this.entries;
    this.entries = [];
    this.fresh = true;
    for (const item of items) {
      if (item.kind === 'Columns') this.columns(item, indent + 1);
      else this.item(item, indent + 1);
    }
    this.close(body.end - 1, indent + 1);
    align(this.entries);
    this.entries = saved;
    return line;
  }

  /** Comments before the closing brace, then the brace. */
  private close(brace: number, innerIndent: number): void {
    this.flush(brace, innerIndent);
    this.fresh = true;
    this.addLine(innerIndent - 1, '}', brace, brace + 1);
  }

  private item(item: A.Item, indent: number): void {
    const name = item.name.name;
    if (item.block !== undefined) {
      const line = this.withBlock(name, item.span.start, item.block.items, item.block.span, indent);
      this.entries.push({ kind: 'other', line });
      return;
    }
    const aligned = item.assign || name === 'from';
    const sep = item.assign ? '=' : '';
    const mapAt = item.terms.findIndex((t) => t.kind === 'Map' && t.entries.length > 0 && this.spansLines(t.span));
    if (mapAt < 0) {
      const value = printTerms(item.terms);
      const line = this.addLine(indent, itemText(name, item.assign, value), item.span.start, item.span.end);
      this.entries.push(aligned ? { kind: 'attr', line, name, sep, value, suffix: '' } : { kind: 'other', line });
      return;
    }
    // A map written over several lines: one entry per line, `key:` aligned.
    const map = item.terms[mapAt] as A.MapTerm;
    const pieces = (terms: readonly A.Term[]): Piece[] => terms.map((t) => ({ text: printTerm(t), punct: t.kind === 'Punct' ? t.text : undefined }));
    const value = joinPieces([...pieces(item.terms.slice(0, mapAt)), { text: '{', punct: undefined }]);
    const line = this.addLine(indent, itemText(name, item.assign, value), item.span.start, map.span.start + 1);
    this.entries.push(aligned ? { kind: 'attr', line, name, sep, value, suffix: '' } : { kind: 'other', line });
    const saved = this.entries;
    this.entries = [];
    this.fresh = true;
    map.entries.forEach((e, i) => {
      const entryLine = this.addLine(indent + 1, printEntry(e), e.span.start, e.span.end);
      const suffix = i < map.entries.length - 1 ? ',' : '';
      this.entries.push({ kind: 'attr', line: entryLine, name: e.key.name, sep: ':', value: printTerms(e.value), suffix });
    });
    this.flush(map.span.end - 1, indent + 1);
    align(this.entries);
    this.entries = saved;
    this.fresh = true;
    const rest = joinPieces([{ text: '}', punct: undefined }, ...pieces(item.terms.slice(mapAt + 1))]);
    this.addLine(indent, rest, map.span.end - 1, item.span.end);
  }

  private columns(block: A.ColumnsBlock, indent: number): void {
    const open = this.tokenFrom(block.keyword.end);
    const body: Span = { file: block.span.file, start: open, end: block.span.end };
    if (this.inline(body, block.columns.length === 0)) {
      const line = this.addLine(indent, `columns ${inlineColumns(block.columns)}`, block.span.start, block.span.end);
      this.entries.push({ kind: 'other', line });
      return;
    }
    const line = this.addLine(indent, 'columns {', block.span.start, open + 1);
    this.entries.push({ kind: 'other', line });
    const saved = this.entries;
    this.entries = [];
    this.fresh = true;
    const rows = block.columns.map((c) => ({ line: this.addLine(indent + 1, '', c.span.start, c.span.end, true), row: this.row(c) }));
    const texts = layoutTable(rows.map((r) => r.row));
    rows.forEach((r, i) => { r.line.text = texts[i]!; });
    this.close(block.span.end - 1, indent + 1);
    this.entries = saved;
  }

  private row(c: A.Column): TableRow {
    const type = c.type !== undefined ? printType(c.type) : undefined;
    const source = c.source !== undefined ? `= ${printSource(c.source)}` : undefined;
    const attributes = c.attributes.map(printAttribute);
    // Where each cell was written, when the row is canonical cells separated by spaces.
    const cells: [number, number, string][] = [];
    if (c.type !== undefined) cells.push([c.type.span.start, c.type.span.end, type!]);
    if (c.source !== undefined) cells.push([this.tokenBefore(c.source.span.start), c.source.span.end, source!]);
    c.attributes.forEach((a, i) => cells.push([a.span.start, a.span.end, attributes[i]!]));
    let written: number[] | undefined = [];
    let end = c.name.span.end;
    for (const [start, cellEnd, canonical] of cells) {
      if (!/^ +$/.test(this.text.slice(end, start)) || this.text.slice(start, cellEnd) !== canonical) {
        written = undefined;
        break;
      }
      written.push(start - c.name.span.start);
      end = cellEnd;
    }
    return { name: c.name.name, type, source, attributes, written };
  }
}

/** Two grants, or two classifications, may follow each other without a blank line. */
function keepsSourceSpacing(a: A.Declaration, b: A.Declaration): boolean {
  return a.kind === b.kind && (a.kind === 'Grant' || a.kind === 'Classification');
}

function inlineBlock(items: readonly BodyItem[]): string {
  if (items.length === 0) return '{}';
  return `{ ${items.map(inlineItem).join('; ')} }`;
}

function inlineItem(item: BodyItem): string {
  if (item.kind === 'Columns') return `columns ${inlineColumns(item.columns)}`;
  if (item.block !== undefined) return `${item.name.name} ${inlineBlock(item.block.items)}`;
  return itemText(item.name.name, item.assign, printTerms(item.terms));
}

function inlineColumns(columns: readonly A.Column[]): string {
  if (columns.length === 0) return '{}';
  const row = (c: A.Column): string =>
    [c.name.name, ...(c.type !== undefined ? [printType(c.type)] : []), ...(c.source !== undefined ? [`= ${printSource(c.source)}`] : []), ...c.attributes.map(printAttribute)].join(' ');
  return `{ ${columns.map(row).join('; ')} }`;
}
