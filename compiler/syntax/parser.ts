/**
 * The .lake parser: chevrotain, embedded actions building the AST directly, error recovery on.
 *
 * The token stream is first cut into one chunk per top-level declaration (see `chunk`), and each
 * chunk is parsed on its own: a mistake inside one declaration can never swallow the next one,
 * which is what makes "one mistake, one diagnostic" hold in practice.
 */
import { createTokenInstance, EmbeddedActionsParser, EOF, tokenLabel, type IParserErrorMessageProvider, type IToken, type TokenType, type IRecognitionException } from 'chevrotain';
import type { Diagnostic, Span } from '../diagnostics/diagnostic.ts';
import type * as A from './ast.ts';
import * as T from './tokens.ts';

type Terms = A.Term[];

const termStartTypes = new Set<TokenType>([
  T.Identifier, ...T.keywordTokens, T.StringLiteral, T.UnterminatedString, T.SqlString, T.UnterminatedSqlString,
  T.NumberLiteral, T.JsonPath, T.LBracket, T.LCurly, T.LParen, T.Comma, T.DotDot, T.Minus,
]);

function push<T>(into: T[], value: T | undefined): void {
  // Recovery can leave a sub-rule without a value; such holes are already reported.
  if (value !== undefined && value !== null) into.push(value);
}

function isName(tok: IToken): boolean {
  return tok.tokenType === T.Identifier || T.keywordTokens.includes(tok.tokenType);
}

class LakeParser extends EmbeddedActionsParser {
  file = '';

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, skipValidations: true, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  // ------------------------------------------------------------ helpers

  private span(first: IToken, last: IToken): Span {
    let start = first.startOffset;
    let end = last.endOffset === undefined || Number.isNaN(last.endOffset) ? NaN : last.endOffset + 1;
    if (Number.isNaN(start)) start = this.prevEnd();
    if (Number.isNaN(end)) end = Math.max(start, this.prevEnd());
    return { file: this.file, start, end: Math.max(start, end) };
  }

