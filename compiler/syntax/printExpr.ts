/** Canonical text of check and row-filter expressions (formatter, model, generated SQL). */
import type * as A from './ast.ts';

const precedence: Record<string, number> = { or: 1, and: 2 };

export interface ExprStyle {
  /** Row filters are SQL: strings always in single quotes, `!=` as `<>`. */
  readonly sql: boolean;
}

export function printExpr(e: A.Expr, style: ExprStyle = { sql: false }): string {
  return print(e, style, 0);
}

function print(e: A.Expr, s: ExprStyle, parent: number): string {
  switch (e.kind) {
    case 'Logical': {
      const p = precedence[e.op]!;
      const text = `${print(e.left, s, p)} ${e.op} ${print(e.right, s, p + (e.op === 'and' ? 0 : 0))}`;
      return p < parent ? `(${text})` : text;
    }
    case 'Not': return `not ${print(e.operand, s, 3)}`;
    case 'Compare': return `${print(e.left, s, 4)} ${s.sql && e.op === '!=' ? '<>' : e.op} ${print(e.right, s, 4)}`;
    case 'In': return `${print(e.operand, s, 4)} ${e.negated ? 'not in' : 'in'} (${e.values.map((v) => print(v, s, 0)).join(', ')})`;
    case 'IsNull': return `${print(e.operand, s, 4)} is ${e.negated ? 'not null' : 'null'}`;
    case 'ColumnRef': return e.name;
    case 'Paren': return `(${print(e.inner, s, 0)})`;
    case 'Missing': return '';
    case 'Literal':
      switch (e.type) {
        case 'string':
          return quoteString(e.value, s.sql ? 'single' : e.quote);
        case 'number': return e.text;
        case 'boolean': return e.value ? 'true' : 'false';
        case 'null': return 'null';
      }
  }
}

/**
 * A string literal that the lexer reads back as `value`. Double quotes escape the backslash, the
 * quote, newline and tab: the only escapes the lexer decodes (a JSON escape such as `\r` would
 * read back as `r`). Single quotes (SQL) double the quote.
 */
export function quoteString(value: string, quote: 'double' | 'single'): string {
  if (quote === 'single') return `'${value.replace(/'/g, "''")}'`;
  return `"${value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}
