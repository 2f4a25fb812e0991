/**
 * `@check` conditions. The compiler parses each check and hands the runtime its tree
 * (`CheckExpr`, JSON-able, so a generated processor holds it as a literal); the runtime
 * compiles the tree once into a predicate over a mapped row.
 *
 * Semantics are SQL's, as for a CHECK constraint: comparisons with null are unknown, `and`,
 * `or` and `not` use three-valued logic, and a check fails only when it is false, so a check
 * on an optional column passes when the column is null. Dates and timestamps compare with
 * each other and with ISO strings, decimals exactly with numbers.
 */
import { compareDecimals } from './decimal.ts';
import type { ColumnSpec, TypeSpec } from './dataset.ts';
import { parseDate, parseTimestamp } from './time.ts';

export type ComparisonOp = '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

export type CheckExpr =
  | { readonly op: 'and' | 'or'; readonly left: CheckExpr; readonly right: CheckExpr }
  | { readonly op: 'not'; readonly operand: CheckExpr }
  | { readonly op: ComparisonOp; readonly left: CheckExpr; readonly right: CheckExpr }
  | { readonly op: 'in'; readonly negated: boolean; readonly operand: CheckExpr; readonly values: readonly CheckExpr[] }
  | { readonly op: 'is null'; readonly negated: boolean; readonly operand: CheckExpr }
  | { readonly op: 'column'; readonly name: string }
  /** `text` keeps a number literal as written, so decimals compare exactly. */
  | { readonly op: 'literal'; readonly value: string | number | boolean | null; readonly text?: string };

/** A compiled check: true (passes), false (fails) or null (unknown, which passes). */
export type Predicate = (row: readonly unknown[]) => boolean | null;

/** How a value compares: the broad kind of its column or literal. */
export type Kind = 'number' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp' | 'other' | 'null';

interface Operand {
  readonly kind: Kind;
  /** A literal's value, known at compile time. */
  readonly constant?: unknown;
  readonly get: (row: readonly unknown[]) => unknown;
}

/** The kind a column's values compare as. */
export function kindOf(t: TypeSpec): Exclude<Kind, 'null'> {
  if (t.kind === 'decimal') return 'decimal';
  if (t.kind !== 'primitive') return 'other';
  switch (t.name) {
    case 'int': case 'long': case 'float': case 'double': return 'number';
    case 'string': case 'uuid': return 'string';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'timestamp': case 'timestamptz': return 'timestamp';
    default: return 'other';
  }
}

/** The literals a check names (null aside), in order: for values near its boundaries. */
export function literalsOf(e: CheckExpr, out: (string | number | boolean)[] = []): (string | number | boolean)[] {
  switch (e.op) {
    case 'and': case 'or': case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=':
      literalsOf(e.left, out);
      literalsOf(e.right, out);
      break;
    case 'not': case 'is null': literalsOf(e.operand, out); break;
    case 'in': literalsOf(e.operand, out); for (const v of e.values) literalsOf(v, out); break;
    case 'literal': if (e.value !== null) out.push(e.value); break;
    case 'column': break;
  }
  return out;
}

/** Compiles `expr` over rows laid out as `columns` (row[i] is columns[i]'s value). */
export function compileCheck(expr: CheckExpr, columns: readonly ColumnSpec[]): Predicate {
  const index = new Map(columns.map((c, i) => [c.name, i] as const));
  const condition = (e: CheckExpr): Predicate => {
    switch (e.op) {
      case 'and': {
        const l = condition(e.left);
        const r = condition(e.right);
        return (row) => {
          const a = l(row);
          if (a === false) return false;
          const b = r(row);
          return b === false ? false : a === null || b === null ? null : true;
        };
      }
      case 'or': {
        const l = condition(e.left);
        const r = condition(e.right);
        return (row) => {
          const a = l(row);
          if (a === true) return true;
          const b = r(row);
          return b === true ? true : a === null || b === null ? null : false;
        };
      }
      case 'not': {
        const inner = condition(e.operand);
        return (row) => {
          const v = inner(row);
          return v === null ? null : !v;
        };
      }
      case 'is null': {
        const o = operand(e.operand);
        return e.negated ? (row) => o.get(row) != null : (row) => o.get(row) == null;
      }
      case 'in': {
        const o = operand(e.operand);
        const values = e.values.map(operand);
        const tests = values.map((v) => comparator(o, v));
        const negated = e.negated;
        return (row) => {
          let unknown = false;
          for (const test of tests) {
            const c = test(row);
            if (c === 0) return !negated;
            if (c !== c) unknown = true;
          }
          return unknown ? null : negated;
        };
      }
      case 'column': {
        const o = operand(e);
        return (row) => {
          const v = o.get(row);
          return v == null ? null : v === true;
        };
      }
      case 'literal':
        return () => (e.value === null ? null : e.value === true);
      default: {
        const l = operand(e.left);
        const r = operand(e.right);
        const cmp = comparator(l, r);
        const test = comparisonTest(e.op);
        return (row) => {
          const c = cmp(row);
          return c !== c ? null : test(c);
        };
      }
    }
  };
  const operand = (e: CheckExpr): Operand => {
    if (e.op === 'column') {
      const i = index.get(e.name);
      if (i === undefined) throw new Error(`a check refers to the unknown column '${e.name}'`);
      return { kind: kindOf(columns[i]!.type), get: (row) => row[i] };
    }
    if (e.op === 'literal') {
      const v = e.value;
      const kind: Kind = v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
      // A number literal stays a double when that is exact (15 significant digits or fewer),
      // else its text, which decimal comparisons read exactly.
      const text = typeof v === 'number' ? (e.text ?? String(v)).replace(/_/g, '') : '';
      const constant = typeof v === 'number' ? (significantDigits(text) <= 15 ? Number(text) : text) : v;
      return { kind, constant, get: () => constant };
    }
    // A condition used as a value (a = (b > 1)): compare its truth value.
    const c = condition(e);
    return { kind: 'boolean', get: (row) => c(row) };
  };
  return condition(expr);
}

