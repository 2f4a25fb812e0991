/**
 * The load test's event generator: seeded and deterministic (a seed names one stream of events,
 * byte for byte), derived from the dataset's description (columns, types, optionality, checks,
 * key, mode). It produces the traffic a producer sends a bi-temporal, current-state or
 * append-only dataset, in a configurable mix:
 *
 * | kind | what | the processor |
 * | --- | --- | --- |
 * | `new` | a new fact: a key's first event or its next valid period (an update of a current-state row) | stored |
 * | `correction` | a fact about an earlier valid period of a key, with a closed interval | stored |
 * | `delete` | `"op": "delete"` of a key's latest period (its row) | stored |
 * | `duplicate` | a redelivery, byte for byte, of an event its key still remembers | duplicate |
 * | `out_of_order` | a fact stating a system time before its key's clock (rule 5 raises it) | stored |
 * | `late` | a redelivery of an event its key has forgotten (a late event) | stored (`late = apply`) or dead letter |
 * | `malformed_json`, `wrong_type`, `missing_field`, `failed_check`, `unknown_op`, `invalid_interval` | bad events | dead letter |
 *
 * The generator predicts what the processor does with every event (the table above, exactly, by
 * construction: see `predict` below), so a load test can check its counts against the
 * processor's. Stated system times are unique: in-order events state `base + 2 i` ms (i the
 * event's index), an out-of-order one an odd time just after an event of its key that the key
 * still remembers, so nothing is a duplicate or late by accident. Keys are drawn uniformly from
 * the key space, but a share of the traffic (`hotShare`) goes to the hottest 0.1% of keys,
 * which receive enough events to forget some (late redeliveries come from those).
 */
import type { CheckExpr, Predicate } from '../checks.ts';
import { Invalid } from '../coerce.ts';
import { layoutOf, type ColumnSpec, type DatasetSpec, type TypeSpec } from '../dataset.ts';
import { columnsOf, type ValueSet } from './domain.ts';
import { Rng } from './random.ts';
import { ColumnValues, compiledChecks, DAY, decimalText, GeneratorError, lineOf, YEAR_2024, type Pooled } from './values.ts';

export { GeneratorError } from './values.ts';

export const GOOD_KINDS = ['new', 'correction', 'delete', 'duplicate', 'out_of_order', 'late'] as const;
export const BAD_KINDS = ['malformed_json', 'wrong_type', 'missing_field', 'failed_check', 'unknown_op', 'invalid_interval'] as const;
export const KINDS = [...GOOD_KINDS, ...BAD_KINDS] as const;
export type GoodKind = (typeof GOOD_KINDS)[number];
export type BadKind = (typeof BAD_KINDS)[number];
export type EventKind = (typeof KINDS)[number];

/** What the processor does with an event. */
export type Outcome = 'stored' | 'duplicate' | 'dead_letter';

/** Shares of all events (the rest are `new`). */
export interface TrafficMix {
  readonly correction: number;
  readonly delete: number;
  readonly duplicate: number;
  readonly out_of_order: number;
  readonly late: number;
  readonly bad: number;
}

export const DEFAULT_MIX: TrafficMix = { correction: 0.1, delete: 0.01, duplicate: 0.01, out_of_order: 0.01, late: 0.001, bad: 0.001 };

export interface GeneratorOptions {
  readonly seed: number;
  /** How many distinct keys (capped by what the key's type and checks allow). */
  readonly keys: number;
  readonly mix?: Partial<TrafficMix>;
  /** Which bad kinds to send (default: every kind that applies to the dataset). */
  readonly badKinds?: readonly BadKind[];
  /** Share of the traffic on the hottest 0.1% of keys (default 0.1). */
  readonly hotShare?: number;
  /** Values drawn per column (default 4096). */
  readonly poolSize?: number;
}

export interface Prediction {
  stored: number;
  duplicates: number;
  deadLetters: number;
  /** Late events (also in stored or deadLetters). */
  late: number;
  /** Events whose system time rule 5 raises (out-of-order ones; also in stored). */
  adjusted: number;
}

const MINUTE = 60_000;
/** Minutes around 2024-01-01 whose ISO prefix is kept in an array (about 2 years). */
const MINUTE_SLOTS = 1 << 21;
const RING = 256;
const TRIES = 64;
/** Key values kept formatted, per key column. */
const KEY_CACHE = 1 << 20;

/** One field of the event's JSON object: a column's value, or a nested object or list of fields. */
interface Field {
  readonly name: string;
  readonly prefix: string;
  readonly column?: number;
  readonly children?: Field[];
  readonly list?: boolean;
}

function fieldTree(columns: readonly ColumnSpec[]): Field[] {
  interface Mutable { name: string | number; column?: number; children: Mutable[] }
  const root: Mutable = { name: '', children: [] };
  columns.forEach((c, i) => {
    if (c.source.kind !== 'path') return;
    let node = root;
    const segs = c.source.segments;
    segs.forEach((s, k) => {
      let child = node.children.find((x) => x.name === s);
      if (child === undefined) {
        child = { name: s, children: [] };
        node.children.push(child);
      }
      if (k === segs.length - 1) child.column = i;
      node = child;
    });
  });
  const freeze = (m: Mutable): Field => {
    const list = m.children.length > 0 && m.children.every((c) => typeof c.name === 'number');
    const children = m.children.map(freeze);
    if (list) children.sort((a, b) => Number(a.name) - Number(b.name));
    return { name: String(m.name), prefix: `${JSON.stringify(String(m.name))}:`, ...(m.column !== undefined ? { column: m.column } : {}), ...(m.children.length > 0 ? { children, list } : {}) };
  };
  return root.children.map(freeze);
}

/** The JSON text of the fields whose values are set (undefined: absent; an empty object is left out). */
function writeFields(fields: readonly Field[], vals: readonly (string | undefined)[], list: boolean): string {
  let out = '';
  let n = 0;
  for (const f of fields) {
    let v: string | undefined;
    if (f.children !== undefined) {
      const inner = writeFields(f.children, vals, f.list === true);
      v = inner === '' ? undefined : f.list === true ? `[${inner}]` : `{${inner}}`;
    } else v = vals[f.column!];
    if (list) {
      const at = Number(f.name);
      while (n < at) out += n++ === 0 ? 'null' : ',null';
      out += (n++ === 0 ? '' : ',') + (v ?? 'null');
    } else if (v !== undefined) out += (n++ === 0 ? '' : ',') + f.prefix + v;
  }
  return out;
}

