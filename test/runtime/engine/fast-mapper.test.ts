/**
 * The engine's fast mapping (runtime/engine/scan.ts, fast-mapper.ts) against today's row
 * mapper (runtime/mapping.ts `RowMapper`) and staging encoder (runtime/sink/csv.ts
 * `RowTemplates`): whenever the fast path reads an event (FAST), the row mapper must map the
 * same text to a row (never a dead letter) with the same op, the same canonical key, the same
 * payload key and the same bi-temporal times; the fast path says BLANK exactly for the lines the
 * runtime counts as blank; every other event is SLOW and left to the row mapper, which decides
 * as it always did (so dead letters keep their reasons).
 *
 * Inputs: every case of the shared mapping fixtures (test/vectors/mapping) on its own dataset
 * and on a keyed (current-state) twin of it; lines as real files hold them (escapes, duplicate
 * members, numbers beyond a column type, deep nesting, whitespace, byte-order marks, truncated
 * text); random events of every fixture's dataset and of the benchmark's trades dataset, built
 * from each column's type with canonical, edge and wrong forms, and mutated as text; and a
 * generated trades file, which the fast path must read (nearly) all of, or it would be a test of
 * nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN } from '../../../runtime/bitemporal/index.ts';
import { layoutOf, type DatasetSpec, type TypeSpec } from '../../../runtime/dataset.ts';
import { BLANK, FAST, FastMapper, PUT, SLOW } from '../../../runtime/engine/fast-mapper.ts';
import { isBlank } from '../../../runtime/json-text.ts';
import { isRejection, RowMapper } from '../../../runtime/mapping.ts';
import { RowTemplates } from '../../../runtime/sink/csv.ts';
import { generateTrades, tradesSpec } from '../bench/trades.ts';
import { specOf } from '../support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_261_204;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 1000;

const DIR = fileURLToPath(new URL('../../vectors/mapping/', import.meta.url));
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(DIR + f, 'utf8')) as { lake: string; ingestionTime: number; cases: { event: string }[] }) }));

/** The fixture's lake with its dataset keyed by `id` (a current-state dataset), or null when it has a key or no `id`. */
function keyedTwin(lake: string): string | null {
  if (/\n {2}key \(/.test(lake) || !/\n {4}id +string\n/.test(lake)) return null;
  return lake.replace(/(\n {2}columns \{[\s\S]*?\n {2}\}\n)/, '$1  key (id)\n');
}

const text = new TextDecoder();
let shared = Buffer.alloc(1 << 16);

/** Both mappers for one dataset, and the comparison of one event. */
class Differential {
  readonly fast: FastMapper;
  readonly rows: RowMapper;
  private readonly templates: RowTemplates;
  readonly counts = { fast: 0, slow: 0, blank: 0 };

  constructor(readonly spec: DatasetSpec) {
    this.fast = new FastMapper(spec);
    this.rows = new RowMapper(spec);
    this.templates = new RowTemplates(spec.columns.map((c) => c.type), layoutOf(spec));
  }

  /** Maps the UTF-8 text `line` both ways and compares (valid UTF-8 only: the source dead-letters other bytes before any mapping). */
  check(line: string, at: number): number {
    // One buffer for every event, as a partition reads them: nothing the mapper keeps may point into it.
    const n = Buffer.byteLength(line, 'utf8');
    if (n > shared.length) shared = Buffer.alloc(2 * n);
    shared.write(line, 0, 'utf8');
    const raw = shared.toString('utf8', 0, n);
    const r = this.fast.map(shared, 0, n, at);
    const where = `${this.spec.name} (${this.spec.mode}): ${JSON.stringify(raw.length > 300 ? raw.slice(0, 300) + '...' : raw)}`;
    expect(r === BLANK, where).toBe(isBlank(raw));
    if (r === BLANK) {
      this.counts.blank++;
      return r;
    }
    if (r === SLOW) {
      this.counts.slow++;
      return r;
    }
    expect(r, where).toBe(FAST);
    this.counts.fast++;
    const m = this.rows.map(raw, at);
    if (isRejection(m)) throw new Error(`the fast path read an event the row mapper rejects (${m.reason}): ${where}`);
    const f = this.fast;
    const got: Record<string, unknown> = { op: f.op === PUT ? 'put' : 'delete', key: text.decode(f.key.buf.subarray(0, f.key.len)) };
    const want: Record<string, unknown> = { op: m.op, key: m.key };
    if (m.op === 'put') {
      got['payloadKey'] = text.decode(f.payload.buf.subarray(0, f.payload.len));
      const template = this.templates.of(m.values);
      want['payloadKey'] = this.templates.payloadKey(template);
      // The whole template the table stores: the payload key, then the other fields.
      got['template'] = text.decode(f.payload.buf.subarray(0, f.payload.len)) + text.decode(f.rest.buf.subarray(0, f.rest.len));
      want['template'] = template;
    }
    if (this.spec.mode === 'bitemporal') {
      Object.assign(got, { validFrom: f.validFrom, validTo: f.validTo, systemTime: f.systemTime });
      Object.assign(want, { validFrom: m.validFrom, validTo: m.validTo === OPEN ? Number.POSITIVE_INFINITY : m.validTo, systemTime: m.systemTime });
    }
    expect(got, where).toEqual(want);
    return r;
  }
}

const datasets: { name: string; spec: DatasetSpec; ingestionTime: number; cases: string[] }[] = [];
for (const f of fixtures) {
  datasets.push({ name: f.file, spec: specOf(f.lake, 'd'), ingestionTime: f.ingestionTime, cases: f.cases.map((c) => c.event) });
  const twin = keyedTwin(f.lake);
  if (twin !== null) datasets.push({ name: `${f.file}, keyed by id`, spec: specOf(twin, 'd'), ingestionTime: f.ingestionTime, cases: f.cases.map((c) => c.event) });
}
const trades = specOf(tradesSpec, 'trades');
datasets.push({ name: 'trades', spec: trades, ingestionTime: 1_700_000_000_000, cases: [] });

describe('the fast mapping against the row mapper', () => {
  it('agrees on every case of the shared mapping fixtures, on each dataset and its keyed twin', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    let fast = 0;
    for (const d of datasets) {
      if (d.cases.length === 0) continue;
      const diff = new Differential(d.spec);
      for (const c of d.cases) diff.check(c, d.ingestionTime);
      fast += diff.counts.fast;
    }
    // Cases the fast path reads (the fixtures are mostly edge cases, which it leaves to the row mapper).
    expect(fast).toBeGreaterThan(50);
  });

  it('agrees on lines as files hold them', () => {
    const good = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      trade_id: 'T1', account_id: 'A1', instrument: { symbol: 'ABC', venue: 'XNYS' }, side: 'BUY', quantity: '10', price: '1.5',
      valid_from: '2024-01-01T00:00:00.000Z', valid_to: null, recorded_at: '2024-01-02T00:00:00.000Z', ...extra,
    });
    const g = (extra?: Record<string, unknown>): string => JSON.stringify(good(extra));
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    const lines = [
      g(), '', ' ', ' \t\r ', '\r', '\ufeff' + g(), g() + '\r', ` ${g()} `, '[1, 2]', 'null', '42', '"T4"', '{}', '{', g().slice(0, 40),
      g().replace('"price":"1.5"', '"price":"1.5","price":"2.5"'),
      g().replace('"trade_id":"T1"', '"trade_id":"T0","trade_id":"T1"'),
      g().replace('"symbol":"ABC"', '"symbol":"ABC","symbol":"ABD"'),
      g().replace('"instrument":{', '"instrument":{"x":1},"instrument":{'),
      g().replace('"quantity":"10"', '"quantity":123456789012345678901234'),
      g().replace('"price":"1.5"', '"price":0.12345678901234567890'),
      g().replace('"price":"1.5"', '"price":1e400'),
      g().replace('"price":"1.5"', '"price":12.345678'),
      g().replace('"price":"1.5"', '"price":"+1.5"'),
      g().replace('"price":"1.5"', '"price":".5"'),
      g().replace('"price":"1.5"', '"price":"1."'),
      g().replace('"price":"1.5"', '"price":"-0.000"'),
      g().replace('"price":"1.5"', '"price":"0001.5"'),
      g().replace('"price":"1.5"', '"price":"1.5e2"'),
      g().replace('"price":"1.5"', '"price":" 1.5"'),
      g({ recorded_at: 9007199254740993 }),
      g({ recorded_at: '2024-01-02T00:00:00Z' }),
      g({ recorded_at: '2024-01-02T00:00:00.000+00:00' }),
      g({ recorded_at: '2024-02-30T00:00:00.000Z' }),
      g({ recorded_at: '2024-01-02T24:00:00.000Z' }),
      g({ recorded_at: '0000-01-02T00:00:00.000Z' }),
      g({ recorded_at: '9999-12-31T23:59:59.999Z' }),
      g({ valid_to: '2023-01-01T00:00:00.000Z' }),
      g({ valid_to: '2024-01-01T00:00:00.000Z' }),
      g({ extra: 'X' }).replace('"X"', deep(100_000)),
      g({ trader: 'X' }).replace('"X"', deep(10_000)),
      g({ instrument: 'X' }).replace('"X"', deep(10_000)),
      g({ instrument: null }),
      g({ instrument: [] }),
      g({ trader: { email: null } }),
      g({ trader: { email: 'a@b.c' } }),
      g({ trader: 'nobody' }),
      g({ account_id: 'a\r\nb\u0000\t"\\,\u{1F680}\u2028' }),
      g({ account_id: 'x\ud800y' }),
      g({ account_id: '\u{1F680}é\u2028\u2029\u007f' }),
      g().replace('"account_id":"A1"', '"account_id":"\\u0041\\u0031"'),
      g().replace('"account_id":"A1"', '"account_id":"A\\ud83d\\ude80"'),
      g().replace('"account_id":"A1"', '"account_id":"A\\ud83d"'),
      g().replace('"account_id":"A1"', '"account_id":"A\\ude80"'),
      g().replace('"account_id":"A1"', '"\\u0061ccount_id":"A1"'),
      g().replace('"account_id":"A1"', '"account_id":"A1","note":"\\ud800"'),
      g().replace(',"account_id"', ',\r"account_id"'),
      g().replace(',"account_id"', ',\u0000"account_id"'),
      g().replace(',"account_id"', ' , \n\t"account_id" : '.slice(0, -2) + ':'),
      g().replace('}', ',}'),
      g().replace('"side":"BUY"', '"side":"buy"'),
      g().replace('"side":"BUY"', '"side":"SELL"'),
      g({ side: null }),
      g({ op: 'delete' }), g({ op: 'put' }), g({ op: 'upsert' }), g({ op: 1 }), g({ op: null }), g({ op: 'DELETE' }),
      g().replace('"trade_id":"T1"', '"trade_id":"T1","op":"delete","op":"put"'),
      g({ op: 'delete', price: 'not a price' }),
      g({ op: 'delete', valid_from: 'soon' }),
      g({ trade_id: 'x'.repeat(70_000) }),
      g({ trade_id: 7 }), g({ trade_id: '' }), g({ trade_id: null }),
      g({ toString: 'x', __proto__: 'y', constructor: 1 }),
    ];
    const diff = new Differential(trades);
    for (const l of lines) diff.check(l, 1_700_000_000_000);
    expect(diff.counts.fast).toBeGreaterThan(10);
    expect(diff.counts.slow).toBeGreaterThan(10);
    expect(diff.counts.blank).toBe(4);
  });

  it('agrees on random events of every dataset, and on the same events mutated as text', () => {
    for (const d of datasets) {
      const diff = new Differential(d.spec);
      fc.assert(
        fc.property(eventText(d.spec), (line) => {
          diff.check(line, d.ingestionTime);
        }),
        { seed: SEED, numRuns: RUNS },
      );
      if (diff.fast.usable) expect(diff.counts.fast, d.name).toBeGreaterThan(0);
    }
  });

  it('reads (nearly) every event of a generated trades file, as the row mapper does', () => {
    let file = '';
    const summary = generateTrades({ events: 5000, seed: 7 }, (t) => (file += t));
    const diff = new Differential(trades);
    for (const line of file.split('\n')) diff.check(line, 0);
    // The file's bad events are the row mapper's (or the core's: an inverted interval); the rest is read fast.
    expect(diff.counts.fast).toBeGreaterThanOrEqual(summary.lines - summary.bad);
  });
});

