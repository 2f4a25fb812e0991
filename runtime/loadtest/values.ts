/**
 * Values of one column for the load test's generator: pools of JSON values that fit the
 * column's type and pass its single-column `@check`s, values that fail each such check, and
 * values of a wrong JSON type. Candidates are drawn from the solver's domain (domain.ts), then
 * each is coerced by the runtime's own coercer and judged by the runtime's own compiled check
 * (checks.ts): only what the processor would accept enters a good pool, only what it would
 * reject enters a bad one. Drawing is bounded; a column whose checks no candidate passes is
 * reported with a message, never looped on.
 */
import { compileCheck, literalsOf, type CheckExpr, type Predicate } from '../checks.ts';
import { coercer, Invalid, type Coercer } from '../coerce.ts';
import type { ColumnSpec, TypeSpec } from '../dataset.ts';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../time.ts';
import { failingSet, passingSet, valueKind, type Interval, type ValueKind, type ValueSet } from './domain.ts';
import { Rng } from './random.ts';

export const DAY = 86_400_000;
export const YEAR_2024 = Date.UTC(2024, 0, 1);

/** Why the generator cannot produce events for a dataset. */
export class GeneratorError extends Error {}

export interface Pooled {
  /** The value as JSON text, as it appears in the event. */
  readonly json: string;
  /** The value as the runtime holds it after coercion (what checks see). */
  readonly value: unknown;
  /** The value as a plain string (a partition key). */
  readonly raw: string;
}

interface Line {
  readonly natural: readonly [number, number];
  readonly full: readonly [number, number];
  /** Distance between representable values; 0 for continuous (floating point). */
  readonly step: number;
  /** JSON value of a point of the line. */
  readonly toJson: (x: number) => unknown;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The number line of an ordered type: where values usually lie, where they may lie, their step. */
export function lineOf(t: TypeSpec): Line | undefined {
  if (t.kind === 'decimal') {
    const intDigits = t.precision - t.scale;
    const step = 10 ** -t.scale;
    const max = Math.min(10 ** intDigits - step, 1e15);
    return {
      natural: [0, Math.min(max, 100_000)],
      full: [-max, max],
      step,
      toJson: (x) => decimalText(Math.round(x / step), t.scale),
    };
  }
  if (t.kind !== 'primitive') return undefined;
  switch (t.name) {
    case 'int': return { natural: [0, 100_000], full: [-2_147_483_648, 2_147_483_647], step: 1, toJson: (x) => x };
    case 'long': return { natural: [0, 1_000_000_000], full: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], step: 1, toJson: (x) => x };
    case 'float': return { natural: [0, 10_000], full: [-1e30, 1e30], step: 0, toJson: (x) => Math.fround(x) };
    case 'double': return { natural: [0, 10_000], full: [-1e300, 1e300], step: 0, toJson: (x) => (Math.abs(x) < 1e9 ? Math.round(x * 1e4) / 1e4 : x) };
    case 'date': return { natural: [YEAR_2024, YEAR_2024 + 730 * DAY], full: [MIN_TIMESTAMP, MAX_TIMESTAMP - DAY + 1], step: DAY, toJson: (x) => iso(x).slice(0, 10) };
    case 'timestamp': case 'timestamptz': return { natural: [YEAR_2024, YEAR_2024 + 730 * DAY], full: [MIN_TIMESTAMP, MAX_TIMESTAMP], step: 1, toJson: (x) => iso(x) };
    default: return undefined;
  }
}

/** Units (an integer) of 10^-scale as decimal text with exactly `scale` decimals. */
export function decimalText(units: number, scale: number): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative && units !== 0 ? `-${text}` : text;
}

/** A point of `intervals` within [lo, hi] on a line of `step`, or undefined when there is none. */
function samplePoint(intervals: readonly Interval[], lo: number, hi: number, step: number, rng: Rng): number | undefined {
  const parts: { a: number; b: number; w: number }[] = [];
  for (const i of intervals) {
    let a = Math.max(i.lo, lo);
    let b = Math.min(i.hi, hi);
    if (step > 0) {
      const ua = a === i.lo && i.loOpen ? Math.floor(a / step + 1e-9) + 1 : Math.ceil(a / step - 1e-9);
      const ub = b === i.hi && i.hiOpen ? Math.ceil(b / step - 1e-9) - 1 : Math.floor(b / step + 1e-9);
      if (ua > ub) continue;
      parts.push({ a: ua, b: ub, w: ub - ua + 1 });
    } else {
      if (a > b || (a === b && (i.loOpen || i.hiOpen) && (a === i.lo || b === i.hi))) continue;
      if (a === i.lo && i.loOpen) a = a + Math.max(Math.abs(a) * 1e-12, 1e-9);
      if (b === i.hi && i.hiOpen) b = b - Math.max(Math.abs(b) * 1e-12, 1e-9);
      if (a > b) continue;
      parts.push({ a, b, w: Math.max(b - a, 1e-9) });
    }
  }
  if (parts.length === 0) return undefined;
  const total = parts.reduce((s, p) => s + p.w, 0);
  // Points (one-value intervals) weigh at least a tenth of the whole, so an `in` list is hit.
  const weights = parts.map((p) => Math.max(p.w, total / (10 * parts.length)));
  let r = rng.next() * weights.reduce((s, w) => s + w, 0);
  let k = 0;
  while (k < parts.length - 1 && r >= weights[k]!) r -= weights[k++]!;
  const p = parts[k]!;
  if (step > 0) return (p.a + rng.int(p.b - p.a + 1)) * step;
  return p.a + rng.next() * (p.b - p.a);
}