function comparisonTest(op: ComparisonOp): (c: number) => boolean {
  switch (op) {
    case '=': return (c) => c === 0;
    case '!=': case '<>': return (c) => c !== 0;
    case '<': return (c) => c < 0;
    case '<=': return (c) => c <= 0;
    case '>': return (c) => c > 0;
    case '>=': return (c) => c >= 0;
  }
}

const NULL_RESULT = Number.NaN;

/** A function comparing two operands: negative, zero, positive, or NaN when unknown (null or incomparable). */
function comparator(a: Operand, b: Operand): (row: readonly unknown[]) => number {
  const conv = converters(a.kind, b.kind);
  const ca = conv.left;
  const cb = conv.right;
  const cmp = conv.compare;
  return (row) => {
    const x = a.get(row);
    const y = b.get(row);
    if (x == null || y == null) return NULL_RESULT;
    const u = ca(x);
    const v = cb(y);
    if (u === undefined || v === undefined) return NULL_RESULT;
    return cmp(u, v);
  };
}

function significantDigits(text: string): number {
  const mantissa = text.replace(/[eE].*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return mantissa.length;
}

type Conv = (v: unknown) => unknown;
const same: Conv = (v) => v;
const compareOrdered = (x: unknown, y: unknown): number => ((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : x === y ? 0 : NULL_RESULT);
const compareAsDecimals = (x: unknown, y: unknown): number => compareDecimals(String(x), String(y));

/** Brings both sides to one comparable representation, by their kinds. */
function converters(l: Kind, r: Kind): { left: Conv; right: Conv; compare: (x: unknown, y: unknown) => number } {
  const numeric = (k: Kind): boolean => k === 'number' || k === 'decimal';
  if (numeric(l) && numeric(r)) {
    // Exact: a decimal column's text against a literal as written. Plain numbers compare as numbers.
    if (l === 'decimal' || r === 'decimal') return { left: same, right: same, compare: compareAsDecimals };
    // A long beyond 2^53 is kept as its digits: compare those exactly.
    return { left: same, right: same, compare: (x, y) => (typeof x === 'number' && typeof y === 'number' ? compareOrdered(x, y) : compareAsDecimals(x, y)) };
  }
  const temporal = (k: Kind): boolean => k === 'date' || k === 'timestamp';
  if (temporal(l) || temporal(r)) {
    // Timestamps are epoch ms; dates are ISO text; ISO strings are read as either.
    const toMillis = (k: Kind): Conv => {
      if (k === 'timestamp') return same;
      return (v) => {
        const ms = typeof v === 'string' ? parseTimestamp(v) : Number.NaN;
        return ms === ms ? ms : undefined;
      };
    };
    if (l === 'timestamp' || r === 'timestamp') return { left: toMillis(l), right: toMillis(r), compare: compareOrdered };
    const toDate: Conv = (v) => (typeof v === 'string' ? parseDate(v) : undefined);
    return { left: toDate, right: toDate, compare: compareOrdered };
  }
  if (l === 'boolean' || r === 'boolean') {
    return { left: same, right: same, compare: (x, y) => (x === y ? 0 : typeof x === 'boolean' && typeof y === 'boolean' ? (x ? 1 : -1) : NULL_RESULT) };
  }
  return {
    left: same,
    right: same,
    compare: (x, y) => (typeof x === 'string' && typeof y === 'string' ? (x < y ? -1 : x > y ? 1 : 0) : x === y ? 0 : NULL_RESULT),
  };
}