/**
 * The writer of `fields` compiled to straight-line code (the generator's hot path): the same
 * output as `writeFields`, with member names as constants. Built with `new Function` from the
 * field tree only (names are JSON-quoted twice, so no spec text becomes code).
 */
function compileWriter(fields: readonly Field[]): (vals: readonly (string | undefined)[]) => string {
  let id = 0;
  const lines: string[] = [];
  const emit = (fs: readonly Field[], out: string, n: string, list: boolean): void => {
    fs.forEach((f) => {
      if (f.children !== undefined) {
        const inner = `o${++id}`;
        const m = `n${id}`;
        lines.push(`let ${inner} = ''; let ${m} = 0;`);
        emit(f.children, inner, m, f.list === true);
        const wrapped = f.list === true ? `'[' + ${inner} + ']'` : `'{' + ${inner} + '}'`;
        if (list) lines.push(`${out} += (${n}++ === 0 ? '' : ',') + (${inner} === '' ? 'null' : ${wrapped});`);
        else lines.push(`if (${inner} !== '') ${out} += (${n}++ === 0 ? '' : ',') + ${JSON.stringify(f.prefix)} + ${wrapped};`);
      } else if (list) {
        lines.push(`{ const v = vals[${f.column!}]; ${out} += (${n}++ === 0 ? '' : ',') + (v === undefined ? 'null' : v); }`);
      } else {
        lines.push(`{ const v = vals[${f.column!}]; if (v !== undefined) ${out} += (${n}++ === 0 ? '' : ',') + ${JSON.stringify(f.prefix)} + v; }`);
      }
    });
  };
  // Lists with gaps (a path naming element 2 but not 0) keep the general writer.
  const gaps = (fs: readonly Field[]): boolean => fs.some((f) => (f.list === true && f.children!.some((c, i) => Number(c.name) !== i)) || (f.children !== undefined && gaps(f.children)));
  if (gaps(fields)) return (vals) => writeFields(fields, vals, false);
  lines.unshift(`let out = ''; let n = 0;`);
  emit(fields, 'out', 'n', false);
  lines.push('return out;');
  return new Function('vals', lines.join('\n')) as (vals: readonly (string | undefined)[]) => string;
}

/** ISO text of epoch milliseconds, with each minute's prefix formatted once. */
class IsoClock {
  private readonly seconds = Array.from({ length: MINUTE }, (_, ms) => `${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z"`);
  private readonly minutes = new Map<number, string>();
  private readonly near = new Array<string>(MINUTE_SLOTS);
  private lastMinute = NaN;
  private lastPrefix = '';
  json(ms: number): string {
    const within = ((ms % MINUTE) + MINUTE) % MINUTE;
    const minute = ms - within;
    if (minute === this.lastMinute) return this.lastPrefix + this.seconds[within]!;
    // Minutes near 2024 in an array (a lookup without hashing), the rest in a map.
    const slot = (minute - YEAR_2024) / MINUTE + MINUTE_SLOTS / 2;
    if (slot >= 0 && slot < MINUTE_SLOTS) {
      let p = this.near[slot];
      if (p === undefined) {
        p = `"${new Date(minute).toISOString().slice(0, 17)}`;
        this.near[slot] = p;
      }
      return p + this.seconds[within]!;
    }
    let prefix = this.minutes.get(minute);
    if (prefix === undefined) {
      if (this.minutes.size >= 100_000) this.minutes.clear();
      prefix = `"${new Date(minute).toISOString().slice(0, 17)}`;
      this.minutes.set(minute, prefix);
    }
    this.lastMinute = minute;
    this.lastPrefix = prefix;
    return prefix + this.seconds[within]!;
  }
}

/** How key number k becomes the key column's value. */
interface KeyColumn {
  readonly index: number;
  /** Distinct values available (Infinity: as many as asked). */
  readonly capacity: number;
  value(k: number): Pooled;
}

function keyColumn(c: ColumnSpec, index: number, values: ColumnValues, keys: number, rng: Rng): KeyColumn {
  const t = c.type;
  // A key column with checks draws its values from a pool of distinct passing values.
  if (c.checks.length > 0 || (t.kind === 'primitive' && t.name === 'boolean')) {
    const seen = new Map<string, Pooled>();
    const want = Math.min(keys, 65_536);
    for (let i = 0; i < want * 20 + 2000 && seen.size < want; i++) {
      const p = values.pool[i % Math.max(1, values.pool.length)];
      if (p === undefined) break;
      if (i < values.pool.length) {
        if (!seen.has(p.json)) seen.set(p.json, p);
        continue;
      }
      // Beyond the pool: fresh candidates, as the pool drew them.
      const extra = new ColumnValues(c, index, values.ownChecks, values.width, rng, 256);
      for (const q of extra.pool) if (!seen.has(q.json)) seen.set(q.json, q);
      if (extra.pool.length === 0) break;
    }
    const list = [...seen.values()];
    if (list.length === 0) throw new GeneratorError(`the load test cannot generate a value of key column '${c.name}' that passes its checks (${c.checks.map((k) => k.text).join('; ')})`);
    return { index, capacity: list.length, value: (k) => list[k % list.length]! };
  }
  const pooled = (json: unknown, x: unknown): Pooled => ({ json: JSON.stringify(json), value: x, raw: typeof json === 'string' ? json : JSON.stringify(json) });
  if (t.kind === 'decimal') {
    const cap = Math.min(10 ** t.precision, Number.MAX_SAFE_INTEGER);
    return { index, capacity: cap, value: (k) => { const s = decimalText(k, t.scale); return pooled(s, values.coerce(s)); } };
  }
  if (t.kind === 'primitive') {
    switch (t.name) {
      case 'string': {
        const prefix = (c.name.replace(/[^A-Za-z]/g, '').slice(0, 1) || 'K').toUpperCase();
        const width = Math.max(6, String(Math.max(0, keys - 1)).length);
        return { index, capacity: Infinity, value: (k) => { const s = prefix + String(k).padStart(width, '0'); return { json: `"${s}"`, value: s, raw: s }; } };
      }
      case 'uuid':
        return {
          index,
          capacity: Infinity,
          value: (k) => {
            const h = (Math.imul(k ^ 0x5bd1e995, 0x27d4eb2d) >>> 0).toString(16).padStart(8, '0');
            const s = `${h}-${h.slice(0, 4)}-4${h.slice(4, 7)}-8${h.slice(1, 4)}-${k.toString(16).padStart(12, '0')}`;
            return { json: `"${s}"`, value: s, raw: s };
          },
        };
      case 'int': return { index, capacity: 2_147_483_647, value: (k) => pooled(k, k) };
      case 'long': return { index, capacity: Number.MAX_SAFE_INTEGER, value: (k) => pooled(k, k) };
      case 'float': case 'double': return { index, capacity: 16_777_216, value: (k) => pooled(k, values.coerce(k)) };
      case 'date': case 'timestamp': case 'timestamptz': {
        const line = lineOf(t)!;
        const step = t.name === 'date' ? DAY : 1000;
        return { index, capacity: 2_000_000_000, value: (k) => { const j = line.toJson(YEAR_2024 + k * step); return pooled(j, values.coerce(j)); } };
      }
    }
  }
  throw new GeneratorError(`the load test cannot generate keys of type ${JSON.stringify(t)}`);
}

