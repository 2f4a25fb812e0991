/**
 * The fast path of the row mapping: an event's mapped values read from its bytes (scan.ts), for
 * the forms whose meaning is plain from the text, with no string or object built per event.
 * For such an event it yields exactly what mapping.ts `RowMapper.map` yields, in the engine's
 * terms: the op, the canonical key (the UTF-8 of the mapper's key string), the payload key (the
 * UTF-8 of csv.ts `RowTemplates.payloadKey`: the compared columns, each `,field` as the staged
 * CSV encodes it) and the bi-temporal times. Every other event is `SLOW`: the engine hands it
 * to the row mapper, which decides as it always did (and so gives the dead-letter reasons).
 *
 * The forms read here, per column type (anything else is SLOW):
 *
 * | type | fast form |
 * | --- | --- |
 * | string | a JSON string without escapes |
 * | uuid | a string of 8-4-4-4-12 hex digits (stored lower-cased) |
 * | binary | a base64 string |
 * | date | `YYYY-MM-DD`, a valid date in the years 0001-9999 |
 * | decimal(p, s) | a string of plain decimal form (sign, digits, point, digits) that fits, as decimal.ts `plainDecimal` reads it |
 * | timestamp, timestamptz | a string `YYYY-MM-DDTHH:MM:SS.sssZ` within the years 0001-9999, as time.ts reads it |
 * | int, long | a JSON integer without fraction or exponent, within 32 bits / 2^53 |
 * | boolean | `true`, `false` |
 * | float, double, list, map, struct | absent or null only |
 *
 * A missing or null column is fine when optional. Then every `@check` runs on the row, with
 * the values of the columns checks read built as the row mapper builds them; a check that does
 * not pass makes the event SLOW (the mapper then writes the reason). The input must be valid
 * UTF-8 (the sources dead-letter other bytes before any mapping). A differential test holds
 * this to the row mapper and the staging encoder (test/runtime/engine/fast-mapper.test.ts).
 *
 * The partitions of bi-temporal datasets map their events with it (partition.ts, with
 * engine/operator.ts); current-state and append-only datasets still map every event with
 * mapping.ts (docs/runtime.md, "Performance").
 */
import { compileCheck, type CheckExpr, type Predicate } from '../checks.ts';
import { layoutOf, type DatasetSpec, type TypeSpec } from '../dataset.ts';
import { daysFromCivil, MAX_TIMESTAMP, MIN_TIMESTAMP } from '../time.ts';
import { BLANK, ESCAPED, NOT_INTEGER, NULL, NUMBER, OBJECT, SCANNED, ScanPlan, Scanner, STRING, TRUE, FALSE } from './scan.ts';

/** `FastMapper.map` results. */
export const FAST = 1;
export const SLOW = 2;
export { BLANK };

export const PUT = 1;
export const DELETE = 2;

const T_STRING = 1;
const T_UUID = 2;
const T_BINARY = 3;
const T_DATE = 4;
const T_DECIMAL = 5;
const T_TIMESTAMP = 6;
const T_INT = 7;
const T_LONG = 8;
const T_BOOLEAN = 9;
/** float, double, list, map, struct: only absent or null on the fast path. */
const T_OTHER = 10;

const SRC_PATH = 0;
const SRC_RAW = 1;
const SRC_INGESTION = 2;

interface FastColumn {
  readonly index: number;
  readonly source: number;
  readonly type: number;
  readonly precision: number;
  readonly scale: number;
  readonly optional: boolean;
  /** Read for deletes too: the key, the valid interval, the system column. */
  readonly identity: boolean;
  /** The column's entry in the scan plan, and the entries on its path (its own last). */
  readonly entry: number;
  readonly path: readonly number[];
  /** Whether a payload key field (compared by rules 1 and 2). */
  readonly compared: boolean;
  /** Whether one of the template's other fields (csv.ts `RowTemplates`: after the compared ones). */
  readonly rest: boolean;
  /** Whether a key column (read first, in key order). */
  readonly key: boolean;
  /** Whether an `@check` reads it (its value is then built for the check). */
  readonly checked: boolean;
}