// ---- random events ------------------------------------------------------------------------------

/** A JSON number's text as written (not as JavaScript would print it). */
class NumberText {
  constructor(readonly text: string) {}
}

function serialize(v: unknown): string {
  if (v instanceof NumberText) return v.text;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const digitsText = (min: number, max: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const isoOf = (ms: number): string => new Date(ms).toISOString();
const number = (text: string): NumberText => new NumberText(text);

/** Values of a column type: canonical forms, edge forms the fast path must refuse or read exactly, and wrong types. */
function valueOf(t: TypeSpec): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(number('1.0'), number('-0'), number('1e3'), number('9007199254740993'), '', ' ', 'null'));
  let typed: fc.Arbitrary<unknown>;
  if (t.kind === 'decimal') {
    typed = fc.oneof(
      fc.tuple(fc.constantFrom('', '-', '+'), digitsText(0, t.precision - t.scale + 1), fc.constantFrom('', '.'), digitsText(0, t.scale + 1)).map(([s, a, p, b]) => s + a + p + b),
      fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => `${a}.${String(b).padStart(2, '0')}`),
      fc.constantFrom(number('1.5'), number('12.345678'), number('100'), '1e2', '0.0', '-0', '00.10'),
    );
  } else if (t.kind !== 'primitive') {
    typed = fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
  } else {
    switch (t.name) {
      case 'string':
        typed = fc.oneof(fc.constantFrom('BUY', 'SELL', 'A1', 'x"y', 'é', '\u2028', 'a\\b', '', '\ufeff', '\u{1F680}', 'null', '1'), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
        break;
      case 'uuid':
        typed = fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), fc.constantFrom('00000000-0000-0000-0000-00000000000g', '0000000-00000-0000-0000-000000000000', '{00000000-0000-0000-0000-000000000000}'));
        break;
      case 'binary':
        typed = fc.oneof(fc.uint8Array({ maxLength: 7 }).map((b) => Buffer.from(b).toString('base64')), fc.constantFrom('AA=', 'A===', '=AAA', 'AAAA', 'AA==', 'AAA=', '!!!!', 'QQ', 'Q Q='));
        break;
      case 'date':
        typed = fc.oneof(
          fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => isoOf(d.getTime()).slice(0, 10)),
          fc.constantFrom('2023-02-29', '2024-02-29', '0000-01-01', '2024-1-01', '2024-01-01T00:00:00Z', '+002024-01-01', '2024-13-01'),
        );
        break;
      case 'timestamp':
      case 'timestamptz':
        typed = fc.oneof(
          fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), noInvalidDate: true }).map((d) => isoOf(d.getTime())),
          fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => isoOf(ms)),
          fc.integer({ min: 0, max: 4_102_444_800_000 }).chain((ms) => fc.constantFrom(isoOf(ms).replace('.000Z', 'Z'), isoOf(ms).replace('Z', '+00:00'), isoOf(ms).replace('T', ' '), isoOf(ms).slice(0, 19), number(String(ms)), isoOf(ms).toLowerCase())),
          fc.constantFrom('2024-02-30T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '2024-01-01T00:60:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-01-01T00:00:00.0000Z'),
        );
        break;
      case 'int':
      case 'long':
        typed = fc.oneof(
          fc.integer().map(String).map(number),
          fc.maxSafeInteger().map(String).map(number),
          fc.constantFrom(number('2147483648'), number('-2147483649'), number('9007199254740992'), number('-9007199254740993'), number('-0'), number('1.0'), number('1e2'), number('0001'), '12', number('12345678901234567890')),
        );
        break;
      case 'boolean':
        typed = fc.constantFrom(true, false, 'true', 0, 1);
        break;
      default:
        typed = fc.oneof(fc.constant(null), fc.double({ noNaN: true }).map((x) => number(JSON.stringify(x))), fc.constantFrom(number('1e400'), number('-0'), '1.5'));
    }
  }
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 2, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: wrong });
}

