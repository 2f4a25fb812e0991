/**
 * What values of one column satisfy its `@check`s: a small constraint solver over the checks'
 * expression trees, for the load test's generator.
 *
 * A check passes unless it is false (SQL's CHECK semantics: unknown passes), so for every check
 * that names one column the solver computes two sets of that column's values: where the check is
 * TRUE and where it is FALSE, by three-valued logic (`and`: T1 ∩ T2, F1 ∪ F2; `or`: T1 ∪ T2,
 * F1 ∩ F2; `not` swaps them; a comparison with null is neither). The column's domain is then
 * everything outside the union of the FALSE sets, and a value that fails a check is drawn from
 * that check's FALSE set. Sets are intervals for ordered values (numbers, decimals, dates,
 * timestamps, with open and closed ends), finite or co-finite sets for strings and booleans, and
 * a null flag. What the solver cannot represent (string ranges, a condition used as a value, a
 * literal of another type) is `unknown`: no restriction, and the generator relies on checking
 * each candidate with the runtime's own evaluator (values.ts), bounded rejection sampling.
 */
import { kindOf, type CheckExpr } from '../checks.ts';
import { parseTimestamp } from '../time.ts';

/** The kind a column's values compare as (checks.ts). */
export type ValueKind = ReturnType<typeof kindOf>;

export { kindOf as valueKind };

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
}

/** A set of one column's values. `nul`: whether null belongs to it. */
export type ValueSet =
  | { readonly kind: 'ordered'; readonly intervals: readonly Interval[]; readonly nul: boolean }
  | { readonly kind: 'discrete'; readonly include: boolean; readonly values: ReadonlySet<string>; readonly nul: boolean }
  | { readonly kind: 'unknown' };

export const UNKNOWN: ValueSet = { kind: 'unknown' };
const ALL_LINE: Interval = { lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: true };

function ordered(intervals: readonly Interval[], nul: boolean): ValueSet {
  return { kind: 'ordered', intervals: normalize(intervals), nul };
}

function discrete(include: boolean, values: Iterable<string>, nul: boolean): ValueSet {
  return { kind: 'discrete', include, values: new Set(values), nul };
}

function empty(k: ValueKind): ValueSet {
  return k === 'string' || k === 'boolean' ? discrete(true, [], false) : k === 'other' ? UNKNOWN : ordered([], false);
}

function everything(k: ValueKind, nul: boolean): ValueSet {
  return k === 'string' || k === 'boolean' ? discrete(false, [], nul) : k === 'other' ? UNKNOWN : ordered([ALL_LINE], nul);
}

/** Sorted, disjoint, non-empty intervals. */
function normalize(list: readonly Interval[]): Interval[] {
  const xs = list.filter((i) => i.lo < i.hi || (i.lo === i.hi && !i.loOpen && !i.hiOpen)).sort((a, b) => a.lo - b.lo || (a.loOpen === b.loOpen ? 0 : a.loOpen ? 1 : -1));
  const out: Interval[] = [];
  for (const i of xs) {
    const last = out[out.length - 1];
    if (last !== undefined && (i.lo < last.hi || (i.lo === last.hi && !(i.loOpen && last.hiOpen)))) {
      if (i.hi > last.hi || (i.hi === last.hi && !i.hiOpen)) out[out.length - 1] = { lo: last.lo, loOpen: last.loOpen, hi: i.hi, hiOpen: i.hiOpen };
    } else out.push(i);
  }
  return out;
}

function complementIntervals(xs: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let lo = -Infinity;
  let loOpen = true;
  for (const i of xs) {
    out.push({ lo, loOpen, hi: i.lo, hiOpen: !i.loOpen });
    lo = i.hi;
    loOpen = !i.hiOpen;
  }
  out.push({ lo, loOpen, hi: Infinity, hiOpen: true });
  return normalize(out.filter((i) => !(i.lo === -Infinity && i.hi === -Infinity) && !(i.lo === Infinity)));
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo);
      const hi = Math.min(x.hi, y.hi);
      const loOpen = x.lo === y.lo ? x.loOpen || y.loOpen : x.lo > y.lo ? x.loOpen : y.loOpen;
      const hiOpen = x.hi === y.hi ? x.hiOpen || y.hiOpen : x.hi < y.hi ? x.hiOpen : y.hiOpen;
      out.push({ lo, hi, loOpen, hiOpen });
    }
  }
  return normalize(out);
}