/** A column type as the fast path sees it. */
function typeCode(t: TypeSpec): number {
  if (t.kind === 'decimal') return T_DECIMAL;
  if (t.kind !== 'primitive') return T_OTHER;
  switch (t.name) {
    case 'string': return T_STRING;
    case 'uuid': return T_UUID;
    case 'binary': return T_BINARY;
    case 'date': return T_DATE;
    case 'timestamp': case 'timestamptz': return T_TIMESTAMP;
    case 'int': return T_INT;
    case 'long': return T_LONG;
    case 'boolean': return T_BOOLEAN;
    default: return T_OTHER;
  }
}

function columnsOfCheck(e: CheckExpr, into: Set<string>): void {
  switch (e.op) {
    case 'column': into.add(e.name); return;
    case 'literal': return;
    case 'not': columnsOfCheck(e.operand, into); return;
    case 'is null': columnsOfCheck(e.operand, into); return;
    case 'in': columnsOfCheck(e.operand, into); for (const v of e.values) columnsOfCheck(v, into); return;
    default: columnsOfCheck(e.left, into); columnsOfCheck(e.right, into);
  }
}

type Utf8Write = (this: Uint8Array, text: string, offset: number) => number;
const utf8Write = (Buffer.prototype as unknown as { utf8Write: Utf8Write }).utf8Write;

/** A growable byte buffer that fields are appended to (a Buffer: `text` encodes into it in place). */
class Bytes {
  buf: Uint8Array = Buffer.alloc(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(2 * this.buf.length, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(c: number): void {
    if (this.len === this.buf.length) this.room(1);
    this.buf[this.len++] = c;
  }

  copy(b: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.room(n);
    // A loop below a few hundred bytes: `set` needs a subarray, an object per call for the collector.
    if (n < 512) {
      const buf = this.buf;
      let at = this.len;
      for (let i = from; i < to; i++) buf[at++] = b[i]!;
    } else this.buf.set(b.subarray(from, to), this.len);
    this.len += n;
  }

  /** The UTF-8 of a text (a lone surrogate as U+FFFD: the row mapper rejects such text before it is a key or a payload). */
  text(s: string): void {
    this.room(3 * s.length);
    this.len += utf8Write.call(this.buf, s, this.len);
  }

  ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  /** An integer (|n| < 2^53) in decimal, as String(n) writes it. */
  integer(n: number): void {
    if (n < 0) {
      this.byte(45);
      n = -n;
    }
    if (n < 10) {
      this.byte(48 + n);
      return;
    }
    this.ascii(String(n));
  }
}

/** Whether b[i, i + n) are ASCII digits. */
function digits(b: Uint8Array, i: number, n: number): boolean {
  for (let k = i; k < i + n; k++) if (!(b[k]! >= 48 && b[k]! <= 57)) return false;
  return true;
}
const two = (b: Uint8Array, i: number): number => (b[i]! - 48) * 10 + (b[i + 1]! - 48);
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS[month - 1]!);
}

/** Days since 1970-01-01 of recent dates (a direct-mapped cache: a file's timestamps share a few days). */
const dayKeys = new Int32Array(1024).fill(-1);
const dayValues = new Float64Array(1024);