/** A value of a column type in the form the fast path reads (or, for the types it does not read, null or absent). */
function goodOf(t: TypeSpec): fc.Arbitrary<unknown> {
  const ms = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 });
  if (t.kind === 'decimal') {
    const whole = 10 ** Math.min(15, t.precision - t.scale);
    return fc.tuple(fc.integer({ min: -whole + 1, max: whole - 1 }), digitsText(0, t.scale)).map(([a, b]) => (b === '' ? String(a) : `${a}.${b}`));
  }
  if (t.kind !== 'primitive') return fc.constantFrom(null, undefined);
  switch (t.name) {
    case 'string': return fc.constantFrom('BUY', 'SELL', 'A1', 'é', '\u{1F680}', '', 'x y', 'HOLD');
    case 'uuid': return fc.uuid();
    case 'binary': return fc.uint8Array({ maxLength: 7 }).map((b) => Buffer.from(b).toString('base64'));
    case 'date': return ms.map((x) => isoOf(x).slice(0, 10));
    case 'timestamp': case 'timestamptz': return ms.map(isoOf);
    case 'int': return fc.integer().map((x) => number(String(x)));
    case 'long': return fc.maxSafeInteger().map((x) => number(String(x)));
    case 'boolean': return fc.boolean();
    default: return fc.constantFrom(null, undefined);
  }
}