/** An applied event the generator may send again. */
interface Remembered {
  text: string;
  pk: string;
  key: number;
  stated: number;
  /** The key's applied-event count right after this event was applied (its last application). */
  applied: number;
  /** An event in system-time order (not itself out of order or a redelivery). */
  inOrder: boolean;
  delete: boolean;
  usedForOutOfOrder: boolean;
}

/** The first point of a solver set at or after `preferred`, or its lowest point. */
function baseOf(set: ValueSet, preferred: number): number {
  if (set.kind !== 'ordered' || set.intervals.length === 0) return preferred;
  for (const i of set.intervals) if (i.hi > preferred && i.lo <= preferred) return preferred;
  for (const i of set.intervals) if (i.lo >= preferred) return Number.isFinite(i.lo) ? i.lo + (i.loOpen ? 1 : 0) : preferred;
  const last = set.intervals[set.intervals.length - 1]!;
  return Number.isFinite(last.hi) ? last.hi - 400 * DAY : preferred;
}

export class EventGenerator {
  readonly spec: DatasetSpec;
  /** Events generated so far, by kind. */
  readonly counts: Record<EventKind, number>;
  readonly predicted: Prediction = { stored: 0, duplicates: 0, deadLetters: 0, late: 0, adjusted: 0 };
  /** Whether `predicted` is exact for this dataset; when not, `inexact` says why. */
  readonly inexact: string[] = [];
  /** What the mix could not send for this dataset, and why. */
  readonly notes: string[] = [];
  readonly keys: number;
  /** The event's index, text, partition key, kind and outcome after `next()`. */
  index = -1;
  text = '';
  partitionKey = '';
  kind: EventKind = 'new';
  outcome: Outcome = 'stored';

  private readonly rng: Rng;
  private readonly cols: readonly ColumnSpec[];
  private readonly fields: Field[];
  private readonly writer: (vals: readonly (string | undefined)[]) => string;
  private readonly values: (ColumnValues | undefined)[];
  private readonly keyCols: KeyColumn[];
  private readonly keyCache: Pooled[][];
  private readonly payload: number[];
  private readonly required: number[];
  private readonly paths: number[];
  private readonly eventChecks: { text: string; test: Predicate }[];
  private readonly checkFailers: { column: number; expr: CheckExpr; test: Predicate; names: number[]; pool: Pooled[] | undefined }[];
  private readonly vals: (string | undefined)[];
  /** Coerced rows are needed for every event (checks the pools do not settle, a payload partition key). */
  private needRow = false;
  /** A bad event is being built (its checks are judged on its row). */
  private building = false;
  /**
   * Puts rendered ahead: the writer's output for a draw of every payload column, split around
   * the columns that change with every event (key, times, the variant column), with and without
   * an open valid_to; null when every event needs its row (checks judged per event).
   */
  private templates: { readonly parts: readonly (string | number)[]; readonly partsNoValidTo: readonly (string | number)[] | null; readonly raws: readonly (string | undefined)[] }[] | null = null;
  /** The template of the put being built, when it has one. */
  private template: (typeof this.templates & object)[number] | null = null;
  private readonly raws: (string | undefined)[];
  private readonly row: unknown[];
  private readonly iso = new IsoClock();
  private readonly mode: DatasetSpec['mode'];
  private readonly window: number;
  private readonly deadLetterLate: boolean;
  private readonly vf: number;
  private readonly vt: number;
  private readonly sys: number;
  private readonly systemBase: number;
  private readonly validBase: number;
  private pkColumn: number;
  private readonly variant: number;
  private readonly shares: { kind: GoodKind | 'bad'; upTo: number }[];
  private readonly badKinds: BadKind[];
  private readonly hot: number;
  private readonly hotShare: number;
  // Per key: applied events, latest valid_from (0: none yet), latest in-order stated time, count at its last delete, has a row.
  private readonly applied: Uint32Array;
  private readonly latestValid: Float64Array;
  private readonly latestStated: Float64Array;
  /** Per key: its clock (rule 5), as the core keeps it. */
  private readonly clock: Float64Array;
  private readonly lastDelete: Uint32Array;
  private readonly recent: (Remembered | undefined)[] = new Array(RING);
  private readonly archive: (Remembered | undefined)[] = new Array(RING);
  private recentNext = 0;