/** Epoch ms of `YYYY-MM-DDTHH:MM:SS.sssZ` at b[s, e) (time.ts canonicalTimestamp), or NaN. */
export function canonicalTimestampAt(b: Uint8Array, s: number, e: number): number {
  if (e - s !== 24 || b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 10] !== 84 || b[s + 13] !== 58 || b[s + 16] !== 58 || b[s + 19] !== 46 || b[s + 23] !== 90) return Number.NaN;
  const y0 = b[s]! - 48, y1 = b[s + 1]! - 48, y2 = b[s + 2]! - 48, y3 = b[s + 3]! - 48;
  const mo0 = b[s + 5]! - 48, mo1 = b[s + 6]! - 48, d0 = b[s + 8]! - 48, d1 = b[s + 9]! - 48;
  const h0 = b[s + 11]! - 48, h1 = b[s + 12]! - 48, mi0 = b[s + 14]! - 48, mi1 = b[s + 15]! - 48;
  const s0 = b[s + 17]! - 48, s1 = b[s + 18]! - 48, f0 = b[s + 20]! - 48, f1 = b[s + 21]! - 48, f2 = b[s + 22]! - 48;
  // x is a digit exactly when x and 9 - x are both non-negative: one sign test for all of them.
  const all = y0 | (9 - y0) | y1 | (9 - y1) | y2 | (9 - y2) | y3 | (9 - y3) | mo0 | (9 - mo0) | mo1 | (9 - mo1) | d0 | (9 - d0) | d1 | (9 - d1) |
    h0 | (9 - h0) | h1 | (9 - h1) | mi0 | (9 - mi0) | mi1 | (9 - mi1) | s0 | (9 - s0) | s1 | (9 - s1) | f0 | (9 - f0) | f1 | (9 - f1) | f2 | (9 - f2);
  if (all < 0) return Number.NaN;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const key = (year * 16 + month) * 32 + day;
  const slot = key & 1023;
  let days: number;
  if (dayKeys[slot] === key) days = dayValues[slot]!;
  else {
    if (!validDate(year, month, day)) return Number.NaN;
    days = daysFromCivil(year, month, day);
    dayKeys[slot] = key;
    dayValues[slot] = days;
  }
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + f0 * 100 + f1 * 10 + f2;
}

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice: Utf8Slice }).utf8Slice;

/** The text of valid UTF-8 bytes (a byte-order mark inside is kept, as JSON.parse keeps it). */
export function utf8(b: Uint8Array, s: number, e: number): string {
  return utf8Slice.call(b, s, e);
}

/**
 * The strings a check reads, by their bytes: a checked column usually holds a few values
 * (`side in ("BUY", "SELL")`), so the string of each is built once (a direct-mapped cache).
 */
class TextCache {
  private readonly keys: (Uint8Array | null)[] = new Array<Uint8Array | null>(256).fill(null);
  private readonly texts: string[] = new Array<string>(256).fill('');

