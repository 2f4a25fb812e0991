/**
 * The syntax tree. Blocks are parsed in one general shape (`name = terms` or `name terms` or
 * `name { ... }`) and decoded by the binder, which knows what each attribute accepts: that
 * keeps the grammar small and turns most mistakes into precise semantic diagnostics
 * ("expected a duration like `7 days`") instead of parse errors. Columns, types, grants and
 * expressions have their own grammar.
 */
import type { Span } from '../diagnostics/diagnostic.ts';

export interface Ident {
  readonly kind: 'Ident';
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------- terms (attribute values)

export type Term =
  | NameTerm
  | StringTerm
  | NumberTerm
  | PathTerm
  | ListTerm
  | MapTerm
  | CallTerm
  | GroupTerm
  | PunctTerm;

export interface NameTerm { readonly kind: 'Name'; readonly name: string; readonly span: Span }
export interface StringTerm {
  readonly kind: 'String';
  /** The decoded value (escapes resolved). */
  readonly value: string;
  readonly quote: 'double' | 'single';
  readonly span: Span;
}
export interface NumberTerm {
  readonly kind: 'Number';
  readonly value: number;
  /** As written, e.g. `150_000_000`. */
  readonly text: string;
  readonly span: Span;
}
export interface PathTerm { readonly kind: 'Path'; readonly text: string; readonly span: Span }
/** `[a, b]`: each element is the term sequence between commas. */
export interface ListTerm { readonly kind: 'List'; readonly elements: readonly Term[][]; readonly span: Span }
export interface MapEntry { readonly key: Ident; readonly value: readonly Term[]; readonly span: Span }
export interface MapTerm { readonly kind: 'Map'; readonly entries: readonly MapEntry[]; readonly span: Span }
/** `day(valid_from)`, `bucket(16, trade_id)`, `raw_payload()`. */
export interface CallTerm {
  readonly kind: 'Call';
  readonly callee: Ident;
  readonly args: readonly Term[][];
  readonly span: Span;
}
/** `(trade_id, symbol)`: a parenthesized, comma-separated group. */
export interface GroupTerm { readonly kind: 'Group'; readonly elements: readonly Term[][]; readonly span: Span }
/** Punctuation that is meaningful inside a value: `,` `..` `-`. */
export interface PunctTerm { readonly kind: 'Punct'; readonly text: ',' | '..' | '-'; readonly span: Span }

// ---------------------------------------------------------------- blocks

/**
 * One item of a block: `name = terms`, `name terms`, or `name { items }`.
 * `assign` records whether `=` was written.
 */
export interface Item {
  readonly kind: 'Item';
  readonly name: Ident;
  readonly assign: boolean;
  readonly terms: readonly Term[];
  readonly block?: Block;
  readonly span: Span;
}

export interface Block {
  readonly kind: 'Block';
  readonly items: readonly Item[];
  readonly span: Span;
}

// ---------------------------------------------------------------- types and columns

export interface TypeArg {
  /** The field name inside `struct<name: T>`. */
  readonly field?: Ident;
  readonly type: TypeNode;
}

export interface TypeNode {
  readonly kind: 'Type';
  readonly name: Ident;
  /** `list<T>`, `map<K, V>`, `struct<a: T>`. */
  readonly args: readonly TypeArg[];
  readonly hasArgs: boolean;
  /** `decimal(p, s)`. */
  readonly params: readonly NumberTerm[];
  readonly hasParams: boolean;
  /** `T?`: nullable. */
  readonly optional: boolean;
  readonly span: Span;
}

export type ColumnSource =
  | { readonly kind: 'Path'; readonly text: string; readonly span: Span }
  | { readonly kind: 'Call'; readonly callee: Ident; readonly args: readonly Term[][]; readonly span: Span };

export interface ColumnAttribute {
  readonly kind: 'ColumnAttribute';
  readonly name: Ident;
  /** `@check(expr)`: the expression; `undefined` for plain `@pii`. */
  readonly argument?: Expr;
  readonly hasArgument: boolean;
  readonly span: Span;
}

export interface Column {
  readonly kind: 'Column';
  readonly name: Ident;
  readonly type?: TypeNode;
  readonly source?: ColumnSource;
  readonly attributes: readonly ColumnAttribute[];
  readonly doc?: string;
  readonly span: Span;
}

export interface ColumnsBlock {
  readonly kind: 'Columns';
  readonly keyword: Span;
  readonly columns: readonly Column[];
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export type Expr = LogicalExpr | NotExpr | CompareExpr | InExpr | IsNullExpr | ColumnRef | Literal | ParenExpr | MissingExpr;

/** Stands where a syntax error left no expression (the parse error is already reported). */
export interface MissingExpr { readonly kind: 'Missing'; readonly span: Span }

export interface LogicalExpr { readonly kind: 'Logical'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly span: Span }
export interface NotExpr { readonly kind: 'Not'; readonly operand: Expr; readonly span: Span }
export type ComparisonOp = '=' | '<>' | '!=' | '<' | '<=' | '>' | '>=';
export interface CompareExpr { readonly kind: 'Compare'; readonly op: ComparisonOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
export interface InExpr { readonly kind: 'In'; readonly negated: boolean; readonly operand: Expr; readonly values: readonly Expr[]; readonly span: Span }
export interface IsNullExpr { readonly kind: 'IsNull'; readonly negated: boolean; readonly operand: Expr; readonly span: Span }
export interface ColumnRef { readonly kind: 'ColumnRef'; readonly name: string; readonly span: Span }
export interface ParenExpr { readonly kind: 'Paren'; readonly inner: Expr; readonly span: Span }
export type Literal =
  | { readonly kind: 'Literal'; readonly type: 'string'; readonly value: string; readonly quote: 'double' | 'single'; readonly span: Span }
  | { readonly kind: 'Literal'; readonly type: 'number'; readonly value: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'Literal'; readonly type: 'boolean'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'Literal'; readonly type: 'null'; readonly span: Span };

// ---------------------------------------------------------------- declarations

interface DeclBase {
  readonly span: Span;
  /**
   * The declaration had a syntax error: the binder then stays quiet about what is missing
   * from it, so one mistake reads as one diagnostic.
   */
  readonly hasSyntaxErrors?: boolean;
  /** The text of the `///` comment lines right above the declaration. */
  readonly doc?: string;
}

export interface LakeDecl extends DeclBase { readonly kind: 'Lake'; readonly name: Ident; readonly body: Block }
export interface ZoneDecl extends DeclBase { readonly kind: 'Zone'; readonly name: Ident; readonly body: Block }
/** `classification pii`, or with settings: `classification phi { sensitive = true }`. */
export interface ClassificationDecl extends DeclBase { readonly kind: 'Classification'; readonly name: Ident; readonly body?: Block }
export interface StreamDecl extends DeclBase { readonly kind: 'Stream'; readonly name: Ident; readonly body: Block }
export interface PersonaDecl extends DeclBase { readonly kind: 'Persona'; readonly name: Ident; readonly body: Block }

export type DatasetItem = Item | ColumnsBlock;

export interface DatasetDecl extends DeclBase {
  readonly kind: 'Dataset';
  readonly name: Ident;
  readonly zone?: Ident;
  readonly items: readonly DatasetItem[];
  readonly bodySpan: Span;
}

export type GrantTarget =
  | { readonly kind: 'Zone'; readonly zone: Ident; readonly span: Span }
  | {
      readonly kind: 'Dataset';
      readonly dataset: Ident;
      /** `DATASET (a, b)`. */
      readonly columns?: readonly Ident[];
      /** `DATASET except (a, b)`. */
      readonly exceptColumns?: readonly Ident[];
      /** `DATASET except @label`. */
      readonly exceptClassification?: Ident;
      /** Span of the column list or except clause, for diagnostics about it. */
      readonly selectionSpan?: Span;
      readonly span: Span;
    };

export interface GrantDecl extends DeclBase {
  readonly kind: 'Grant';
  readonly privileges: readonly Ident[];
  readonly target?: GrantTarget;
  readonly persona?: Ident;
  readonly where?: Expr;
}

export type Declaration = LakeDecl | ZoneDecl | ClassificationDecl | StreamDecl | DatasetDecl | PersonaDecl | GrantDecl;

export interface Comment {
  readonly kind: 'line' | 'block' | 'doc';
  readonly text: string;
  readonly span: Span;
}

export interface LakeFile {
  readonly kind: 'File';
  readonly path: string;
  readonly declarations: readonly Declaration[];
  /** Every comment in source order (the formatter re-emits them). */
  readonly comments: readonly Comment[];
  readonly span: Span;
}
