/**
 * Types in `@check(...)` and row-filter expressions. Both are small predicate languages over
 * one dataset's columns: comparisons, `in`, `is null`, `and`/`or`/`not`, string, number and
 * boolean literals. `exprTypeProblems` lists every place where the types do not fit, so the
 * check rule (LAKE2008) and the row-filter rule report the same facts in the same words.
 *
 * Unknown columns are not reported here (LAKE1003 does), and a column whose type the binder
 * could not decode is compatible with anything: one mistake, one diagnostic.
 */
import type { Fix, Span } from '../diagnostics/diagnostic.ts';
import { systemColumns, type ColumnSymbol, type DatasetSymbol } from '../semantic/symbols.ts';
import { typeText } from '../semantic/types.ts';
import type * as A from '../syntax/ast.ts';
import { printExpr } from '../syntax/printExpr.ts';
import { columnsByName } from './typeWalk.ts';

export interface ExprTypeProblem {
  /** The smallest range that shows the problem: the literal of the wrong type, the column, or the comparison. */
  readonly span: Span;
  readonly message: string;
  readonly hint: string;
  readonly fixes?: readonly Fix[];
}

export interface ExprTypeOptions {
  /**
   * The quote that string literals take where the expression stands, for quick fixes:
   * `"` in `@check` (the default), `'` in row filters (SQL).
   */
  readonly quote?: '"' | "'";
  /** Over the whole table, with the system columns lakec adds (row filters); else the declared columns (checks). */
  readonly table?: boolean;
}

/** The broad type of an operand: what it can be compared with. */
type Kind = 'number' | 'string' | 'date' | 'timestamp' | 'boolean' | 'binary' | 'complex' | 'null' | 'any';

interface Operand {
  readonly kind: Kind;
  readonly expr: A.Expr;
  readonly column?: ColumnSymbol;
  readonly literal?: A.Literal;
}

const ordering = new Set<A.ComparisonOp>(['<', '<=', '>', '>=']);

/** Every type problem in `expr`, evaluated over the columns of `dataset`, in source order. */
export function exprTypeProblems(expr: A.Expr, dataset: DatasetSymbol, options: ExprTypeOptions = {}): ExprTypeProblem[] {
  const checker = new ExprChecker(dataset, options.quote ?? '"', options.table === true);
  checker.condition(expr);
  return checker.problems;
}

class ExprChecker {
  readonly problems: ExprTypeProblem[] = [];
  private readonly columns: ReadonlyMap<string, ColumnSymbol>;

  constructor(dataset: DatasetSymbol, private readonly quote: '"' | "'", table: boolean) {
    const declared = columnsByName(dataset);
    this.columns = table && dataset.bitemporal !== undefined ? new Map([...systemColumns(dataset).map((c) => [c.name, c] as const), ...declared]) : declared;
  }

  /** `e` stands where a condition is expected: the whole expression, and/or/not operands. */
  condition(e: A.Expr): void {
    const t = this.operand(e);
    if (t.kind === 'boolean' || t.kind === 'any') return;
    const shown = printExpr(e);
    this.problems.push({
      span: e.span,
      message: `${what(t)} is not a condition: a condition is a comparison, an 'in' or 'is null' test, or a boolean column`,
      hint: t.column !== undefined
        ? `compare it with a value, for instance ${t.kind === 'string' ? `${shown} = ${this.str('value')}` : t.kind === 'complex' ? `${shown} is not null` : `${shown} > 0`}`
        : 'write a comparison such as amount > 0',
    });
  }

  /** The type of `e`, reporting the problems inside it. */
  private operand(e: A.Expr): Operand {
    switch (e.kind) {
      case 'Missing': return { kind: 'any', expr: e };
      case 'Paren': {
        const inner = this.operand(e.inner);
        return { ...inner, expr: e };
      }
      case 'ColumnRef': return this.columnOperand(e);
      case 'Literal': return literalOperand(e);
      case 'Logical':
        this.condition(e.left);
        this.condition(e.right);
        return predicate(e);
      case 'Not':
        this.condition(e.operand);
        return predicate(e);
      case 'IsNull':
        // Any column may be tested for null, lists, maps and structs included.
        this.operand(e.operand);
        return predicate(e);
      case 'Compare':
        this.compare(e);
        return predicate(e);
      case 'In':
        this.inList(e);
        return predicate(e);
    }
  }