  get(b: Uint8Array, s: number, e: number): string {
    const n = e - s;
    if (n > 64) return utf8(b, s, e);
    let h = 0x811c9dc5 ^ n;
    for (let k = s; k < e; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    const slot = h >>> 24;
    const key = this.keys[slot];
    if (key !== null && key !== undefined && key.length === n) {
      let same = true;
      for (let k = 0; k < n; k++) {
        if (key[k] !== b[s + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.texts[slot]!;
    }
    const text = utf8(b, s, e);
    // A copy (a Buffer's slice is a view of bytes that change with the next event).
    this.keys[slot] = Uint8Array.prototype.slice.call(b, s, e);
    this.texts[slot] = text;
    return text;
  }
}

export class FastMapper {
  /** Whether the dataset's columns allow the fast path at all (else every event is SLOW). */
  readonly usable: boolean;
  private readonly plan = new ScanPlan();
  private readonly scanner: Scanner;
  private readonly columns: FastColumn[] = [];
  /** Key columns in key order. */
  private readonly keyColumns: FastColumn[];
  private readonly readsOp: boolean;
  private readonly opEntry: number = -1;
  private readonly checks: Predicate[];
  private readonly checkRow: unknown[];
  private readonly bitemporal: boolean;
  private readonly validFromIndex: number;
  private readonly validToIndex: number;
  private readonly systemIndex: number;

  /** Results of the last FAST `map`. */
  op = PUT;
  readonly key = new Bytes();
  readonly payload = new Bytes();
  /**
   * A put's other template fields (`,field` each, in column order): `payload` then `rest` is
   * the row's csv.ts `RowTemplates.of` template, which the table stores.
   */
  readonly rest = new Bytes();
  validFrom = 0;
  validTo = Number.POSITIVE_INFINITY;
  systemTime = 0;
  /** Times read from the columns, by column index (NaN: not a time column or null). */
  private readonly times: Float64Array;
  /** Scratch for a decimal's canonical text. */
  private readonly scratch = new Bytes();
  private readonly texts = new TextCache();

  constructor(readonly spec: DatasetSpec) {
    const layout = layoutOf(spec);
    this.bitemporal = spec.mode === 'bitemporal';
    this.readsOp = spec.mode !== 'append';
    this.validFromIndex = layout.validFromIndex;
    this.validToIndex = layout.validToIndex;
    this.systemIndex = layout.systemIndex;
    const identity = new Set<number>([...layout.keyIndexes, layout.validFromIndex, layout.validToIndex, layout.systemIndex]);
    const compared = new Set<number>(layout.payloadIndexes);
    const checkedNames = new Set<string>();
    for (const c of spec.columns) for (const k of c.checks) columnsOfCheck(k.expr, checkedNames);
    let usable = true;
    spec.columns.forEach((c, i) => {
      let entry = -1;
      let path: number[] = [];
      if (c.source.kind === 'path') {
        const segments = c.source.segments;
        // An index segment reads arrays (and, in JavaScript, an object's member "0"); a name
        // Object.prototype has reads an inherited property when the member is missing.
        if (segments.length === 0 || segments.some((s) => typeof s !== 'string' || s in Object.prototype)) usable = false;
        else {
          path = this.plan.add(segments as string[]);
          entry = path[path.length - 1]!;
        }
      }
      this.columns.push({
        index: i,
        source: c.source.kind === 'path' ? SRC_PATH : c.source.kind === 'raw_payload' ? SRC_RAW : SRC_INGESTION,
        type: typeCode(c.type),
        precision: c.type.kind === 'decimal' ? c.type.precision : 0,
        scale: c.type.kind === 'decimal' ? c.type.scale : 0,
        optional: c.optional,
        identity: identity.has(i),
        entry,
        path,
        compared: compared.has(i),
        rest: !compared.has(i) && !layout.keyIndexes.includes(i) && i !== layout.validFromIndex && i !== layout.validToIndex,
        key: layout.keyIndexes.includes(i),
        checked: checkedNames.has(c.name),
      });
    });
    if (this.readsOp) this.opEntry = this.plan.add(['op'])[0]!;
    // A path that is a prefix of another reads one member both as a value and as an object.
    for (const c of this.columns) if (c.entry >= 0 && this.plan.isPrefix(c.entry)) usable = false;
    // The core's times are timestamps (any other type is a bad event for the core: the mapper decides).
    for (const t of [layout.validFromIndex, layout.validToIndex, layout.systemIndex]) if (t >= 0 && this.columns[t]!.type !== T_TIMESTAMP) usable = false;
    this.usable = usable;
    this.scanner = new Scanner(this.plan);
    this.keyColumns = layout.keyIndexes.map((i) => this.columns[i]!);
    this.checks = spec.columns.flatMap((c) => c.checks.map((k) => compileCheck(k.expr, spec.columns)));
    this.checkRow = new Array<unknown>(spec.columns.length).fill(null);
    this.times = new Float64Array(spec.columns.length);
  }

  /**
   * Maps the event at `b[from, to)`: BLANK (no event), FAST (read: op, key, payload and times
   * are set) or SLOW (the row mapper decides).
   */
  map(b: Uint8Array, from: number, to: number, ingestionTime: number): number {
    const sc = this.scanner;
    const r = sc.scan(b, from, to);
    if (r === BLANK) return BLANK;
    if (r !== SCANNED || !this.usable) return SLOW;
    // op
    let op = PUT;
    if (this.readsOp) {
      const e = this.opEntry;
      if (sc.seen(e)) {
        if (sc.count[e]! > 1 || sc.type[e] !== STRING || sc.flags[e] !== 0) return SLOW;
        const s = sc.start[e]!;
        const len = sc.end[e]! - s;
        if (len === 6 && b[s] === 100 && b[s + 1] === 101 && b[s + 2] === 108 && b[s + 3] === 101 && b[s + 4] === 116 && b[s + 5] === 101) op = DELETE;
        else if (!(len === 3 && b[s] === 112 && b[s + 1] === 117 && b[s + 2] === 116)) return SLOW;
      }
    }
    this.op = op;
    const put = op === PUT;
    // The key, in key order.
    const key = this.key;
    key.len = 0;
    const keys = this.keyColumns;
    const composite = keys.length !== 1;
    if (composite) key.byte(91);
    for (let k = 0; k < keys.length; k++) {
      if (k > 0) key.byte(44);
      if (!this.value(keys[k]!, b, from, to, ingestionTime, composite ? KEY_JSON : KEY_TEXT)) return SLOW;
    }
    if (composite) key.byte(93);
    // The other columns, in column order: the payload key's fields are the compared ones.
    this.payload.len = 0;
    this.rest.len = 0;
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (c.key || (!put && !c.identity)) continue;
      if (!this.value(c, b, from, to, ingestionTime, c.compared ? PAYLOAD : put && c.rest ? REST : NONE)) return SLOW;
    }
    if (put) {
      const checks = this.checks;
      for (let k = 0; k < checks.length; k++) if (checks[k]!(this.checkRow) === false) return SLOW;
    }
    if (this.bitemporal) {
      const vf = this.times[this.validFromIndex]!;
      if (vf !== vf) return SLOW;
      const vt = this.times[this.validToIndex]!;
      this.validFrom = vf;
      this.validTo = vt !== vt ? Number.POSITIVE_INFINITY : vt;
      if (this.systemIndex >= 0) {
        const st = this.times[this.systemIndex]!;
        if (st !== st) return SLOW;
        this.systemTime = st;
      } else this.systemTime = ingestionTime;
      // Rule 6 is the core's: an inverted interval goes to the mapper and the core's checks.
      if (!(this.validFrom < this.validTo)) return SLOW;
    }
    return FAST;
  }

  /**
   * Reads column `c` of the scanned event: false when it is not in a fast form (or missing
   * while required). Writes its field to the key (`KEY_TEXT`: as the single key's text;
   * `KEY_JSON`: as an element of the composite key's JSON array) or to the payload key
   * (`PAYLOAD`: `,field`), its time to `times`, and its value to the check row when a check
   * reads it.
   */
  private value(c: FastColumn, b: Uint8Array, from: number, to: number, ingestionTime: number, into: number): boolean {
    const sc = this.scanner;
    const i = c.index;
    this.times[i] = Number.NaN;
    if (c.source === SRC_INGESTION) {
      this.times[i] = ingestionTime;
      if (c.checked) this.checkRow[i] = ingestionTime;
      if (into === PAYLOAD || into === REST) {
        const o = into === PAYLOAD ? this.payload : this.rest;
        o.byte(44);
        o.integer(ingestionTime);
      } else if (into !== NONE) this.key.integer(ingestionTime);
      return true;
    }
    if (c.source === SRC_RAW) {
      // The text as received (valid UTF-8, so valid Unicode); never compared.
      const text = c.checked ? utf8(b, from, to) : '';
      if (c.checked) this.checkRow[i] = text;
      if (into === PAYLOAD || into === REST) {
        const o = into === PAYLOAD ? this.payload : this.rest;
        o.byte(44);
        this.quoted(o, b, from, to);
      } else if (into === KEY_TEXT) this.key.copy(b, from, to);
      else if (into === KEY_JSON) return false;
      return true;
    }
    // Missing or null: every entry on the path seen at most once, and every object on the way an object.
    const path = c.path;
    let present = true;
    for (let k = 0; k < path.length; k++) {
      const e = path[k]!;
      if (!sc.seen(e)) {
        present = false;
        break;
      }
      if (sc.count[e]! > 1) return false;
      const t = sc.type[e]!;
      if (k < path.length - 1) {
        if (t === NULL) {
          present = false;
          break;
        }
        if (t !== OBJECT) return false;
      } else if (t === NULL) present = false;
    }
    if (!present) {
      if (!c.optional) return false;
      if (c.checked) this.checkRow[i] = null;
      if (into === PAYLOAD) this.payload.byte(44);
      else if (into === REST) this.rest.byte(44);
      else if (into === KEY_TEXT) this.key.ascii('null');
      else if (into === KEY_JSON) this.key.ascii('null');
      return true;
    }
    const e = c.entry;
    const type = sc.type[e]!;
    const s = sc.start[e]!;
    const end = sc.end[e]!;
    const flags = sc.flags[e]!;
    const out = into === PAYLOAD ? this.payload : into === REST ? this.rest : this.key;
    if (into === PAYLOAD || into === REST) out.byte(44);
    switch (c.type) {
      case T_STRING:
      case T_BINARY:
      case T_DATE: {
        if (type !== STRING || (flags & ESCAPED) !== 0) return false;
        if (c.type === T_BINARY ? !isBase64(b, s, end) : c.type === T_DATE ? !isDate(b, s, end) : false) return false;
        if (c.checked) this.checkRow[i] = this.texts.get(b, s, end);
        if (into === KEY_TEXT) out.copy(b, s, end);
        else if (into !== NONE) this.quoted(out, b, s, end);
        return true;
      }
      case T_UUID: {
        if (type !== STRING || (flags & ESCAPED) !== 0 || !isUuid(b, s, end)) return false;
        const q = into === KEY_JSON || into === PAYLOAD || into === REST;
        if (q) out.byte(34);
        const at = out.len;
        if (into !== NONE) {
          out.copy(b, s, end);
          for (let k = at; k < out.len; k++) if (out.buf[k]! >= 65 && out.buf[k]! <= 70) out.buf[k] = out.buf[k]! | 32;
        }
        if (q) out.byte(34);
        if (c.checked) this.checkRow[i] = this.texts.get(b, s, end).toLowerCase();
        return true;
      }
      case T_DECIMAL: {
        if (type !== STRING || (flags & ESCAPED) !== 0) return false;
        const d = this.scratch;
        d.len = 0;
        if (!plainDecimalAt(b, s, end, c.precision, c.scale, d)) return false;
        if (c.checked) this.checkRow[i] = this.texts.get(d.buf, 0, d.len);
        if (into === KEY_JSON) out.byte(34);
        if (into !== NONE) out.copy(d.buf, 0, d.len);
        if (into === KEY_JSON) out.byte(34);
        return true;
      }
      case T_TIMESTAMP: {
        if (type !== STRING || (flags & ESCAPED) !== 0) return false;
        const ms = canonicalTimestampAt(b, s, end);
        if (!(ms >= MIN_TIMESTAMP && ms <= MAX_TIMESTAMP)) return false;
        this.times[i] = ms;
        if (c.checked) this.checkRow[i] = ms;
        if (into !== NONE) out.integer(ms);
        return true;
      }
      case T_INT:
      case T_LONG: {
        if (type !== NUMBER || (flags & NOT_INTEGER) !== 0) return false;
        const negative = b[s] === 45;
        const ds = negative ? s + 1 : s;
        const n = end - ds;
        if (n > 16 || (c.type === T_INT && n > 10)) return false;
        let v = 0;
        for (let k = ds; k < end; k++) v = v * 10 + (b[k]! - 48);
        if (negative) v = -v;
        if (c.type === T_INT ? v < -2147483648 || v > 2147483647 : !Number.isSafeInteger(v)) return false;
        // -0 is 0 (String(-0) is "0").
        if (v === 0) v = 0;
        if (c.checked) this.checkRow[i] = v;
        if (into !== NONE) out.integer(v);
        return true;
      }
      case T_BOOLEAN: {
        if (type !== TRUE && type !== FALSE) return false;
        if (c.checked) this.checkRow[i] = type === TRUE;
        if (into !== NONE) out.ascii(type === TRUE ? 'true' : 'false');
        return true;
      }
      default:
        return false;
    }
  }

  /** `"text"` with quotes doubled (csv.ts quote); the fast path's strings hold no quote, but raw_payload() may. */
  private quoted(out: Bytes, b: Uint8Array, s: number, e: number): void {
    out.byte(34);
    let run = s;
    for (let k = s; k < e; k++) {
      if (b[k] === 34) {
        out.copy(b, run, k + 1);
        out.byte(34);
        run = k + 1;
      }
    }
    out.copy(b, run, e);
    out.byte(34);
  }
}

const NONE = 0;
const PAYLOAD = 1;
/** A template field after the compared ones (`rest`). */
const REST = 4;
const KEY_TEXT = 2;
const KEY_JSON = 3;

/** decimal.ts `plainDecimal` over bytes: writes the canonical text to `out`, or returns false. */
export function plainDecimalAt(b: Uint8Array, from: number, to: number, precision: number, scale: number, out: Bytes): boolean {
  const n = to - from;
  let i = from;
  const first = b[from];
  const negative = first === 45;
  if (negative || first === 43) i++;
  const intStart = i;
  while (i < to && b[i]! >= 48 && b[i]! <= 57) i++;
  const intEnd = i;
  let fracStart = to;
  if (i < to) {
    if (b[i] !== 46) return false;
    fracStart = ++i;
    while (i < to && b[i]! >= 48 && b[i]! <= 57) i++;
    if (i < to) return false;
  }
  const fracLength = to - fracStart;
  if (n === 0 || (intEnd === intStart && fracLength === 0)) return false;
  if (fracLength > scale || scale > 64) return false;
  let s = intStart;
  while (s < intEnd && b[s] === 48) s++;
  const intLength = intEnd - s;
  if (intLength > precision - scale) return false;
  let zero = intLength === 0;
  for (let j = fracStart; zero && j < to; j++) if (b[j] !== 48) zero = false;
  if (negative && !zero) out.byte(45);
  if (intLength === 0) out.byte(48);
  else out.copy(b, s, intEnd);
  if (scale > 0) {
    out.byte(46);
    out.copy(b, fracStart, to);
    for (let k = fracLength; k < scale; k++) out.byte(48);
  }
  return true;
}

function isUuid(b: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = b[s + k]!;
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1;

/** coerce.ts BASE64: groups of four, the last one possibly padded (`xx==`, `xxx=`). */
function isBase64(b: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n % 4 !== 0) return false;
  for (let k = 0; k < n; k++) {
    const c = b[s + k]!;
    if (B64[c] === 1) continue;
    // Padding: only in the last group, `xx==` or `xxx=`.
    if (c !== 61 || k < n - 2) return false;
    if (k === n - 2 && b[s + n - 1] !== 61) return false;
  }
  return true;
}

/** `YYYY-MM-DD` in digits, a valid date of the years 0001-9999 (time.ts parseDate reads it as is). */
function isDate(b: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return false;
  if (!(digits(b, s, 4) && digits(b, s + 5, 2) && digits(b, s + 8, 2))) return false;
  const year = two(b, s) * 100 + two(b, s + 2);
  return year >= 1 && validDate(year, two(b, s + 5), two(b, s + 8));
}

export { Bytes };