  constructor(spec: DatasetSpec, options: GeneratorOptions) {
    this.spec = spec;
    this.mode = spec.mode;
    this.rng = new Rng(options.seed);
    this.cols = spec.columns;
    const layout = layoutOf(spec);
    this.vf = layout.validFromIndex;
    this.vt = layout.validToIndex;
    this.sys = layout.systemIndex;
    this.window = spec.mode === 'append' ? 0 : spec.dedupWindow ?? 32;
    this.deadLetterLate = spec.bitemporal?.late === 'dead_letter';
    this.fields = fieldTree(this.cols);
    this.writer = compileWriter(this.fields);
    const width = this.cols.length;
    this.vals = new Array(width);
    this.raws = new Array(width);
    this.row = new Array(width).fill(null);
    const checks = compiledChecks(this.cols);
    for (const c of this.cols) {
      if (c.source.kind !== 'path' && c.checks.length > 0) {
        throw new GeneratorError(`column '${c.name}' reads ${c.source.kind}() and has checks: the load test cannot choose its values, so it cannot tell good events from bad ones`);
      }
    }
    for (const k of checks) {
      for (const name of columnsOf(k.expr)) {
        const c = this.cols.find((x) => x.name === name);
        if (c !== undefined && c.source.kind !== 'path') throw new GeneratorError(`the check '${k.text}' names '${name}', which reads ${c.source.kind}(): the load test cannot choose its values`);
      }
    }
    const identity = new Set([...layout.keyIndexes, this.vf, this.vt, this.sys].filter((i) => i >= 0));
    const single = (names: Set<string>): number => (names.size === 1 ? this.cols.findIndex((c) => c.name === [...names][0]) : -1);
    const poolSize = options.poolSize ?? 4096;
    this.values = this.cols.map((c, i) => {
      if (c.source.kind !== 'path') return undefined;
      const own = checks.filter((k) => single(columnsOf(k.expr)) === i);
      const time = i === this.vf || i === this.vt || i === this.sys;
      return new ColumnValues(c, i, own, width, this.rng, time ? 64 : poolSize);
    });
    this.payload = [];
    this.paths = [];
    this.required = [];
    this.cols.forEach((c, i) => {
      if (c.source.kind !== 'path') return;
      this.paths.push(i);
      if (!c.optional) this.required.push(i);
      if (!identity.has(i)) this.payload.push(i);
    });
    for (const i of this.payload) {
      const v = this.values[i]!;
      if (v.pool.length === 0 && !v.nullable) {
        throw new GeneratorError(`the load test cannot generate a value of column '${this.cols[i]!.name}' that passes its checks (${this.cols[i]!.checks.map((k) => k.text).join('; ') || 'none'}): no candidate of type ${JSON.stringify(this.cols[i]!.type)} did`);
      }
    }
    // Keys.
    const wanted = Math.max(1, Math.floor(options.keys));
    this.keyCols = layout.keyIndexes.map((i) => keyColumn(this.cols[i]!, i, this.values[i]!, wanted, this.rng));
    // Preallocated, so that the cache stays an array (filled at random indexes, a plain [] becomes a dictionary).
    this.keyCache = this.keyCols.map(() => new Array<Pooled>(Math.min(KEY_CACHE, Math.max(1, Math.floor(options.keys)))));
    const capacity = this.keyCols.reduce((n, k) => n * k.capacity, 1);
    this.keys = spec.mode === 'append' ? 1 : Math.min(wanted, capacity);
    if (this.keys < wanted && spec.mode !== 'append') this.notes.push(`keys: ${this.keys} distinct keys (the key's type and checks allow no more), not ${wanted}`);
    this.hot = Math.max(1, Math.floor(this.keys / 1000));
    this.hotShare = options.hotShare ?? 0.1;
    // Checks each event must be judged by (those the pools do not settle).
    const settled = new Set<number>([...this.payload, ...layout.keyIndexes]);
    this.eventChecks = checks.filter((k) => !settled.has(single(columnsOf(k.expr)))).map((k) => ({ text: k.text, test: k.test }));
    this.needRow = this.eventChecks.length > 0;
    this.checkFailers = checks.map((k) => {
      const col = this.cols.findIndex((c) => c.name === k.column);
      const names = [...columnsOf(k.expr)].map((n) => this.cols.findIndex((c) => c.name === n)).filter((x) => x >= 0);
      const only = single(columnsOf(k.expr));
      const own = only >= 0 ? this.values[only] : undefined;
      const at = own?.ownChecks.findIndex((o) => o.expr === k.expr) ?? -1;
      return { column: col, expr: k.expr, test: k.test, names, pool: own !== undefined && at >= 0 ? own.failing[at] : undefined };
    });
    // Times.
    const timeBase = (i: number): number => (i >= 0 ? baseOf(this.values[i]!.passing, YEAR_2024) : YEAR_2024);
    this.validBase = timeBase(this.vf);
    this.systemBase = timeBase(this.sys);
    // The partition key: the stream's field when it is a column the event carries.
    this.pkColumn = -1;
    // A payload column whose value can change with every event, so that no two puts are equal.
    this.variant = spec.mode !== 'current' ? -1 : this.payload.find((i) => {
      const c = this.cols[i]!;
      return c.checks.length === 0 && !checks.some((k) => columnsOf(k.expr).has(c.name)) && c.type.kind === 'primitive' && ['string', 'long', 'timestamp', 'timestamptz'].includes(c.type.name);
    }) ?? -1;

    // The mix.
    const mix = { ...DEFAULT_MIX, ...options.mix };
    for (const [k, v] of Object.entries(mix)) {
      if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new GeneratorError(`mix: ${k} must be a share between 0 and 1, got ${String(v)}`);
    }
    const total = mix.correction + mix.delete + mix.duplicate + mix.out_of_order + mix.late + mix.bad;
    if (total > 1 + 1e-9) throw new GeneratorError(`mix: the shares add up to ${total.toFixed(4)}, more than 1 (new facts are the rest)`);
    const bitemporal = spec.mode === 'bitemporal';
    const stated = bitemporal && this.sys >= 0;
    const not = (kind: GoodKind, why: string): number => {
      if ((mix as Record<string, number>)[kind]! > 0) this.notes.push(`${kind}: not sent (${why}); sent as new facts instead`);
      return 0;
    };
    const share = {
      correction: bitemporal ? mix.correction : not('correction', spec.mode === 'current' ? 'a current-state table has no valid time: an update replaces the row' : 'an append-only table stores every event'),
      delete: spec.mode !== 'append' ? mix.delete : not('delete', 'an append-only table does not read op'),
      duplicate: bitemporal && !stated ? not('duplicate', 'the system time is the arrival time: a redelivery arrives at another time and is a new event') : mix.duplicate,
      out_of_order: stated ? mix.out_of_order : not('out_of_order', bitemporal ? 'the system time is the arrival time, always in order' : 'the dataset has no system time'),
      late: bitemporal && !stated ? not('late', 'the system time is the arrival time') : mix.late,
    };
    let upTo = 0;
    this.shares = [];
    for (const [kind, s] of [['bad', mix.bad], ['correction', share.correction], ['delete', share.delete], ['duplicate', share.duplicate], ['out_of_order', share.out_of_order], ['late', share.late]] as const) {
      upTo += s;
      this.shares.push({ kind, upTo });
    }
    const applicable: BadKind[] = ['malformed_json', 'wrong_type'];
    if (this.required.length > 0) applicable.push('missing_field');
    if (checks.length > 0) applicable.push('failed_check');
    if (spec.mode !== 'append') applicable.push('unknown_op');
    if (bitemporal) applicable.push('invalid_interval');
    const asked = options.badKinds ?? applicable;
    for (const b of asked) if (!applicable.includes(b)) this.notes.push(`${b}: not sent (does not apply to this dataset)`);
    this.badKinds = asked.filter((b) => applicable.includes(b));
    if (this.badKinds.length === 0 && mix.bad > 0) this.badKinds = ['malformed_json'];
    if (spec.mode === 'current' && this.variant < 0) this.inexact.push('no payload column can change with every event, so an update may equal a remembered event and be a duplicate');
    if (bitemporal && !stated) this.inexact.push('the system time is the arrival time: two equal events of a key arriving in the same millisecond are one');

    this.applied = new Uint32Array(this.keys);
    this.latestValid = new Float64Array(bitemporal ? this.keys : 0);
    this.latestStated = new Float64Array(stated ? this.keys : 0);
    this.clock = new Float64Array(stated ? this.keys : 0).fill(-Infinity);
    this.lastDelete = new Uint32Array(spec.mode === 'current' ? this.keys : 0);
    this.counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<EventKind, number>;
    this.buildTemplates(Math.min(poolSize, 4096));
  }