function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.u32() & 15];
  return s;
}

/** A random UUID (version 4 layout). */
export function uuid(rng: Rng): string {
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[rng.u32() & 3]}${hex(rng, 3)}-${hex(rng, 12)}`;
}

function base64(rng: Rng): string {
  const bytes = new Uint8Array(3 + rng.int(10));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.u32() & 255;
  return Buffer.from(bytes).toString('base64');
}

/** A string that looks like the column's data: `SYM-4711`, `u17@example.com`. */
function plainString(name: string, rng: Rng): string {
  if (/mail/i.test(name)) return `u${rng.int(100_000)}@example.com`;
  const prefix = (name.replace(/[^A-Za-z]/g, '').slice(0, 3) || 'V').toUpperCase();
  return `${prefix}-${rng.int(rng.chance(0.5) ? 1000 : 1_000_000)}`;
}

/** A JSON value of a type with no checks (nested values: timestamps as ISO text, decimals as text). */
export function anyValue(t: TypeSpec, rng: Rng, name: string): unknown {
  switch (t.kind) {
    case 'list': {
      const n = rng.int(4);
      return Array.from({ length: n }, () => (t.elementOptional && rng.chance(0.1) ? null : anyValue(t.element, rng, name)));
    }
    case 'map': {
      const n = rng.int(4);
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = anyValue(t.key, rng, 'key');
        o[typeof k === 'string' ? k : JSON.stringify(k)] = t.valueOptional && rng.chance(0.1) ? null : anyValue(t.value, rng, name);
      }
      return o;
    }
    case 'struct':
      return Object.fromEntries(t.fields.map((f) => [f.name, f.optional && rng.chance(0.1) ? null : anyValue(f.type, rng, f.name)]));
    case 'decimal':
    case 'primitive': {
      const line = lineOf(t);
      if (line !== undefined) return line.toJson(samplePoint([{ lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: true }], line.natural[0], line.natural[1], line.step, rng)!);
      if (t.kind !== 'primitive') return null;
      switch (t.name) {
        case 'string': return plainString(name, rng);
        case 'uuid': return uuid(rng);
        case 'binary': return base64(rng);
        case 'boolean': return rng.chance(0.5);
        default: throw new GeneratorError(`the load test cannot generate values of type '${t.name}'`);
      }
    }
  }
}

/** One candidate JSON value (never null) from `set` (a solver set, or unknown). */
export function candidate(t: TypeSpec, kind: ValueKind, set: ValueSet, rng: Rng, name: string, hints: readonly (string | number | boolean)[]): unknown {
  if (hints.length > 0 && rng.chance(set.kind === 'unknown' ? 0.3 : 0.05)) {
    const h = rng.pick(hints);
    if (typeof h === 'string') {
      const variants = [h, `${h}a`, h.slice(0, -1), `${h.slice(0, -1)}${String.fromCharCode(Math.max(32, h.charCodeAt(h.length - 1) - 1))}z`, `${h} `];
      const v = rng.pick(variants);
      if (kind === 'string') return v;
      if (kind === 'timestamp' || kind === 'date') {
        const ms = Date.parse(h);
        if (Number.isFinite(ms)) return lineOf(t)!.toJson(ms + (rng.int(3) - 1) * (kind === 'date' ? DAY : 1));
      }
    } else if (typeof h === 'number') {
      const line = lineOf(t);
      if (line !== undefined) {
        const step = line.step > 0 ? line.step : 0.5;
        const x = h + (rng.int(5) - 2) * step;
        if (x >= line.full[0] && x <= line.full[1]) return line.toJson(line.step > 0 ? Math.round(x / line.step) * line.step : x);
      }
    } else if (kind === 'boolean') return h;
  }
  if (set.kind === 'ordered') {
    const line = lineOf(t);
    if (line !== undefined) {
      const x = samplePoint(set.intervals, line.natural[0], line.natural[1], line.step, rng) ?? samplePoint(set.intervals, line.full[0], line.full[1], line.step, rng);
      if (x !== undefined) return line.toJson(x);
    }
  }
  if (set.kind === 'discrete' && set.include) {
    if (set.values.size === 0) return anyValue(t, rng, name);
    const v = rng.pick([...set.values]);
    return kind === 'boolean' ? v === 'true' : v;
  }
  return anyValue(t, rng, name);
}

/** JSON values of another type than `t`'s (the coercer must reject them: checked by the caller). */
function wrongTypes(t: TypeSpec): unknown[] {
  if (t.kind === 'list') return ['not a list', 7, { x: 1 }];
  if (t.kind === 'map') return ['not a map', [1, 2], true];
  if (t.kind === 'struct') return ['not a struct', 7, [1]];
  if (t.kind === 'decimal') return [true, 'twelve', { amount: 1 }];
  switch (t.name) {
    case 'string': case 'uuid': case 'binary': return [12345, true, { text: 'x' }];
    case 'boolean': return ['yes', 1, [true]];
    case 'date': return [20240101, true, '01/02/2024'];
    case 'timestamp': case 'timestamptz': return [true, 'yesterday', 1.5];
    default: return [true, 'not a number', { n: 1 }];
  }
}

/** The generator's view of one column: its pools and predicates. */
export class ColumnValues {
  readonly kind: ValueKind;
  readonly coerce: Coercer;
  /** Good values (type-correct, passing this column's own checks); empty when only null passes. */
  readonly pool: Pooled[] = [];
  /** Whether null passes this column's own checks (always false for a required column). */
  readonly nullable: boolean;
  /** JSON texts of wrong-typed values. */
  readonly wrong: string[] = [];
  /** Per own check (index into `ownChecks`): values failing it. */
  readonly failing: Pooled[][] = [];
  readonly hints: (string | number | boolean)[] = [];
  readonly passing: ValueSet;

  constructor(
    readonly column: ColumnSpec,
    readonly index: number,
    /** Checks naming only this column, compiled over the dataset's columns. */
    readonly ownChecks: readonly { readonly expr: CheckExpr; readonly text: string; readonly test: Predicate }[],
    readonly width: number,
    rng: Rng,
    poolSize: number,
  ) {
    const t = column.type;
    this.kind = valueKind(t);
    this.coerce = coercer(t);
    for (const c of ownChecks) literalsOf(c.expr, this.hints);
    this.passing = passingSet(ownChecks.map((c) => c.expr), column.name, this.kind);
    const row = new Array<unknown>(width).fill(null);
    const passes = (v: unknown): boolean => {
      row[index] = v;
      const ok = ownChecks.every((c) => c.test(row) !== false);
      row[index] = null;
      return ok;
    };
    this.nullable = column.optional && passes(null);
    if (poolSize > 0) {
      const tries = Math.max(2000, poolSize * 50);
      for (let i = 0; i < tries && this.pool.length < poolSize; i++) {
        const v = candidate(t, this.kind, this.passing, rng, column.name, this.hints);
        const x = this.coerce(v);
        if (x instanceof Invalid || !passes(x)) continue;
        this.pool.push({ json: JSON.stringify(v), value: x, raw: typeof v === 'string' ? v : JSON.stringify(v) });
      }
    }
    for (const v of wrongTypes(t)) if (this.coerce(v) instanceof Invalid) this.wrong.push(JSON.stringify(v));
    ownChecks.forEach((c, k) => {
      const fails = failingSet(c.expr, column.name, this.kind);
      const out: Pooled[] = [];
      for (let i = 0; i < 3000 && out.length < 32; i++) {
        const v = candidate(t, this.kind, fails, rng, column.name, this.hints);
        const x = this.coerce(v);
        if (x instanceof Invalid) continue;
        row[index] = x;
        const result = c.test(row);
        row[index] = null;
        if (result === false) out.push({ json: JSON.stringify(v), value: x, raw: typeof v === 'string' ? v : JSON.stringify(v) });
      }
      this.failing[k] = out;
    });
  }
}

/** Compiles the checks of a dataset's columns once: each with the columns it names. */
export function compiledChecks(columns: readonly ColumnSpec[]): { column: string; text: string; expr: CheckExpr; test: Predicate }[] {
  return columns.flatMap((c) => c.checks.map((k) => ({ column: c.name, text: k.text, expr: k.expr, test: compileCheck(k.expr, columns) })));
}