  private join(a: Span | undefined, b: Span | undefined): Span {
    if (a === undefined || b === undefined) {
      const one = a ?? b;
      const at = this.prevEnd();
      return one ?? { file: this.file, start: at, end: at };
    }
    return { file: this.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  /** Stand-in for an expression that recovery skipped. */
  private missing(): A.Expr {
    const at = this.prevEnd();
    return { kind: 'Missing', span: { file: this.file, start: at, end: at } };
  }

  private tokenSpan(tok: IToken): Span {
    return this.span(tok, tok);
  }

  /** End offset of the last real token consumed, for spans of tokens inserted by recovery. */
  private prevEnd(): number {
    for (let i = 0; ; i--) {
      const t = this.LA(i);
      if (t.tokenType === EOF || t.startOffset === undefined) return 0;
      if (!Number.isNaN(t.startOffset) && t.endOffset !== undefined && !Number.isNaN(t.endOffset)) return t.endOffset + 1;
      if (i < -64) return 0;
    }
  }

  /**
   * True when the next token starts on the line where the previous one ended: no line break in
   * the text between them. Read from offsets, so tokens need no line numbers; a token inserted by
   * recovery (no offsets) is on no line.
   */
  private sameLine(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (next.tokenType === EOF) return false;
    const from = prev.endOffset;
    const to = next.startOffset;
    if (from === undefined || Number.isNaN(from) || Number.isNaN(to)) return false;
    for (let i = from + 1; i < to; i++) {
      const c = this.text.charCodeAt(i);
      if (c === 10 || c === 13) return false;
    }
    return true;
  }

  private ident(tok: IToken): A.Ident {
    return { kind: 'Ident', name: tok.image, span: this.tokenSpan(tok) };
  }

  // ------------------------------------------------------------ declarations
  //
  // When recovery abandons a rule, the rule returns its `recoveryValueFunc` value (undefined
  // by default): rules whose result their callers take apart return an empty value instead.

  /**
   * The declaration `chunk` recognized before its end: stray text after a complete declaration
   * makes recovery abandon `chunk`, but the declaration itself is sound and is kept.
   */
  recognized: A.Declaration | undefined;

  /** The whole text of the file the tokens' offsets point into. */
  text = '';

  /** One chunk: a declaration, then the sentinel the driver appended. */
  chunk = this.RULE('chunk', (): A.Declaration | undefined => {
    const decl = this.SUBRULE(this.declaration);
    this.ACTION(() => { this.recognized = decl; });
    this.CONSUME(T.EndOfDeclaration);
    return decl;
  });

  private declaration = this.RULE('declaration', (): A.Declaration | undefined => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.simpleDecl) },
      { ALT: () => this.SUBRULE(this.classificationDecl) },
      { ALT: () => this.SUBRULE(this.datasetDecl) },
      { ALT: () => this.SUBRULE(this.grantDecl) },
    ]);
  });

  private simpleDecl = this.RULE('simpleDecl', (): A.Declaration => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(T.Lake) },
      { ALT: () => this.CONSUME(T.Zone) },
      { ALT: () => this.CONSUME(T.Stream) },
      { ALT: () => this.CONSUME(T.Persona) },
    ]);
    const nameTok = this.CONSUME(T.Name);
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => {
      const kind = kw.tokenType === T.Lake ? 'Lake' : kw.tokenType === T.Zone ? 'Zone' : kw.tokenType === T.Stream ? 'Stream' : 'Persona';
      return { kind, name: this.ident(nameTok), body, span: this.join(this.tokenSpan(kw), body.span) } as A.Declaration;
    });
  });

  private classificationDecl = this.RULE('classificationDecl', (): A.ClassificationDecl => {
    const kw = this.CONSUME(T.Classification);
    const nameTok = this.CONSUME(T.Name);
    let body: A.Block | undefined;
    this.OPTION(() => { body = this.SUBRULE(this.block); });
    return this.ACTION(() => ({
      kind: 'Classification', name: this.ident(nameTok),
      span: body !== undefined ? this.join(this.tokenSpan(kw), body.span) : this.span(kw, nameTok),
      ...(body !== undefined ? { body } : {}),
    }));
  });

  private datasetDecl = this.RULE('datasetDecl', (): A.DatasetDecl => {
    const kw = this.CONSUME(T.Dataset);
    const nameTok = this.CONSUME(T.Name);
    let zoneTok: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.In);
      zoneTok = this.CONSUME2(T.Name);
    });
    const open = this.CONSUME(T.LCurly);
    const items: A.DatasetItem[] = [];
    this.MANY(() => {
      this.OR({ DEF: [
        { ALT: () => { this.CONSUME(T.Semicolon); } },
        // `columns {` (two tokens of lookahead) before the general item, which also accepts it.
        { ALT: () => { push(items, this.SUBRULE(this.columnsBlock)); } },
        { ALT: () => { push(items, this.SUBRULE(this.item)); } },
      ], IGNORE_AMBIGUITIES: true });
    });
    const close = this.CONSUME(T.RCurly);
    return this.ACTION(() => {
      const decl: A.DatasetDecl = {
        kind: 'Dataset',
        name: this.ident(nameTok),
        items,
        bodySpan: this.span(open, close),
        span: this.span(kw, close),
        ...(zoneTok !== undefined ? { zone: this.ident(zoneTok) } : {}),
      };
      return decl;
    });
  });

  private grantDecl = this.RULE('grantDecl', (): A.GrantDecl => {
    const kw = this.CONSUME(T.Grant);
    const privileges: IToken[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => { privileges.push(this.CONSUME(T.Name)); } });
    this.CONSUME(T.On);
    const target = this.SUBRULE(this.grantTarget);
    this.CONSUME(T.To);
    const personaTok = this.CONSUME2(T.Name);
    let where: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    return this.ACTION(() => {
      const last = where?.span ?? this.tokenSpan(personaTok);
      const decl: A.GrantDecl = {
        kind: 'Grant',
        privileges: privileges.map((p) => this.ident(p)),
        span: this.join(this.tokenSpan(kw), last),
        ...(target !== undefined ? { target } : {}),
        // `to where ...`: recovery inserted the missing persona's `to` and took `where` for it.
        ...(personaTok.image !== undefined && !Number.isNaN(personaTok.startOffset) && personaTok.tokenType !== T.Where ? { persona: this.ident(personaTok) } : {}),
        ...(where !== undefined ? { where } : {}),
      };
      return decl;
    });
  });

  private grantTarget = this.RULE('grantTarget', (): A.GrantTarget => {
    return this.OR({ DEF: [
      {
        GATE: () => this.LA(1).tokenType === T.Zone && isName(this.LA(2)),
        ALT: () => {
          const kw = this.CONSUME(T.Zone);
          const z = this.CONSUME(T.Name);
          return this.ACTION(() => ({ kind: 'Zone', zone: this.ident(z), span: this.span(kw, z) }) as A.GrantTarget);
        },
      },
      {
        ALT: () => {
          const ds = this.CONSUME2(T.Name);
          let columns: A.Ident[] | undefined;
          let exceptColumns: A.Ident[] | undefined;
          let exceptClassification: A.Ident | undefined;
          let selFirst: IToken | undefined;
          let selLast: IToken | undefined;
          this.OPTION(() => {
            this.OR2([
              {
                ALT: () => {
                  selFirst = this.CONSUME(T.LParen);
                  columns = this.SUBRULE(this.identList);
                  selLast = this.CONSUME(T.RParen);
                },
              },
              {
                ALT: () => {
                  selFirst = this.CONSUME(T.Except);
                  this.OR3([
                    {
                      ALT: () => {
                        this.CONSUME2(T.LParen);
                        exceptColumns = this.SUBRULE2(this.identList);
                        selLast = this.CONSUME2(T.RParen);
                      },
                    },
                    {
                      ALT: () => {
                        this.CONSUME(T.At);
                        selLast = this.CONSUME3(T.Name);
                        exceptClassification = this.ACTION(() => this.ident(selLast!));
                      },
                    },
                  ]);
                },
              },
            ]);
          });
          return this.ACTION(() => {
            const t: A.GrantTarget = {
              kind: 'Dataset',
              dataset: this.ident(ds),
              span: this.span(ds, selLast ?? ds),
              ...(columns !== undefined ? { columns } : {}),
              ...(exceptColumns !== undefined ? { exceptColumns } : {}),
              ...(exceptClassification !== undefined ? { exceptClassification } : {}),
              ...(selFirst !== undefined ? { selectionSpan: this.span(selFirst, selLast ?? selFirst) } : {}),
            };
            return t;
          });
        },
      },
    ], IGNORE_AMBIGUITIES: true });
  });

  private identList = this.RULE('identList', (): A.Ident[] => {
    const out: A.Ident[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => { const t = this.CONSUME(T.Name); this.ACTION(() => out.push(this.ident(t))); } });
    return out;
  }, { recoveryValueFunc: () => [] });

  // ------------------------------------------------------------ blocks and items

  private block = this.RULE('block', (): A.Block => {
    const open = this.CONSUME(T.LCurly);
    const items: A.Item[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Semicolon); } },
        { ALT: () => { push(items, this.SUBRULE(this.item)); } },
      ]);
    });
    const close = this.CONSUME(T.RCurly);
    return this.ACTION(() => ({ kind: 'Block', items, span: this.span(open, close) }));
  }, { recoveryValueFunc: (): A.Block => ({ kind: 'Block', items: [], span: this.missing().span }) });

  private item = this.RULE('item', (): A.Item => {
    const nameTok = this.CONSUME(T.Name);
    let assign = false;
    let terms: Terms = [];
    let block: A.Block | undefined;
    this.OR({ DEF: [
      {
        ALT: () => {
          this.CONSUME(T.Equals);
          assign = true;
          terms = this.SUBRULE(this.lineTerms);
        },
      },
      // Before the terms alternative, which could also start with `{` (a map): `name {` is a block.
      { ALT: () => { block = this.SUBRULE(this.block); } },
      { ALT: () => { terms = this.SUBRULE2(this.lineTerms); } },
    ], IGNORE_AMBIGUITIES: true });
    return this.ACTION(() => {
      const name = this.ident(nameTok);
      let end = name.span;
      if (block !== undefined) end = block.span;
      else if (terms.length > 0) end = terms[terms.length - 1]!.span;
      else if (assign) end = { file: this.file, start: name.span.start, end: Math.max(name.span.end, this.prevEnd()) };
      const it: A.Item = { kind: 'Item', name, assign, terms, span: this.join(name.span, end), ...(block !== undefined ? { block } : {}) };
      return it;
    });
  });

  /** Terms up to the end of the line (or `;`, `}`), stopping before a `name =` that starts the next item. */
  private lineTerms = this.RULE('lineTerms', (): Terms => {
    const out: Terms = [];
    this.MANY({
      GATE: () =>
        this.sameLine() &&
        termStartTypes.has(this.LA(1).tokenType) &&
        !(isName(this.LA(1)) && this.LA(2).tokenType === T.Equals),
      DEF: () => { push(out, this.SUBRULE(this.term)); },
    });
    return out;
  }, { recoveryValueFunc: () => [] });

  /** Terms of one element inside brackets: newlines do not matter, commas separate elements. */
  private elementTerms = this.RULE('elementTerms', (): Terms => {
    const out: Terms = [];
    this.MANY({
      GATE: () => {
        const t = this.LA(1).tokenType;
        return t !== T.Comma && termStartTypes.has(t) && !(isName(this.LA(1)) && this.LA(2).tokenType === T.Colon);
      },
      DEF: () => { push(out, this.SUBRULE(this.term)); },
    });
    return out;
  }, { recoveryValueFunc: () => [] });

  private term = this.RULE('term', (): A.Term => {
    return this.OR({ DEF: [
      {
        // A name, or a call when `(` follows with no space: `day(valid_from)`. One alternative with
        // an OPTION rather than two gated ones: a gate on an OR alternative costs an allocation per call.
        ALT: () => {
          const t = this.CONSUME(T.Name);
          let call: { elements: Terms[]; close: IToken } | undefined;
          this.OPTION({
            GATE: () => this.LA(1).startOffset === t.endOffset! + 1,
            DEF: () => { call = this.SUBRULE(this.parenElements); },
          });
          return this.ACTION(() =>
            call !== undefined
              ? ({ kind: 'Call', callee: this.ident(t), args: call.elements, span: this.span(t, call.close) } as A.Term)
              : ({ kind: 'Name', name: t.image, span: this.tokenSpan(t) } as A.Term));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => ({ kind: 'String', value: decodeDoubleQuoted(t.image), quote: 'double', span: this.tokenSpan(t) }) as A.Term);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.SqlString);
          return this.ACTION(() => ({ kind: 'String', value: decodeSingleQuoted(t.image), quote: 'single', span: this.tokenSpan(t) }) as A.Term);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberLiteral);
          return this.ACTION(() => ({ kind: 'Number', value: parseNumber(t.image), text: t.image, span: this.tokenSpan(t) }) as A.Term);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.JsonPath);
          return this.ACTION(() => ({ kind: 'Path', text: t.image, span: this.tokenSpan(t) }) as A.Term);
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const elements = this.SUBRULE(this.elements);
          const close = this.CONSUME(T.RBracket);
          return this.ACTION(() => ({ kind: 'List', elements, span: this.span(open, close) }) as A.Term);
        },
      },
      {
        ALT: () => {
          const { elements, open, close } = this.SUBRULE2(this.parenElements);
          return this.ACTION(() => ({ kind: 'Group', elements, span: this.span(open, close) }) as A.Term);
        },
      },
      { ALT: () => this.SUBRULE(this.mapTerm) },
      {
        ALT: () => {
          const t = this.OR2([
            { ALT: () => this.CONSUME(T.Comma) },
            { ALT: () => this.CONSUME(T.DotDot) },
            { ALT: () => this.CONSUME(T.Minus) },
          ]);
          return this.ACTION(() => ({ kind: 'Punct', text: t.image as ',' | '..' | '-', span: this.tokenSpan(t) }) as A.Term);
        },
      },
    ], IGNORE_AMBIGUITIES: true });
  });

  private parenElements = this.RULE('parenElements', (): { elements: Terms[]; open: IToken; close: IToken } => {
    const open = this.CONSUME(T.LParen);
    const elements = this.SUBRULE(this.elements);
    const close = this.CONSUME(T.RParen);
    return { elements, open, close };
  }, { recoveryValueFunc: () => ({ elements: [], open: this.LA(0), close: this.LA(0) }) });

  private elements = this.RULE('elements', (): Terms[] => {
    const out: Terms[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const e = this.SUBRULE(this.elementTerms);
        this.ACTION(() => { if (e.length > 0) out.push(e); });
      },
    });
    return out;
  }, { recoveryValueFunc: () => [] });

  private mapTerm = this.RULE('mapTerm', (): A.Term => {
    const open = this.CONSUME(T.LCurly);
    const entries: A.MapEntry[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Comma); } },
        {
          ALT: () => {
            const key = this.CONSUME(T.Name);
            this.CONSUME(T.Colon);
            const value = this.SUBRULE(this.elementTerms);
            this.ACTION(() => {
              const k = this.ident(key);
              const last = value.length > 0 ? value[value.length - 1]!.span : k.span;
              entries.push({ key: k, value, span: this.join(k.span, last) });
            });
          },
        },
      ]);
    });
    const close = this.CONSUME(T.RCurly);
    return this.ACTION(() => ({ kind: 'Map', entries, span: this.span(open, close) }) as A.Term);
  });

  // ------------------------------------------------------------ columns and types

  private columnsBlock = this.RULE('columnsBlock', (): A.ColumnsBlock => {
    const kw = this.CONSUME(T.Columns);
    this.CONSUME(T.LCurly);
    const columns: A.Column[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(T.Semicolon); } },
        { ALT: () => { push(columns, this.SUBRULE(this.column)); } },
      ]);
    });
    const close = this.CONSUME(T.RCurly);
    return this.ACTION(() => ({ kind: 'Columns', keyword: this.tokenSpan(kw), columns, span: this.span(kw, close) }));
  });

  private column = this.RULE('column', (): A.Column => {
    const nameTok = this.CONSUME(T.Name);
    let type: A.TypeNode | undefined;
    let source: A.ColumnSource | undefined;
    const attributes: A.ColumnAttribute[] = [];
    // A column without a type on its line: leave the type out and let the binder say so,
    // rather than reading the next column's name as this column's type.
    this.OPTION({ GATE: () => this.sameLine() && isName(this.LA(1)), DEF: () => { type = this.SUBRULE(this.typeNode); } });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      source = this.SUBRULE(this.columnSource);
    });
    this.MANY(() => { push(attributes, this.SUBRULE(this.columnAttribute)); });
    return this.ACTION(() => {
      const name = this.ident(nameTok);
      let end = name.span;
      if (attributes.length > 0) end = attributes[attributes.length - 1]!.span;
      else if (source !== undefined) end = source.span;
      else if (type !== undefined) end = type.span;
      const c: A.Column = {
        kind: 'Column', name, attributes, span: this.join(name.span, end),
        ...(type !== undefined ? { type } : {}),
        ...(source !== undefined ? { source } : {}),
      };
      return c;
    });
  });

  private typeNode = this.RULE('typeNode', (): A.TypeNode => {
    const nameTok = this.CONSUME(T.Name);
    const args: A.TypeArg[] = [];
    const params: A.NumberTerm[] = [];
    let hasArgs = false;
    let hasParams = false;
    let optional = false;
    let last: IToken = nameTok;
    this.OPTION(() => {
      this.CONSUME(T.Lt);
      hasArgs = true;
      this.MANY_SEP({ SEP: T.Comma, DEF: () => { push(args, this.SUBRULE(this.typeArg)); } });
      last = this.CONSUME(T.Gt);
    });
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      hasParams = true;
      this.MANY_SEP2({
        SEP: T.Comma,
        DEF: () => {
          const n = this.CONSUME(T.NumberLiteral);
          this.ACTION(() => params.push({ kind: 'Number', value: parseNumber(n.image), text: n.image, span: this.tokenSpan(n) }));
        },
      });
      last = this.CONSUME(T.RParen);
    });
    this.OPTION3(() => {
      last = this.CONSUME(T.Question);
      optional = true;
    });
    return this.ACTION(() => ({
      kind: 'Type', name: this.ident(nameTok), args, hasArgs, params, hasParams, optional, span: this.span(nameTok, last),
    }));
  });

  private typeArg = this.RULE('typeArg', (): A.TypeArg => {
    let field: A.Ident | undefined;
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        const f = this.CONSUME(T.Name);
        this.CONSUME(T.Colon);
        field = this.ACTION(() => this.ident(f));
      },
    });
    const type = this.SUBRULE(this.typeNode);
    return field !== undefined ? { field, type } : { type };
  });

  private columnSource = this.RULE('columnSource', (): A.ColumnSource => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.JsonPath);
          return this.ACTION(() => ({ kind: 'Path', text: t.image, span: this.tokenSpan(t) }) as A.ColumnSource);
        },
      },
      {
        ALT: () => {
          const callee = this.CONSUME(T.Name);
          const { elements, close } = this.SUBRULE(this.parenElements);
          return this.ACTION(() => ({ kind: 'Call', callee: this.ident(callee), args: elements, span: this.span(callee, close) }) as A.ColumnSource);
        },
      },
    ]);
  });

  private columnAttribute = this.RULE('columnAttribute', (): A.ColumnAttribute => {
    const at = this.CONSUME(T.At);
    const nameTok = this.CONSUME(T.Name);
    let argument: A.Expr | undefined;
    let hasArgument = false;
    let last: IToken = nameTok;
    this.OPTION({
      GATE: () => this.LA(1).startOffset === nameTok.endOffset! + 1,
      DEF: () => {
        this.CONSUME(T.LParen);
        hasArgument = true;
        argument = this.SUBRULE(this.expr);
        last = this.CONSUME(T.RParen);
      },
    });
    return this.ACTION(() => ({
      kind: 'ColumnAttribute', name: this.ident(nameTok), hasArgument, span: this.span(at, last),
      ...(argument !== undefined ? { argument } : {}),
    }));
  });

  // ------------------------------------------------------------ expressions (checks and row filters)

  private expr = this.RULE('expr', (): A.Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => ({ kind: 'Logical', op: 'or', left, right, span: this.join(left.span, right.span) }) as A.Expr);
    });
    return left;
  }, { recoveryValueFunc: () => this.missing() });

  private andExpr = this.RULE('andExpr', (): A.Expr => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => ({ kind: 'Logical', op: 'and', left, right, span: this.join(left.span, right.span) }) as A.Expr);
    });
    return left;
  }, { recoveryValueFunc: () => this.missing() });

  private notExpr = this.RULE('notExpr', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const kw = this.CONSUME(T.Not);
          const operand = this.SUBRULE(this.notExpr);
          return this.ACTION(() => ({ kind: 'Not', operand, span: this.join(this.tokenSpan(kw), operand.span) }) as A.Expr);
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  }, { recoveryValueFunc: () => this.missing() });

  private predicate = this.RULE('predicate', (): A.Expr => {
    const left = this.SUBRULE(this.operand);
    let result: A.Expr = left;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const opTok = this.OR2(T.comparisonTokens.map((tt) => ({ ALT: () => this.CONSUME(tt) })));
            const right = this.SUBRULE2(this.operand);
            result = this.ACTION(() => ({
              kind: 'Compare', op: opTok.image as A.ComparisonOp, left, right, span: this.join(left.span, right.span),
            }) as A.Expr);
          },
        },
        {
          ALT: () => {
            let negated = false;
            this.OPTION2(() => { this.CONSUME(T.Not); negated = true; });
            this.CONSUME(T.In);
            this.CONSUME(T.LParen);
            const values: A.Expr[] = [];
            this.MANY_SEP({ SEP: T.Comma, DEF: () => { push(values, this.SUBRULE3(this.operand)); } });
            const close = this.CONSUME(T.RParen);
            result = this.ACTION(() => ({ kind: 'In', negated, operand: left, values, span: this.join(left.span, this.tokenSpan(close)) }) as A.Expr);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            let negated = false;
            this.OPTION3(() => { this.CONSUME2(T.Not); negated = true; });
            const nul = this.CONSUME(T.Null);
            result = this.ACTION(() => ({ kind: 'IsNull', negated, operand: left, span: this.join(left.span, this.tokenSpan(nul)) }) as A.Expr);
          },
        },
      ]);
    });
    return result;
  }, { recoveryValueFunc: () => this.missing() });

  private operand = this.RULE('operand', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => {
            const lower = t.image.toLowerCase();
            if (lower === 'true' || lower === 'false') {
              return { kind: 'Literal', type: 'boolean', value: lower === 'true', span: this.tokenSpan(t) } as A.Expr;
            }
            return { kind: 'ColumnRef', name: t.image, span: this.tokenSpan(t) } as A.Expr;
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Null);
          return this.ACTION(() => ({ kind: 'Literal', type: 'null', span: this.tokenSpan(t) }) as A.Expr);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => ({ kind: 'Literal', type: 'string', value: decodeDoubleQuoted(t.image), quote: 'double', span: this.tokenSpan(t) }) as A.Expr);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.SqlString);
          return this.ACTION(() => ({ kind: 'Literal', type: 'string', value: decodeSingleQuoted(t.image), quote: 'single', span: this.tokenSpan(t) }) as A.Expr);
        },
      },
      {
        ALT: () => {
          let minus: IToken | undefined;
          this.OPTION(() => { minus = this.CONSUME(T.Minus); });
          const t = this.CONSUME(T.NumberLiteral);
          return this.ACTION(() => {
            const value = parseNumber(t.image) * (minus !== undefined ? -1 : 1);
            const text = (minus !== undefined ? '-' : '') + t.image;
            return { kind: 'Literal', type: 'number', value, text, span: this.span(minus ?? t, t) } as A.Expr;
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expr);
          const close = this.CONSUME(T.RParen);
          return this.ACTION(() => ({ kind: 'Paren', inner, span: this.span(open, close) }) as A.Expr);
        },
      },
    ]);
  }, { recoveryValueFunc: () => this.missing() });
}