  /** Renders `n` draws of the payload around placeholders of the columns each event sets. */
  private buildTemplates(n: number): void {
    if (this.needRow || n === 0) return;
    const varying = [...this.keyCols.map((k) => k.index), this.vf, this.vt, this.sys, this.variant].filter((i) => i >= 0);
    const mark = (i: number): string => `\u0001${i}\u0001`;
    const split = (text: string): (string | number)[] => text.split(/\u0001(\d+)\u0001/).map((x, j) => (j % 2 === 1 ? Number(x) : x));
    const out: NonNullable<typeof this.templates> = [];
    this.building = true;
    try {
      for (let t = 0; t < n; t++) {
        this.clear();
        this.setPayload();
        for (const i of varying) this.vals[i] = mark(i);
        const parts = split(this.writer(this.vals));
        let partsNoValidTo: (string | number)[] | null = null;
        if (this.vt >= 0) {
          this.vals[this.vt] = undefined;
          partsNoValidTo = split(this.writer(this.vals));
        }
        out.push({ parts, partsNoValidTo, raws: [...this.raws] });
      }
    } finally {
      this.building = false;
      this.clear();
    }
    this.templates = out;
  }

  /** The body of the put being built from its template. */
  private fromTemplate(t: NonNullable<typeof this.template>): string {
    const parts = this.vt >= 0 && this.vals[this.vt] === undefined ? t.partsNoValidTo! : t.parts;
    let body = parts[0] as string;
    for (let j = 1; j < parts.length; j += 2) body += this.vals[parts[j] as number]! + (parts[j + 1] as string);
    return body;
  }

  /** Which event field is the Kinesis partition key (the stream's `partition_key`, a name or JSON path). */
  setPartitionKey(field: string | undefined): void {
    if (field === undefined) return;
    const path = field.startsWith('$') ? field : `$.${field}`;
    const i = this.cols.findIndex((c) => c.source.kind === 'path' && (c.source.path === path || (c.source.segments.length === 1 && c.source.segments[0] === field)));
    this.pkColumn = i;
    if (i >= 0 && this.payload.includes(i)) this.needRow = true;
    if (i < 0) this.notes.push(`partition key: the stream's partition_key '${field}' is no column of the dataset; the key's value is used`);
  }

  private pickKey(): number {
    if (this.hotShare > 0 && this.rng.next() < this.hotShare) return this.rng.int(this.hot);
    return this.rng.int(this.keys);
  }

  private setKey(k: number): void {
    let rem = k;
    for (let j = 0; j < this.keyCols.length; j++) {
      const kc = this.keyCols[j]!;
      let digit: number;
      if (kc.capacity === Infinity || j === this.keyCols.length - 1) {
        digit = rem;
        rem = 0;
      } else {
        digit = rem % kc.capacity;
        rem = Math.floor(rem / kc.capacity);
      }
      const cache = this.keyCache[j]!;
      let v = digit < cache.length ? cache[digit] : undefined;
      if (v === undefined) {
        v = kc.value(digit);
        if (digit < cache.length) cache[digit] = v;
      }
      this.vals[kc.index] = v.json;
      this.raws[kc.index] = v.raw;
      if (this.slow) this.row[kc.index] = v.value;
    }
  }

  private keyText(): string {
    if (this.keyCols.length === 1) return this.raws[this.keyCols[0]!.index]!;
    if (this.keyCols.length === 0) return `p${this.index % 1024}`;
    return JSON.stringify(this.keyCols.map((k) => this.raws[k.index]));
  }

  private clear(): void {
    this.template = null;
    this.vals.fill(undefined);
    this.raws.fill(undefined);
    this.row.fill(null);
  }

  private setTime(i: number, ms: number | null): void {
    if (i < 0) return;
    if (ms === null) {
      this.vals[i] = this.rng.chance(0.5) ? 'null' : undefined;
      this.row[i] = null;
    } else {
      this.vals[i] = this.iso.json(ms);
      this.row[i] = ms;
    }
  }

