import type { Fix, Span } from '../../diagnostics/diagnostic.ts';
import { tableColumnOf, type ColumnSymbol, type DatasetSymbol } from '../../semantic/symbols.ts';
import { typeText } from '../../semantic/types.ts';
import type * as A from '../../syntax/ast.ts';
import { printExpr } from '../../syntax/printExpr.ts';
import { exprTypeProblems } from '../exprTypes.ts';
import type { Rule } from '../rule.ts';

/** Lake Formation: "Total length of the expression must be less than 2048 characters." */
export const maxRowFilterLength = 2048;

interface Problem {
  readonly span: Span;
  readonly message: string;
  readonly hint: string;
  readonly fixes?: readonly Fix[];
}

/**
 * A `where` row filter becomes a Lake Formation data cells filter, whose PartiQL subset is
 * narrower than the expression language (Lake Formation developer guide, "PartiQL support in
 * row filter expressions" and "Data filtering limitations"). The type checks shared with
 * `@check` come from exprTypes.ts; this rule adds what Lake Formation refuses on top.
 */
export const rowFilter: Rule = {
  code: 'LAKE6002',
  severity: 'error',
  title: 'invalid row filter',
  description:
    "A grant's `where` filter becomes a Lake Formation data cells filter, which accepts a subset " +
    'of PartiQL. Each condition compares a column with a constant of its type (`venue <> ' +
    "'TEST'`, `store_number < 1000`, `channel in ('web', 'app')`), or tests a column with " +
    '`is null` / `is not null`; conditions combine with `and`, `or` and `not`. Lake Formation ' +
    'refuses: a comparison of two columns or of two constants, or with the constant first; a ' +
    'comparison on a date, timestamp or binary column (only string, numeric and boolean columns ' +
    'compare); list and map columns anywhere; `is null` on a partition column of a parquet or ' +
    'json table; a boolean column alone (write `flag = true`); a filter of 2048 characters or ' +
    'more. Strings take single quotes, as in SQL: a double-quoted string is read as a column ' +
    'name. Types must match as in `@check` (LAKE2008).',
  example: 'grant select on orders to store_managers\n  where store_number < "1000" and channel = "store"',
  fixed: "grant select on orders to store_managers\n  where store_number < 1000 and channel = 'store'",
  check({ lake, report }) {
    for (const g of lake.grants) {
      if (g.where === undefined || g.target?.kind !== 'dataset') continue;
      const ds = lake.scope.dataset.get(g.target.dataset.value);
      if (ds === undefined || ds.hasSyntaxErrors) continue;
      const lf = new LakeFormationFilter(ds);
      lf.condition(g.where);
      const text = printExpr(g.where, { sql: true });
      if (text.length >= maxRowFilterLength) {
        lf.problems.push({
          span: g.where.span,
          message: `the row filter is ${text.length} characters long; Lake Formation accepts less than ${maxRowFilterLength}`,
          hint: 'shorten it, for instance with fewer values in an in (...) list, or split the persona',
        });
      }
      // Type problems inside a construct Lake Formation refuses anyway are not reported twice.
      const typeProblems = exprTypeProblems(g.where, ds, { quote: "'", table: true }).filter((p) => !lf.covers(p.span));
      for (const p of [...lf.problems, ...typeProblems]) report(p.span, p.message, p.hint, p.fixes === undefined ? undefined : [...p.fixes]);
    }
  },
};

type Shape = 'column' | 'constant' | 'condition';

class LakeFormationFilter {
  readonly problems: Problem[] = [];
  /** Spans of refused constructs: type problems inside them are left out. */
  private readonly refused: Span[] = [];

  constructor(private readonly ds: DatasetSymbol) {}

  covers(span: Span): boolean {
    return this.refused.some((r) => r.file === span.file && r.start <= span.start && span.end <= r.end);
  }

  /** `e` stands where a condition is expected. */
  condition(e: A.Expr): void {
    switch (e.kind) {
      case 'Logical': this.condition(e.left); this.condition(e.right); return;
      case 'Not': this.condition(e.operand); return;
      case 'Paren': this.condition(e.inner); return;
      case 'Compare': this.compare(e); return;
      case 'In': this.inList(e); return;
      case 'IsNull': this.isNull(e); return;
      case 'Literal': this.literal(e); return;
      case 'ColumnRef': {
        const c = this.column(e);
        // Other bare columns are "not a condition" (exprTypes).
        if (c?.type.kind === 'primitive' && c.type.name === 'boolean') {
          const text = `${e.name} = true`;
          this.problems.push({
            span: e.span,
            message: `the boolean column '${e.name}' alone is not a Lake Formation row filter condition, which compares a column with a value`,
            hint: `write ${text}`,
            fixes: [{ title: `Change to "${text}"`, span: e.span, text }],
          });
        }
        return;
      }
      case 'Missing': return;
    }
  }