export function union(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'unknown' || b.kind === 'unknown') return UNKNOWN;
  if (a.kind === 'ordered' && b.kind === 'ordered') return ordered([...a.intervals, ...b.intervals], a.nul || b.nul);
  if (a.kind === 'discrete' && b.kind === 'discrete') {
    const nul = a.nul || b.nul;
    if (a.include && b.include) return discrete(true, [...a.values, ...b.values], nul);
    if (!a.include && !b.include) return discrete(false, [...a.values].filter((v) => b.values.has(v)), nul);
    const [inc, exc] = a.include ? [a, b] : [b, a];
    return discrete(false, [...exc.values].filter((v) => !inc.values.has(v)), nul);
  }
  return UNKNOWN;
}

export function intersect(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'unknown') return b;
  if (b.kind === 'unknown') return a;
  if (a.kind === 'ordered' && b.kind === 'ordered') return ordered(intersectIntervals(a.intervals, b.intervals), a.nul && b.nul);
  if (a.kind === 'discrete' && b.kind === 'discrete') {
    const nul = a.nul && b.nul;
    if (a.include && b.include) return discrete(true, [...a.values].filter((v) => b.values.has(v)), nul);
    if (!a.include && !b.include) return discrete(false, [...a.values, ...b.values], nul);
    const [inc, exc] = a.include ? [a, b] : [b, a];
    return discrete(true, [...inc.values].filter((v) => !exc.values.has(v)), nul);
  }
  return UNKNOWN;
}

export function complement(a: ValueSet): ValueSet {
  if (a.kind === 'unknown') return UNKNOWN;
  if (a.kind === 'ordered') return ordered(complementIntervals(a.intervals), !a.nul);
  return discrete(!a.include, a.values, !a.nul);
}

/** Whether the set holds no non-null value (null may still belong). */
export function hasNoValue(a: ValueSet): boolean {
  if (a.kind === 'unknown') return false;
  if (a.kind === 'ordered') return a.intervals.length === 0;
  return a.include && a.values.size === 0;
}

/** Whether the analysis is exact where it matters: nothing unknown. */
export function known(a: ValueSet): boolean {
  return a.kind !== 'unknown';
}

interface TF {
  readonly t: ValueSet;
  readonly f: ValueSet;
}

const UNKNOWN_TF: TF = { t: UNKNOWN, f: UNKNOWN };

/** The columns a check names. */
export function columnsOf(e: CheckExpr, out = new Set<string>()): Set<string> {
  switch (e.op) {
    case 'and': case 'or': case '=': case '!=': case '<>': case '<': case '<=': case '>': case '>=':
      columnsOf(e.left, out);
      columnsOf(e.right, out);
      break;
    case 'not': case 'is null': columnsOf(e.operand, out); break;
    case 'in': columnsOf(e.operand, out); for (const v of e.values) columnsOf(v, out); break;
    case 'column': out.add(e.name); break;
    case 'literal': break;
  }
  return out;
}

/** A literal as a point of the column's kind, or undefined when it does not compare as one. */
function point(kind: ValueKind, e: CheckExpr & { op: 'literal' }): number | string | undefined {
  const v = e.value;
  switch (kind) {
    case 'number': case 'decimal':
      return typeof v === 'number' ? Number((e.text ?? String(v)).replace(/_/g, '')) : undefined;
    case 'timestamp': case 'date': {
      if (typeof v !== 'string') return undefined;
      const ms = parseTimestamp(v);
      return ms === ms ? ms : undefined;
    }
    case 'string': return typeof v === 'string' ? v : undefined;
    case 'boolean': return typeof v === 'boolean' ? String(v) : undefined;
    default: return undefined;
  }
}

function flip(op: string): string {
  return op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : op === '>=' ? '<=' : op;
}

/** The TRUE and FALSE sets of `column op p` over non-null values. */
function comparison(kind: ValueKind, op: string, p: number | string): TF {
  if (kind === 'string' || kind === 'boolean') {
    const s = p as string;
    if (op === '=') return { t: discrete(true, [s], false), f: discrete(false, [s], false) };
    if (op === '!=' || op === '<>') return { t: discrete(false, [s], false), f: discrete(true, [s], false) };
    return UNKNOWN_TF; // string ranges: left to rejection sampling
  }
  const x = p as number;
  const pointSet: Interval = { lo: x, hi: x, loOpen: false, hiOpen: false };
  let t: Interval[];
  switch (op) {
    case '=': t = [pointSet]; break;
    case '!=': case '<>': t = complementIntervals([pointSet]); break;
    case '<': t = [{ lo: -Infinity, loOpen: true, hi: x, hiOpen: true }]; break;
    case '<=': t = [{ lo: -Infinity, loOpen: true, hi: x, hiOpen: false }]; break;
    case '>': t = [{ lo: x, loOpen: true, hi: Infinity, hiOpen: true }]; break;
    case '>=': t = [{ lo: x, loOpen: false, hi: Infinity, hiOpen: true }]; break;
    default: return UNKNOWN_TF;
  }
  return { t: ordered(t, false), f: ordered(complementIntervals(normalize(t)), false) };
}