/** An event object of the dataset: each path column's value at its path, an op, sometimes other members; every other event with good values only. */
function eventOf(spec: DatasetSpec): fc.Arbitrary<Record<string, unknown>> {
  const columns = spec.columns.filter((c) => c.source.kind === 'path');
  const paths = columns.map((c) => ({ segments: (c.source as { segments: readonly (string | number)[] }).segments }));
  return fc
    .tuple(
      fc.oneof(fc.tuple(...columns.map((c) => valueOf(c.type))), fc.tuple(...columns.map((c) => (c.optional ? fc.oneof(goodOf(c.type), fc.constant(undefined)) : goodOf(c.type))))),
      fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constantFrom('put', 'delete') }, { weight: 1, arbitrary: fc.constantFrom('DELETE', 1, null, 'upsert') }),
      fc.dictionary(fc.constantFrom('extra', 'note', 'tags', 'nested', 'toString', '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    )
    .map(([values, op, extra]) => {
      const e: Record<string, unknown> = {};
      paths.forEach((p, i) => {
        const v = values[i];
        if (v === undefined) return;
        let at: Record<string, unknown> = e;
        const segs = p.segments;
        for (let s = 0; s < segs.length - 1; s++) {
          const name = String(segs[s]);
          const next = at[name];
          if (next === null || typeof next !== 'object' || Array.isArray(next)) at[name] = typeof segs[s + 1] === 'number' ? {} : {};
          at = at[name] as Record<string, unknown>;
        }
        at[String(segs[segs.length - 1])] = v;
      });
      if (op !== undefined) e['op'] = op;
      return { ...e, ...extra };
    });
}

/** How a text is mutated: nothing mostly, else a change the scanner must see (or must not be fooled by). */
const mutation = fc.oneof(
  { weight: 10, arbitrary: fc.constant((s: string) => s) },
  { weight: 1, arbitrary: fc.constantFrom(' \t', '\r\n', ' ').map((w) => (s: string) => s.replaceAll(',', `${w},${w}`).replaceAll(':', `${w}:`)) },
  { weight: 1, arbitrary: fc.nat().map((n) => (s: string) => s.slice(0, n % (s.length + 1))) },
  { weight: 1, arbitrary: fc.nat().map((n) => (s: string) => { const i = n % (s.length + 1); return s.slice(0, i) + s.slice(i + 1); }) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('\\', '"', ',', '}', '{', '\u0000', '\\u0041', '\\ud800', '0', '-', 'e', '.', ' ', '\ufeff')).map(([n, c]) => (s: string) => { const i = n % (s.length + 1); return s.slice(0, i) + c + s.slice(i); }) },
  // A member again, last: JSON.parse reads the last one, DuckDB the first.
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 1 })).map(([n, v]) => (s: string) => { const names = [...s.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]!); return names.length === 0 || !s.endsWith('}') ? s : `${s.slice(0, -1)},${JSON.stringify(names[n % names.length])}:${serialize(v)}}`; }) },
  // A name spelled with an escape.
  { weight: 1, arbitrary: fc.constant((s: string) => s.replace(/"([a-z])([a-z_]*)":/, (_m, a: string, b: string) => `"\\u00${a.charCodeAt(0).toString(16)}${b}":`)) },
  { weight: 1, arbitrary: fc.constantFrom('\ufeff', ' ', '[', '\r').map((p) => (s: string) => p + s) },
);

function eventText(spec: DatasetSpec): fc.Arbitrary<string> {
  return fc.tuple(eventOf(spec), mutation).map(([e, m]) => m(serialize(e)));
}