  private compare(e: A.CompareExpr): void {
    const left = unparen(e.left);
    const right = unparen(e.right);
    const ls = this.shape(left);
    const rs = this.shape(right);
    if (ls === 'column' && rs === 'column') {
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" compares two columns; Lake Formation row filters compare a column with a constant`,
        'compare each column with a constant, or filter in a view instead');
      return;
    }
    if (ls !== 'column' && rs !== 'column') {
      const what = ls === 'constant' && rs === 'constant' ? 'compares two constants' : 'compares a condition';
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" ${what}; Lake Formation row filters compare a column with a constant`,
        'write column OPERATOR constant, for instance venue <> \'TEST\'');
      this.operands(left, right);
      return;
    }
    if ((ls === 'column' ? rs : ls) === 'condition') {
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" compares a condition; Lake Formation row filters compare a column with a constant`,
        'write column OPERATOR constant, for instance venue <> \'TEST\'');
      return;
    }
    if (ls === 'constant') {
      // `'TEST' <> venue`: Lake Formation's form is `column operator value`.
      const swapped = `${printExpr(right, { sql: true })} ${flip(e.op)} ${printExpr(left, { sql: true })}`;
      this.problems.push({
        span: e.span,
        message: `"${printExpr(e, { sql: true })}" puts the constant first; Lake Formation row filters are written column, operator, value`,
        hint: `write ${swapped}`,
        fixes: [{ title: `Change to "${swapped}"`, span: e.span, text: swapped }],
      });
    }
    const col = (ls === 'column' ? left : right) as A.ColumnRef;
    this.comparedColumn(col, e.span);
    this.operands(left, right);
  }

  private inList(e: A.InExpr): void {
    const operand = unparen(e.operand);
    if (this.shape(operand) !== 'column') {
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" tests ${this.shape(operand) === 'constant' ? 'a constant' : 'a condition'}; Lake Formation's 'in' tests a column against constants`,
        "write column in (constant, ...), for instance channel in ('web', 'app')");
      return;
    }
    if (e.values.length === 0) {
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" has an empty list`, "list at least one value, for instance channel in ('web')");
      return;
    }
    for (const v of e.values) {
      const value = unparen(v);
      if (this.shape(value) !== 'constant') {
        this.refuse(v.span, `${printExpr(v, { sql: true })} in an 'in' list is not a constant; Lake Formation compares a column with constants only`,
          'list constants only');
      } else {
        this.literal(value as A.Literal);
      }
    }
    this.comparedColumn(operand as A.ColumnRef, e.span);
  }

  private isNull(e: A.IsNullExpr): void {
    const operand = unparen(e.operand);
    if (this.shape(operand) !== 'column') {
      this.refuse(e.span, `"${printExpr(e, { sql: true })}" tests ${this.shape(operand) === 'constant' ? 'a constant' : 'a condition'} for null; Lake Formation tests columns only`,
        'test a column: column is null');
      return;
    }
    const ref = operand as A.ColumnRef;
    const c = this.column(ref);
    if (c === undefined) return;
    if (c.type.kind === 'list' || c.type.kind === 'map') {
      this.refuse(e.span, `'${c.name}' is a ${c.type.kind} column; Lake Formation row filters do not accept list or map columns`,
        'filter on a column of a primitive or struct type');
      return;
    }
    if (this.ds.format.value !== 'iceberg' && this.ds.partitions.some((p) => p.transform.value === 'identity' && p.column.value === c.name)) {
      this.refuse(e.span, `'${c.name}' is a partition column of the ${this.ds.format.value} table '${this.ds.name}'; Lake Formation does not accept 'is null' on partition columns`,
        'partition columns are required and never null: drop this test');
    }
  }

  /** The column of a comparison or `in`: Lake Formation compares string, numeric and boolean columns. */
  private comparedColumn(ref: A.ColumnRef, predicate: Span): void {
    const c = this.column(ref);
    if (c === undefined) return;
    const t = c.type;
    if (t.kind === 'list' || t.kind === 'map') {
      this.refuse(predicate, `'${c.name}' is a ${t.kind} column; Lake Formation row filters do not accept list or map columns`,
        'filter on a column of a primitive type', ref.span);
      return;
    }
    if (t.kind === 'primitive' && (t.name === 'date' || t.name === 'timestamp' || t.name === 'timestamptz' || t.name === 'binary')) {
      this.refuse(predicate, `'${c.name}' is a ${typeText(t)} column; Lake Formation row filters compare string, numeric and boolean columns only`,
        `filter on a string or numeric column (for instance a year or a date key), or test '${c.name}' with is null / is not null`, ref.span);
    }
  }

  private operands(...es: A.Expr[]): void {
    for (const e of es) if (e.kind === 'Literal') this.literal(e);
  }

  /** String constants take single quotes in PartiQL: `"x"` names a column there. */
  private literal(e: A.Literal): void {
    if (e.type !== 'string' || e.quote !== 'double') return;
    const text = `'${e.value.replace(/'/g, "''")}'`;
    this.problems.push({
      span: e.span,
      message: `the string ${JSON.stringify(e.value)} is in double quotes; Lake Formation row filters (PartiQL) take strings in single quotes, and read double quotes as a column name`,
      hint: `write ${text}`,
      fixes: [{ title: `Change to ${text}`, span: e.span, text }],
    });
  }

  private shape(e: A.Expr): Shape {
    return e.kind === 'ColumnRef' ? 'column' : e.kind === 'Literal' ? 'constant' : 'condition';
  }

  private column(ref: A.ColumnRef): ColumnSymbol | undefined {
    const c = tableColumnOf(this.ds, ref.name);
    return c === undefined || c.type.kind === 'unknown' ? undefined : c;
  }

  /** Reports at `at` (default: the construct) and leaves the construct's type problems out. */
  private refuse(construct: Span, message: string, hint: string, at: Span = construct): void {
    this.refused.push(construct);
    this.problems.push({ span: at, message, hint });
  }
}

function unparen(e: A.Expr): A.Expr {
  let x = e;
  while (x.kind === 'Paren') x = x.inner;
  return x;
}

function flip(op: A.ComparisonOp): A.ComparisonOp {
  switch (op) {
    case '<': return '>';
    case '<=': return '>=';
    case '>': return '<';
    case '>=': return '<=';
    default: return op;
  }
}