  /** Fills the payload columns from their pools (the variant column from the event index). */
  private setPayload(): void {
    this.template = null;
    if (this.templates !== null && !this.slow) {
      // A rendered draw: only the variant column (if any) is set here.
      const t = this.templates[this.rng.int(this.templates.length)]!;
      this.template = t;
      if (this.pkColumn >= 0 && this.payload.includes(this.pkColumn)) this.raws[this.pkColumn] = t.raws[this.pkColumn];
      if (this.variant < 0) return;
    }
    for (const i of this.payload) {
      if (this.template !== null && i !== this.variant) continue;
      const v = this.values[i]!;
      if (i === this.variant) {
        const t = (this.cols[i]!.type as { name: string }).name;
        if (t === 'string') {
          const s = `v${this.index}`;
          this.vals[i] = `"${s}"`;
          this.raws[i] = s;
          this.row[i] = s;
        } else if (t === 'long') {
          this.vals[i] = String(this.index);
          this.raws[i] = String(this.index);
          this.row[i] = this.index;
        } else {
          const ms = YEAR_2024 + this.index;
          this.vals[i] = this.iso.json(ms);
          this.row[i] = ms;
        }
        continue;
      }
      if (v.pool.length === 0 || (v.nullable && this.rng.chance(0.1))) {
        this.vals[i] = this.rng.chance(0.5) ? 'null' : undefined;
        this.raws[i] = undefined;
        this.row[i] = null;
        continue;
      }
      const p = v.pool[this.rng.int(v.pool.length)]!;
      this.vals[i] = p.json;
      if (this.slow) {
        this.raws[i] = p.raw;
        this.row[i] = p.value;
      }
    }
  }

  /** Whether events need their coerced row (checks judged per event, a bad event) and raw texts (a payload partition key). */
  private get slow(): boolean {
    return this.needRow || this.building;
  }

  private passesEventChecks(): boolean {
    for (const c of this.eventChecks) if (c.test(this.row) === false) return false;
    return true;
  }

  private write(op: string | undefined): string {
    const t = this.template;
    this.template = null;
    const body = t !== null ? this.fromTemplate(t) : this.writer(this.vals);
    return op === undefined ? `{${body}}` : body === '' ? `{"op":${op}}` : `{"op":${op},${body}}`;
  }

  private partition(): string {
    const raw = this.pkColumn >= 0 ? this.raws[this.pkColumn] : undefined;
    const pk = raw ?? this.keyText();
    return pk === '' ? '-' : pk.length > 256 ? pk.slice(0, 256) : pk;
  }

  /**
   * The in-order system time and valid interval of a put for key k (no state change):
   * `correction` reaches back before the key's latest valid time.
   */
  private putTimes(k: number, correction: boolean): { validFrom: number; validTo: number | null } {
    const latest = this.latestValid[k] ?? 0;
    const open = this.cols[this.vt]!.optional;
    if (latest === 0) return { validFrom: this.validBase + this.rng.int(1000) * MINUTE, validTo: open ? null : this.validBase + (1000 + this.rng.int(60)) * MINUTE };
    if (correction) {
      const from = latest - (1 + this.rng.int(60)) * MINUTE;
      return { validFrom: from, validTo: from + (1 + this.rng.int(30)) * MINUTE };
    }
    const from = latest + (1 + this.rng.int(60)) * MINUTE;
    return { validFrom: from, validTo: open ? null : from + (1 + this.rng.int(60)) * MINUTE };
  }

  /** Rule 5 on key k for an applied event stating `stated`; true when its time is raised. */
  private tick(k: number, stated: number): boolean {
    if (this.clock.length === 0) return false;
    const c = this.clock[k]!;
    if (stated < c) {
      this.clock[k] = c + 1;
      return true;
    }
    this.clock[k] = stated;
    return false;
  }

  private stated(): number {
    return this.systemBase + 2 * this.index;
  }

  /** Builds a put of key k at in-order times into vals/row; false when checks could not be met. */
  private buildPut(k: number, correction: boolean, stated: number): { validFrom: number; validTo: number | null } | undefined {
    for (let t = 0; t < TRIES; t++) {
      // A put sets every column the event carries (key, times, payload), so only the row needs clearing.
      if (this.slow) this.row.fill(null);
      this.setKey(k);
      let times: { validFrom: number; validTo: number | null } | undefined;
      if (this.mode === 'bitemporal') {
        times = this.putTimes(k, correction);
        this.setTime(this.vf, times.validFrom);
        this.setTime(this.vt, times.validTo);
        if (this.sys >= 0) this.setTime(this.sys, stated);
      }
      this.setPayload();
      if (this.passesEventChecks()) return times ?? { validFrom: 0, validTo: null };
    }
    return undefined;
  }

  private remember(k: number, inOrder: boolean, isDelete: boolean, stated: number): void {
    // The recent ring's entries are reused; the archive keeps its own (rare) copies.
    let entry = this.recent[this.recentNext];
    if (entry === undefined) {
      entry = { text: this.text, pk: this.partitionKey, key: k, stated, applied: this.applied[k]!, inOrder, delete: isDelete, usedForOutOfOrder: false };
      this.recent[this.recentNext] = entry;
    } else {
      entry.text = this.text;
      entry.pk = this.partitionKey;
      entry.key = k;
      entry.stated = stated;
      entry.applied = this.applied[k]!;
      entry.inOrder = inOrder;
      entry.delete = isDelete;
      entry.usedForOutOfOrder = false;
    }
    this.recentNext = (this.recentNext + 1) % RING;
    if (k < this.hot && this.rng.chance(1 / 16)) this.archive[this.rng.int(RING)] = { ...entry };
  }

  private emit(kind: EventKind, outcome: Outcome, late = false): void {
    this.kind = kind;
    this.outcome = outcome;
    this.counts[kind]++;
    const p = this.predicted;
    if (outcome === 'stored') p.stored++;
    else if (outcome === 'duplicate') p.duplicates++;
    else p.deadLetters++;
    if (late) p.late++;
  }