/** The sets of a check that names only `column` (of kind `kind`). */
export function analyze(e: CheckExpr, column: string, kind: ValueKind): TF {
  switch (e.op) {
    case 'and': {
      const l = analyze(e.left, column, kind);
      const r = analyze(e.right, column, kind);
      return { t: intersect2(l.t, r.t), f: union(l.f, r.f) };
    }
    case 'or': {
      const l = analyze(e.left, column, kind);
      const r = analyze(e.right, column, kind);
      return { t: union(l.t, r.t), f: intersect2(l.f, r.f) };
    }
    case 'not': {
      const x = analyze(e.operand, column, kind);
      return { t: x.f, f: x.t };
    }
    case 'is null': {
      if (e.operand.op !== 'column' || kind === 'other') return UNKNOWN_TF;
      const onlyNull = kind === 'string' || kind === 'boolean' ? discrete(true, [], true) : ordered([], true);
      const isNull: TF = { t: onlyNull, f: everything(kind, false) };
      return e.negated ? { t: isNull.f, f: isNull.t } : isNull;
    }
    case 'in': {
      if (e.operand.op !== 'column' || kind === 'other') return UNKNOWN_TF;
      let t = empty(kind);
      let hasNull = false;
      for (const v of e.values) {
        if (v.op !== 'literal') return UNKNOWN_TF;
        if (v.value === null) {
          hasNull = true;
          continue;
        }
        const p = point(kind, v);
        if (p === undefined) return UNKNOWN_TF;
        t = union(t, comparison(kind, '=', p).t);
      }
      // x in (..., null) is never false; x not in (..., null) is never true.
      const f = hasNull ? empty(kind) : complement({ ...t, nul: true } as ValueSet);
      const fNoNull = f.kind === 'unknown' ? f : ({ ...f, nul: false } as ValueSet);
      return e.negated ? { t: hasNull ? empty(kind) : fNoNull, f: t } : { t, f: fNoNull };
    }
    case 'column':
      // A boolean column used as a condition.
      if (kind !== 'boolean') return UNKNOWN_TF;
      return { t: discrete(true, ['true'], false), f: discrete(true, ['false'], false) };
    case 'literal':
      if (kind === 'other') return UNKNOWN_TF;
      if (e.value === true) return { t: everything(kind, true), f: empty(kind) };
      if (e.value === false) return { t: empty(kind), f: everything(kind, true) };
      return { t: empty(kind), f: empty(kind) };
    default: {
      let op: string = e.op;
      let lit: CheckExpr = e.right;
      if (e.left.op === 'column' && e.right.op === 'literal') lit = e.right;
      else if (e.right.op === 'column' && e.left.op === 'literal') {
        lit = e.left;
        op = flip(op);
      } else return UNKNOWN_TF;
      if (lit.op !== 'literal' || lit.value === null) return lit.op === 'literal' ? { t: empty(kind), f: empty(kind) } : UNKNOWN_TF;
      const p = point(kind, lit);
      if (p === undefined) return UNKNOWN_TF;
      return comparison(kind, op, p);
    }
  }
}

/** Intersection where unknown stays unknown (for TRUE/FALSE sets; `intersect` treats unknown as no constraint). */
function intersect2(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'unknown' || b.kind === 'unknown') return UNKNOWN;
  return intersect(a, b);
}

/** The values of a column that pass every check in `checks` (each naming only that column). */
export function passingSet(checks: readonly CheckExpr[], column: string, kind: ValueKind): ValueSet {
  let passing: ValueSet = kind === 'other' ? UNKNOWN : everything(kind, true);
  // An unknown FALSE set restricts nothing here (intersect skips it): candidates are verified.
  for (const c of checks) passing = intersect(passing, complement(analyze(c, column, kind).f));
  return passing;
}

/** The values of a column that fail `check` (which names only that column). */
export function failingSet(check: CheckExpr, column: string, kind: ValueKind): ValueSet {
  return analyze(check, column, kind).f;
}