export function decodeDoubleQuoted(image: string): string {
  const body = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function decodeSingleQuoted(image: string): string {
  const body = image.endsWith("'") && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return body.replace(/''/g, "'");
}

export function parseNumber(text: string): number {
  return Number(text.replace(/_/g, ''));
}

let parser: LakeParser | undefined;

function instance(): LakeParser {
  // Built once: chevrotain's self-analysis is the expensive part of a cold start.
  parser ??= new LakeParser();
  return parser;
}

/** A declaration keyword followed by a name, where the keyword is not part of a value. */
function mayStartDeclaration(tokens: readonly IToken[], i: number): boolean {
  if (!T.declarationKeywords.includes(tokens[i]!.tokenType)) return false;
  const next = tokens[i + 1];
  const prev = tokens[i - 1];
  // `grant select on zone curated`: there `zone` names a grant target, not a declaration;
  // nor does `stream` in `from stream events` (left at depth 0 when the dataset's header is lost).
  return next !== undefined && isName(next) && prev?.tokenType !== T.On && prev?.image !== 'from';
}

/**
 * Cuts the token stream into one chunk per top-level declaration. A declaration keyword starts
 * a new chunk when it stands outside every brace, or at the very start of a line whose
 * indentation is zero (the usual shape after a forgotten `}`).
 */
function chunk(tokens: IToken[], text: string): IToken[][] {
  const chunks: IToken[][] = [];
  let current: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const tt = tok.tokenType;
    if (mayStartDeclaration(tokens, i) && (depth === 0 || atLineStart(text, tok.startOffset))) {
      if (current.length > 0) chunks.push(current);
      current = [];
      depth = 0;
    }
    if (tt === T.LCurly) depth++;
    else if (tt === T.RCurly) depth = Math.max(0, depth - 1);
    current.push(tok);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** True when `offset` is the first column of its line. */
function atLineStart(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const c = text.charCodeAt(offset - 1);
  return c === 10 || c === 13;
}

function sentinel(last: IToken, isLast: boolean): IToken {
  const at = last.endOffset! + 1;
  return createTokenInstance(T.EndOfDeclaration, isLast ? '' : 'next', at, at, NaN, NaN, NaN, NaN);
}

function internalError(path: string, at: IToken, e: unknown): Diagnostic {
  return {
    code: 'LAKE0000', severity: 'error',
    message: `internal error while parsing this declaration: ${e instanceof Error ? e.message : String(e)}`,
    span: { file: path, start: at.startOffset, end: at.startOffset + at.image.length },
    hint: 'this is a bug in lakec; please report it with the spec that triggers it',
  };
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

function tooDeep(path: string, at: IToken): Diagnostic {
  return {
    code: 'LAKE0002', severity: 'error',
    message: 'this declaration nests parentheses, brackets, type arguments or `not` too deeply to be read',
    span: { file: path, start: at.startOffset, end: at.startOffset + at.image.length },
    hint: 'a few levels of nesting are enough for any type or row filter; remove the extra ones',
  };
}

/**
 * When recovery could not rebuild a declaration, keep at least its kind and name so the rest
 * of the lake does not report it as unknown.
 */
function fallbackDeclaration(path: string, toks: IToken[]): A.Declaration | undefined {
  const kw = toks[0]!;
  const nameTok = toks[1] !== undefined && isName(toks[1]) ? toks[1] : undefined;
  const last = toks[toks.length - 1]!;
  const span: Span = { file: path, start: kw.startOffset, end: last.endOffset! + 1 };
  const name: A.Ident | undefined = nameTok && { kind: 'Ident', name: nameTok.image, span: { file: path, start: nameTok.startOffset, end: nameTok.endOffset! + 1 } };
  const body: A.Block = { kind: 'Block', items: [], span };
  switch (kw.tokenType) {
    case T.Lake: return name && { kind: 'Lake', name, body, span, hasSyntaxErrors: true };
    case T.Zone: return name && { kind: 'Zone', name, body, span, hasSyntaxErrors: true };
    case T.Stream: return name && { kind: 'Stream', name, body, span, hasSyntaxErrors: true };
    case T.Persona: return name && { kind: 'Persona', name, body, span, hasSyntaxErrors: true };
    case T.Classification: return name && { kind: 'Classification', name, span, hasSyntaxErrors: true };
    case T.Dataset: return name && { kind: 'Dataset', name, items: [], bodySpan: span, span, hasSyntaxErrors: true };
    case T.Grant: return { kind: 'Grant', privileges: [], span, hasSyntaxErrors: true };
    default: return undefined;
  }
}

export interface ParseResult {
  readonly declarations: A.Declaration[];
  readonly diagnostics: Diagnostic[];
}

export function parseTokens(path: string, text: string, tokens: IToken[]): ParseResult {
  const p = instance();
  p.file = path;
  p.text = text;
  const declarations: A.Declaration[] = [];
  const diagnostics: Diagnostic[] = [];
  const chunks = chunk(tokens, text);
  for (const [index, toks] of chunks.entries()) {
    const first = toks[0]!;
    if (!T.declarationKeywords.includes(first.tokenType)) {
      // Text before any declaration keyword: one diagnostic for the whole run.
      const found = toks.findIndex((_t, i) => i > 0 && mayStartDeclaration(toks, i));
      const restStart = found < 0 ? toks.length : found;
      const end = toks[restStart - 1]!;
      diagnostics.push({
        code: 'LAKE0002', severity: 'error',
        message: `expected a declaration (lake, zone, classification, stream, dataset, persona or grant) but found '${first.image}'`,
        span: { file: path, start: first.startOffset, end: end.startOffset + end.image.length },
        hint: 'every top-level item starts with a declaration keyword',
      });
      if (restStart === toks.length) continue;
      toks.splice(0, restStart);
    }
    const before = diagnostics.length;
    p.input = [...toks, sentinel(toks[toks.length - 1]!, index === chunks.length - 1)];
    let decl: A.Declaration | undefined;
    p.recognized = undefined;
    try {
      decl = p.chunk() ?? p.recognized;
    } catch (e) {
      // A bug in an action must not reach the user as a stack trace. Nesting hundreds of levels
      // deep exhausts the recursive descent's stack: a limit of the input, reported as such.
      diagnostics.push(isStackOverflow(e) ? tooDeep(path, toks[0]!) : internalError(path, first, e));
    }
    // Only the first syntax error of a declaration: after it, recovery's guesses about where
    // things end make every later one suspect (a lost `{` or `}` would otherwise be reported
    // on each following line). Parsing resumes cleanly at the next declaration.
    reportErrors(path, text, p.errors.slice(0, 1), diagnostics);
    const failed = diagnostics.length > before;
    decl ??= fallbackDeclaration(path, toks);
    if (decl !== undefined && decl.span !== undefined) declarations.push(failed ? { ...decl, hasSyntaxErrors: true } : decl);
  }
  return { declarations, diagnostics };
}

function reportErrors(path: string, text: string, errors: IRecognitionException[], out: Diagnostic[]): void {
  let lastEnd = -1;
  for (const e of errors) {
    const tok = e.token;
    let start: number;
    let end: number;
    if (tok.tokenType === EOF || tok.tokenType === T.EndOfDeclaration || Number.isNaN(tok.startOffset)) {
      // Missing input at the end: point just after the previous token.
      const prev = (e as { previousToken?: IToken }).previousToken;
      start = prev !== undefined && prev.endOffset !== undefined && !Number.isNaN(prev.endOffset) ? prev.endOffset + 1 : tok.startOffset;
      if (Number.isNaN(start)) start = text.length;
      end = start;
    } else {
      start = tok.startOffset;
      end = tok.startOffset + tok.image.length;
    }
    // Recovery can report the same spot twice; one mistake should read as one diagnostic.
    if (start <= lastEnd && out.length > 0) continue;
    lastEnd = end;
    out.push({
      code: 'LAKE0002', severity: 'error',
      message: describeError(e),
      span: { file: path, start, end },
      ...(hintFor(e) !== undefined ? { hint: hintFor(e)! } : {}),
    });
  }
}

function describeError(e: IRecognitionException): string {
  return e.message;
}

function label(tt: TokenType): string {
  const labels: Record<string, string> = {
    Name: 'a name', Identifier: 'a name', EOF: 'the end of the file',
  };
  return labels[tt.name] ?? tokenLabel(tt);
}

function found(tok: IToken): string {
  if (tok.tokenType === EOF) return 'the end of the file';
  if (tok.tokenType === T.EndOfDeclaration) return tok.image === 'next' ? 'the next declaration' : 'the end of the file';
  return `'${tok.image}'`;
}

function listOf(paths: TokenType[][][]): string {
  const firsts = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0] !== undefined) firsts.add(label(path[0]));
  const all = [...firsts];
  // The start of an expression: name it as the user thinks of it.
  if (firsts.has("'not'") && firsts.has('a number')) return 'a condition (a column, a value, or not ...)';
  if (all.length <= 1) return all[0] ?? 'something else';
  return `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
}

/** Messages in the user's terms: "expected '}' but found 'zone'". */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    expected === T.EndOfDeclaration
      ? `unexpected ${found(actual)} after the end of the declaration`
      : `expected ${label(expected)} but found ${found(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${found(firstRedundant)} after the end of the declaration`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) => `expected ${listOf(expectedPathsPerAlt)} but found ${found(actual[0]!)}`,
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => `expected ${listOf([expectedIterationPaths])} but found ${found(actual[0]!)}`,
};

function hintFor(e: IRecognitionException): string | undefined {
  if (e.name === 'NotAllInputParsedException' || e.message.endsWith('after the end of the declaration')) {
    return 'a declaration ends with its closing brace; is there an extra one?';
  }
  if (e.name === 'MismatchedTokenException' && e.message.startsWith("expected '}'")) return 'is a closing brace missing?';
  return undefined;
}