  /** A new fact (or a correction) for a key: applied. */
  private fact(kind: 'new' | 'correction'): void {
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const k = this.pickKey();
      const correction = kind === 'correction' && (this.latestValid[k] ?? 0) !== 0;
      const stated = this.stated();
      const times = this.buildPut(k, correction, stated);
      if (times === undefined) continue;
      const op = this.mode !== 'append' && this.rng.chance(0.2) ? '"put"' : undefined;
      this.text = this.write(op);
      this.partitionKey = this.partition();
      if (this.mode !== 'append') {
        this.applied[k]!++;
        if (this.mode === 'bitemporal') {
          if (!correction) this.latestValid[k] = times.validFrom;
          else if (this.latestValid[k] === 0) this.latestValid[k] = times.validFrom;
          if (this.sys >= 0) {
            this.latestStated[k] = stated;
            this.tick(k, stated);
          }
        }
      }
      this.remember(k, true, false, stated);
      this.emit(correction ? 'correction' : 'new', 'stored');
      return;
    }
    throw new GeneratorError(`the load test could not generate an event that passes the checks ${this.eventChecks.map((c) => `'${c.text}'`).join(', ')} in ${TRIES * TRIES} tries`);
  }

  private del(): boolean {
    const k = this.pickKey();
    if (this.mode === 'bitemporal') {
      const latest = this.latestValid[k]!;
      if (latest === 0) return false;
      this.clear();
      this.setKey(k);
      this.setTime(this.vf, latest);
      const open = this.cols[this.vt]!.optional;
      this.setTime(this.vt, open ? null : latest + 60 * MINUTE);
      const stated = this.stated();
      if (this.sys >= 0) this.setTime(this.sys, stated);
      this.text = this.write('"delete"');
      this.partitionKey = this.partition();
      this.applied[k]!++;
      if (this.sys >= 0) {
        this.latestStated[k] = stated;
        this.tick(k, stated);
      }
      this.remember(k, true, true, stated);
      this.emit('delete', 'stored');
      return true;
    }
    // Current-state: every delete of a key is equal, so one within the window would be a duplicate.
    const n = this.applied[k]!;
    const last = this.lastDelete[k]!;
    if (n === 0 || (last > 0 && (last === n || (this.window > 0 && n - last < this.window)))) return false;
    this.clear();
    this.setKey(k);
    this.text = this.write('"delete"');
    this.partitionKey = this.partition();
    this.applied[k] = n + 1;
    this.lastDelete[k] = n + 1;
    this.remember(k, true, true, 0);
    this.emit('delete', 'stored');
    return true;
  }

  private probe(from: (Remembered | undefined)[], ok: (e: Remembered) => boolean): Remembered | undefined {
    for (let t = 0; t < 8; t++) {
      const e = from[this.rng.int(RING)];
      if (e !== undefined && ok(e)) return e;
    }
    return undefined;
  }

  /** Whether key k still remembers an event applied as its `applied`-th. */
  private inWindow(e: Remembered): boolean {
    return this.window > 0 && this.applied[e.key]! - e.applied < this.window;
  }

  /** An event applied again: entries of it in the recent ring may no longer serve out-of-order events. */
  private reapplied(e: Remembered): void {
    e.inOrder = false;
    for (const r of this.recent) if (r !== undefined && r.key === e.key && r.text === e.text) {
      r.inOrder = false;
      r.applied = e.applied;
    }
  }

  private redeliver(e: Remembered, kind: 'duplicate' | 'late'): void {
    this.text = e.text;
    this.partitionKey = e.pk;
    if (this.mode === 'append') {
      this.emit(kind, 'stored');
      return;
    }
    if (this.inWindow(e)) {
      this.emit(kind, 'duplicate');
      return;
    }
    if (this.mode === 'current') {
      // Applied again, unless a delete equal to it is remembered.
      const k = e.key;
      const n = this.applied[k]!;
      const last = this.lastDelete[k]!;
      if (e.delete && last > 0 && this.window > 0 && n - last < this.window) {
        this.emit(kind, 'duplicate');
        return;
      }
      this.applied[k] = n + 1;
      e.applied = n + 1;
      this.reapplied(e);
      if (e.delete) this.lastDelete[k] = n + 1;
      this.emit(kind, 'stored');
      return;
    }
    // Bi-temporal: forgotten, so it states a time at or before what the key forgot: a late event.
    if (this.deadLetterLate) {
      this.emit(kind, 'dead_letter', true);
      return;
    }
    // Applied (rule 5 raises it: its key's clock is past it) and remembered again; an
    // out-of-order event may no longer lean on it (what it evicts stated later times).
    this.applied[e.key]!++;
    e.applied = this.applied[e.key]!;
    this.reapplied(e);
    if (this.tick(e.key, e.stated)) this.predicted.adjusted++;
    this.emit(kind, 'stored', true);
  }

  private duplicate(): boolean {
    const e = this.probe(this.recent, (x) => this.mode === 'append' || this.inWindow(x) || this.window === 0);
    if (e === undefined) return false;
    this.redeliver(e, 'duplicate');
    return true;
  }

  private late(): boolean {
    const e = this.probe(this.archive, (x) => this.mode === 'append' || !this.inWindow(x)) ?? (this.window === 0 ? this.probe(this.recent, () => true) : undefined);
    if (e === undefined) return false;
    this.redeliver(e, 'late');
    return true;
  }

  /** A fact stating a system time just after an event its key remembers, before the key's clock. */
  private outOfOrder(): boolean {
    const e = this.probe(this.recent, (x) => x.inOrder && !x.usedForOutOfOrder && !x.delete && this.latestStated[x.key]! > x.stated + 1 && (this.inWindow(x) || this.window === 0));
    if (e === undefined) return false;
    const k = e.key;
    const stated = e.stated + 1;
    let times: { validFrom: number; validTo: number | null } | undefined;
    for (let t = 0; t < TRIES && times === undefined; t++) {
      this.clear();
      this.setKey(k);
      const latest = this.latestValid[k]!;
      times = { validFrom: latest - (1 + this.rng.int(120)) * MINUTE, validTo: null };
      if (!this.cols[this.vt]!.optional) times.validTo = times.validFrom + (1 + this.rng.int(30)) * MINUTE;
      this.setTime(this.vf, times.validFrom);
      this.setTime(this.vt, times.validTo);
      this.setTime(this.sys, stated);
      this.setPayload();
      if (!this.passesEventChecks()) times = undefined;
    }
    if (times === undefined) return false;
    e.usedForOutOfOrder = true;
    this.text = this.write(undefined);
    this.partitionKey = this.partition();
    if (this.window === 0) {
      // Nothing is remembered: the key forgot every event at once, so this one is late.
      if (this.deadLetterLate) {
        this.emit('out_of_order', 'dead_letter', true);
        return true;
      }
      this.applied[k]!++;
      if (this.tick(k, stated)) this.predicted.adjusted++;
      this.emit('out_of_order', 'stored', true);
      return true;
    }
    this.applied[k]!++;
    this.remember(k, false, false, stated);
    if (this.tick(k, stated)) this.predicted.adjusted++;
    this.emit('out_of_order', 'stored');
    return true;
  }

  /** A bad event: built from a put that is never applied. */
  private bad(): void {
    let kind = this.rng.pick(this.badKinds);
    const k = this.pickKey();
    this.building = true;
    let times = this.buildPut(k, false, this.stated());
    this.building = false;
    if (times === undefined) {
      // The put itself could not be built: any malformed text is still a bad event.
      kind = 'malformed_json';
      times = { validFrom: 0, validTo: null };
    }
    let op: string | undefined;
    const wrongType = (): void => {
      const withWrong = this.paths.filter((i) => this.values[i]!.wrong.length > 0);
      if (withWrong.length === 0) {
        kind = 'malformed_json';
        return;
      }
      const i = this.rng.pick(withWrong);
      this.vals[i] = this.rng.pick(this.values[i]!.wrong);
    };
    switch (kind) {
      case 'malformed_json':
        break;
      case 'wrong_type':
        wrongType();
        break;
      case 'missing_field':
        this.vals[this.rng.pick(this.required)] = this.rng.chance(0.5) ? 'null' : undefined;
        break;
      case 'unknown_op':
        op = this.rng.pick(['"upsert"', '"DELETE"', '"Put"', '"remove"', '1', 'null', '""']);
        break;
      case 'invalid_interval': {
        const to = times.validFrom - this.rng.int(3) * MINUTE;
        this.setTime(this.vt, to);
        break;
      }
      case 'failed_check':
        if (!this.failCheck()) {
          kind = 'wrong_type';
          wrongType();
        }
        break;
    }
    this.partitionKey = this.partition();
    const text = this.write(op);
    if (kind === 'malformed_json') {
      // A prefix of an object's text (never all of it) is never JSON; now and then a JSON value that is no object.
      if (this.rng.chance(0.1)) this.text = this.rng.pick([`[${this.vals.filter((v) => v !== undefined).slice(0, 2).join(',')}]`, '"an event"', '42', 'null']);
      else this.text = text.slice(0, 1 + this.rng.int(text.length - 1));
    } else this.text = text;
    this.emit(kind, 'dead_letter');
  }

  /** Makes the put in vals/row fail one check; false when none can be made to fail. */
  private failCheck(): boolean {
    const order = this.checkFailers.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const f of order.map((i) => this.checkFailers[i]!)) {
      if (f.pool !== undefined && f.pool.length > 0) {
        const i = f.names[0]!;
        const p = this.rng.pick(f.pool);
        this.vals[i] = p.json;
        this.row[i] = p.value;
        return true;
      }
      // A check over several columns (or the times): try other values of the columns it names.
      for (let t = 0; t < TRIES; t++) {
        const saved = f.names.map((i) => [this.vals[i], this.row[i]] as const);
        for (const i of f.names) {
          if (this.rng.chance(0.5) && f.names.length > 1) continue;
          const v = this.values[i];
          const c = this.cols[i]!;
          if (v === undefined) continue;
          const pick = v.pool.length > 0 && this.rng.chance(0.5) ? this.rng.pick(v.pool).json : JSON.stringify(anyOf(c.type, this.rng, c.name));
          const x = v.coerce(JSON.parse(pick));
          if (x instanceof Invalid) continue;
          this.vals[i] = pick;
          this.row[i] = x;
        }
        if (f.test(this.row) === false) return true;
        f.names.forEach((i, n) => {
          this.vals[i] = saved[n]![0];
          this.row[i] = saved[n]![1];
        });
      }
    }
    return false;
  }

  /** Generates the next event into index, text, partitionKey, kind and outcome. */
  next(): void {
    this.index++;
    const r = this.rng.next();
    let kind: GoodKind | 'bad' = 'new';
    for (const s of this.shares) {
      if (r < s.upTo) {
        kind = s.kind;
        break;
      }
    }
    switch (kind) {
      case 'bad': this.bad(); return;
      case 'correction': this.fact('correction'); return;
      case 'delete': if (!this.del()) this.fact('new'); return;
      case 'duplicate': if (!this.duplicate()) this.fact('new'); return;
      case 'out_of_order': if (!this.outOfOrder()) this.fact('new'); return;
      case 'late': if (!this.late()) this.fact('new'); return;
      default: this.fact('new');
    }
  }

  /** The next n events' texts (and partition keys, when `keys` is given) appended to the arrays. */
  fill(n: number, texts: string[], keys?: string[]): void {
    for (let i = 0; i < n; i++) {
      this.next();
      texts.push(this.text);
      keys?.push(this.partitionKey);
    }
  }
}

function anyOf(t: TypeSpec, rng: Rng, name: string): unknown {
  const line = lineOf(t);
  if (line !== undefined) {
    const [lo, hi] = rng.chance(0.5) ? line.natural : [Math.max(line.full[0], -1e12), Math.min(line.full[1], 1e12)];
    const x = lo + rng.next() * (hi - lo);
    return line.toJson(line.step > 0 ? Math.round(x / line.step) * line.step : x);
  }
  if (t.kind === 'primitive' && t.name === 'boolean') return rng.chance(0.5);
  if (t.kind === 'primitive' && t.name === 'string') return `${name}-${rng.int(1000)}`;
  return null;
}