  private columnOperand(e: A.ColumnRef): Operand {
    const c = this.columns.get(e.name);
    // Unknown columns are LAKE1003's.
    if (c === undefined) return { kind: 'any', expr: e };
    const t = c.type;
    let kind: Kind;
    switch (t.kind) {
      case 'unknown': kind = 'any'; break;
      case 'decimal': kind = 'number'; break;
      case 'list': case 'map': case 'struct': kind = 'complex'; break;
      case 'primitive':
        switch (t.name) {
          case 'int': case 'long': case 'float': case 'double': kind = 'number'; break;
          case 'string': case 'uuid': kind = 'string'; break;
          case 'date': kind = 'date'; break;
          case 'timestamp': case 'timestamptz': kind = 'timestamp'; break;
          case 'boolean': kind = 'boolean'; break;
          case 'binary': kind = 'binary'; break;
        }
    }
    return { kind, expr: e, column: c };
  }

  private compare(e: A.CompareExpr): void {
    const l = this.operand(e.left);
    const r = this.operand(e.right);
    if (l.kind === 'any' || r.kind === 'any') return;
    if (l.kind === 'complex' || r.kind === 'complex') {
      for (const side of [l, r]) if (side.kind === 'complex') this.complex(side);
      return;
    }
    if (l.kind === 'null' || r.kind === 'null') {
      const other = l.kind === 'null' ? r : l;
      const negated = e.op === '<>' || e.op === '!=';
      const test = `${printExpr(other.expr)} is ${negated ? 'not ' : ''}null`;
      if (other.kind === 'null' || ordering.has(e.op)) {
        this.problems.push({ span: e.span, message: `'${printExpr(e)}' compares with null, which is never true`, hint: `test for null with 'is null' or 'is not null'` });
        return;
      }
      this.problems.push({
        span: e.span,
        message: `'${printExpr(e)}' is never true: a comparison with null yields null`,
        hint: `write ${test}`,
        fixes: [{ title: `Change to '${test}'`, span: e.span, text: test }],
      });
      return;
    }
    if (l.kind === 'boolean' && r.kind === 'boolean') {
      if (ordering.has(e.op)) {
        this.problems.push({
          span: e.span,
          message: `'${e.op}' compares ${what(l.literal === undefined ? l : r)} by order, but booleans have no order`,
          hint: `compare booleans with = or <>, for instance ${printExpr(l.literal === undefined ? l.expr : r.expr)} = true`,
        });
      }
      return;
    }
    this.compatible(l, r, e);
  }

  private inList(e: A.InExpr): void {
    const operand = this.operand(e.operand);
    const values = e.values.map((v) => this.operand(v));
    if (operand.kind === 'complex') {
      this.complex(operand);
      return;
    }
    let reference: Operand | undefined = operand.kind === 'any' ? undefined : operand;
    // Without a typed operand the list is judged against its own first value.
    let fromList = false;
    for (const v of values) {
      if (v.kind === 'any') continue;
      if (v.kind === 'null') {
        this.problems.push({
          span: v.expr.span,
          message: `null in an 'in' list never matches${e.negated ? `, and makes 'not in' never true` : ''}`,
          hint: `test for null separately: ${printExpr(e.operand)} is ${e.negated ? 'not ' : ''}null ${e.negated ? 'and' : 'or'} ...`,
        });
        continue;
      }
      if (v.kind === 'complex') {
        this.complex(v);
        continue;
      }
      if (reference === undefined) {
        reference = v;
        fromList = true;
        continue;
      }
      this.compatible(reference, v, e, fromList ? 'list' : 'in');
    }
  }

  /**
   * Reports `a` and `b` when they cannot be compared. `a` is the column or the first value;
   * when one side is a literal, the literal is what is wrong and carries the span.
   */
  private compatible(a: Operand, b: Operand, e: A.CompareExpr | A.InExpr, mode: 'compare' | 'in' | 'list' = 'compare'): void {
    const inList = mode !== 'compare';
    if (a.kind === b.kind) return;
    const temporal = (k: Kind): boolean => k === 'date' || k === 'timestamp';
    if (temporal(a.kind) && temporal(b.kind)) return;
    // Dates and timestamps are written as ISO strings: valid_from >= "2024-01-01".
    for (const [col, lit] of [[a, b], [b, a]] as const) {
      if (temporal(col.kind) && lit.literal?.type === 'string') {
        const expected = col.kind === 'date' ? 'a date' : 'a date or timestamp';
        if (col.kind === 'date' ? isIsoDate(lit.literal.value) : isIsoTimestamp(lit.literal.value)) return;
        this.problems.push({
          span: lit.expr.span,
          message: `${what(col)} is compared with ${what(lit)}, which is not ${expected}`,
          hint: col.kind === 'date' ? `write the date as ${this.str('2024-01-31')}` : `write the instant as ${this.str('2024-01-31T18:30:00Z')} or a date as ${this.str('2024-01-31')}`,
        });
        return;
      }
    }
    if (mode === 'list') {
      this.problems.push({
        span: b.expr.span,
        message: `the 'in' list mixes ${what(a)} and ${what(b)}`,
        hint: `list values of one type: all strings or all numbers`,
      });
      return;
    }
    // When one side is a literal, the literal is what is wrong: the column's type is declared.
    const literal = b.literal !== undefined ? b : a.literal !== undefined ? a : undefined;
    const subject = literal === a ? b : a;
    const span = literal !== undefined && subject.literal === undefined ? literal.expr.span : inList ? b.expr.span : e.span;
    const fix = literal !== undefined && subject.literal === undefined ? this.literalFix(literal.literal!, subject.kind) : undefined;
    this.problems.push({
      span,
      message: `${what(subject)} is ${inList ? 'tested against' : 'compared with'} ${what(subject === a ? b : a)}`,
      hint: fix !== undefined
        ? `write ${fix.text}`
        : subject.kind === 'boolean' && subject.column === undefined
          ? 'a condition compares with true or false only'
          : literal === undefined
            ? 'compare columns of compatible types: numbers with numbers, strings with strings, dates and timestamps with each other'
            : `compare ${kindNoun(subject.kind)}s with ${kindNoun(subject.kind)}s${subject.kind === 'date' || subject.kind === 'timestamp' ? ` or ISO strings such as ${this.str('2024-01-31')}` : ''}`,
      ...(fix !== undefined ? { fixes: [fix] } : {}),
    });
  }

  /** A literal rewritten to the type of the column it is compared with, when that is plainly what was meant. */
  private literalFix(lit: A.Literal, target: Kind): Fix | undefined {
    let text: string | undefined;
    if (target === 'string' && (lit.type === 'number' || lit.type === 'boolean')) {
      text = this.str(lit.type === 'number' ? lit.text : String(lit.value));
    } else if (target === 'number' && lit.type === 'string' && /^-?\d+(\.\d+)?$/.test(lit.value.trim())) {
      text = lit.value.trim();
    } else if (target === 'boolean' && lit.type === 'string' && /^(true|false)$/i.test(lit.value.trim())) {
      text = lit.value.trim().toLowerCase();
    }
    return text === undefined ? undefined : { title: `Change to ${text}`, span: lit.span, text };
  }

  private complex(o: Operand): void {
    this.problems.push({
      span: o.expr.span,
      message: `${what(o)} cannot be compared: list, map and struct columns only take 'is null' and 'is not null'`,
      hint: 'compare a column of a primitive type, or test this one with is not null',
    });
  }

  private str(value: string): string {
    return this.quote === '"' ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
  }
}

/** For messages: "the string column 'side'", "the number 5" (built only when a problem is reported). */
function what(o: Operand): string {
  if (o.column !== undefined) {
    const t = o.column.type;
    return `the ${t.kind === 'list' || t.kind === 'map' || t.kind === 'struct' ? t.kind : typeText(t)} column '${o.column.name}'`;
  }
  const e = o.expr.kind === 'Paren' ? o.expr.inner : o.expr;
  if (e.kind === 'Literal') {
    switch (e.type) {
      case 'number': return `the number ${e.text}`;
      case 'string': return `the string ${printExpr(e)}`;
      case 'boolean': return `the boolean ${e.value}`;
      case 'null': return 'null';
    }
  }
  return o.kind === 'any' ? 'the expression' : `the condition '${printExpr(o.expr)}'`;
}

function predicate(e: A.Expr): Operand {
  return { kind: 'boolean', expr: e };
}

function literalOperand(e: A.Literal): Operand {
  switch (e.type) {
    case 'number': return { kind: 'number', expr: e, literal: e };
    case 'string': return { kind: 'string', expr: e, literal: e };
    case 'boolean': return { kind: 'boolean', expr: e, literal: e };
    case 'null': return { kind: 'null', expr: e, literal: e };
  }
}

function kindNoun(k: Kind): string {
  switch (k) {
    case 'number': return 'number';
    case 'string': return 'string';
    case 'date': return 'date';
    case 'timestamp': return 'timestamp';
    case 'boolean': return 'boolean';
    case 'binary': return 'binary value';
    case 'complex': return 'nested value';
    case 'null': return 'null';
    case 'any': return 'value';
  }
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : daysInMonth[month - 1]!);
}

/** `2024-01-31`, `2024-01-31T18:30`, `2024-01-31 18:30:00.250`, with an optional `Z` or `+02:00`. */
export function isIsoTimestamp(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (m === null || !isIsoDate(m[1]!)) return false;
  if (m[2] === undefined) return true;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && (m[4] === undefined || Number(m[4]) < 60);
}
