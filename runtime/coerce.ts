/**
 * Coercion of JSON values to column types. Strict: a value of the wrong JSON type is a bad
 * event (a producer bug made visible), not silently converted. Representations inside the
 * runtime, which the sink, the state and payload equality share:
 *
 * | type | value |
 * | --- | --- |
 * | string, binary (base64) | string |
 * | uuid | lower-case string |
 * | int, double | number |
 * | float | number, rounded to 32 bits (Math.fround) as the table stores it |
 * | long | number, or its digits as a string beyond 2^53 (send such longs as JSON strings) |
 * | decimal(p, s) | canonical text with s fractional digits (decimal.ts) |
 * | boolean | boolean |
 * | date | `YYYY-MM-DD` |
 * | timestamp, timestamptz | epoch milliseconds (number); inside a list, map or struct its ISO text |
 * | list, map, struct | array, object (declared fields only, in declared order) |
 */
import { canonicalDecimal, plainDecimal } from './decimal.ts';
import { typeText, type TypeSpec } from './dataset.ts';
import { isWellFormed, loneSurrogate } from './json-text.ts';
import { formatTimestamp, MAX_TIMESTAMP, MIN_TIMESTAMP, parseDate, parseTimestamp } from './time.ts';

/** Why a value does not fit its type; returned (not thrown) so bad events stay cheap to reject. */
export class Invalid {
  constructor(readonly message: string) {}
}

/**
 * Returned by a column's coercer for a JSON number that JSON.parse may have rounded (a long
 * beyond 2^53, any decimal): the mapper then reads the number's own text from the event
 * (json-text.ts `numberTextAt`) and coerces that with `numberTextCoercer`. Never returned for
 * a value inside a list, map or struct.
 */
export const INEXACT: unique symbol = Symbol('inexact number');

/** The coercer of a column's number given as its JSON text, for the types whose coercer may return INEXACT. */
export function numberTextCoercer(t: TypeSpec): ((text: string) => unknown) | undefined {
  if (t.kind === 'decimal') {
    return (text) => {
      const c = canonicalDecimal(text, t.precision, t.scale);
      return 'error' in c ? expected(t, text, c.error, 'number') : c.value;
    };
  }
  if (t.kind === 'primitive' && t.name === 'long') {
    return (text) => {
      // An integer written with a fraction or an exponent (1.0, 1e3) is that integer.
      const c = canonicalDecimal(text, 400, 0);
      if ('error' in c) return expected(t, text, /decimal places/.test(c.error) ? 'not an integer' : 'out of the 64-bit range', 'number');
      return c.value.replace('-', '').length > 19 ? expected(t, text, 'out of the 64-bit range', 'number') : longOfDigits(t, c.value, text, 'number');
    };
  }
  return undefined;
}

/** A long from its decimal digits (at most 19, maybe signed): a number when safe, else the digits. */
function longOfDigits(t: TypeSpec, digits: string, shown: unknown, as?: 'number'): unknown {
  const b = BigInt(digits);
  if (b < INT64_MIN || b > INT64_MAX) return expected(t, shown, 'out of the 64-bit range', as);
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b.toString();
}

/** Significant digits of a number's decimal text (`1.2300e5` has 3). */
function significantDigits(text: string): number {
  const mantissa = text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

function notUnicode(t: TypeSpec, v: string): Invalid {
  const lone = loneSurrogate(v)!;
  return expected(t, v, `it holds a lone UTF-16 surrogate (${lone.escape}) at character ${lone.index}, which is not a Unicode character: UTF-8, and so the table, cannot store it`);
}

export type Coercer = (value: unknown) => unknown;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LONG_DIGITS = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A short description of a JSON value for messages: `the string "abc"`, `an object`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number': return `the number ${value}`;
    case 'boolean': return `${value}`;
    case 'object': return 'an object';
    default: return typeof value;
  }
}

/** `as: 'number'`: `value` is the text of a JSON number, described as that number. */
function expected(t: TypeSpec, value: unknown, detail?: string, as?: 'number'): Invalid {
  const got = as === 'number' ? `the number ${String(value).length > 40 ? `${String(value).slice(0, 40)}...` : String(value)}` : describe(value);
  return new Invalid(`expected ${typeText(t)}, got ${got}${detail !== undefined ? ` (${detail})` : ''}`);
}

/**
 * The coercer of a type. `nested` values (inside a list, map or struct) keep timestamps as ISO
 * text, since they are stored as JSON-like nested values.
 */
export function coercer(t: TypeSpec, nested = false): Coercer {
  switch (t.kind) {
    case 'decimal': {
      const { precision, scale } = t;
      return (v) => {
        if (typeof v === 'string') {
          const plain = plainDecimal(v, precision, scale);
          if (plain !== undefined) return plain;
        }
        if (typeof v !== 'string' && typeof v !== 'number') return expected(t, v);
        if (typeof v === 'number') {
          // A JSON number went through a double: a column's own number is read from its text
          // (exact); inside a list, map or struct the double is all there is, so it must hold
          // the number exactly as far as a double can tell.
          if (!nested) return INEXACT;
          if (!Number.isFinite(v)) return expected(t, v, 'out of the range of a double');
          if (significantDigits(String(v)) > 15) return expected(t, v, 'inside a list, map or struct, a decimal number with more than 15 significant digits must be sent as a string');
        }
        const c = canonicalDecimal(typeof v === 'number' ? String(v) : v.trim(), precision, scale);
        return 'error' in c ? expected(t, v, c.error) : c.value;
      };
    }
    case 'list': {
      const element = coercer(t.element, true);
      const optional = t.elementOptional;
      return (v) => {
        if (!Array.isArray(v)) return expected(t, v);
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const e = v[i];
          if (e === null || e === undefined) {
            if (!optional) return new Invalid(`element ${i} is null, but the list's elements are required`);
            out[i] = null;
            continue;
          }
          const c = element(e);
          if (c instanceof Invalid) return new Invalid(`element ${i}: ${c.message}`);
          out[i] = c;
        }
        return out;
      };
    }
    case 'map': {
      const key = coercer(t.key, true);
      const value = coercer(t.value, true);
      const optional = t.valueOptional;
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return expected(t, v);
        const out: Record<string, unknown> = {};
        for (const [k, e] of Object.entries(v as Record<string, unknown>)) {
          // JSON object keys are strings; a numeric key type reads them as numbers.
          const kc = key(t.key.kind === 'primitive' && /^(int|long|float|double)$/.test(t.key.name) && k.trim() !== '' ? Number(k) : k);
          if (kc instanceof Invalid) return new Invalid(`key ${JSON.stringify(k)}: ${kc.message}`);
          if (e === null || e === undefined) {
            if (!optional) return new Invalid(`the value of key ${JSON.stringify(k)} is null, but the map's values are required`);
            out[String(kc)] = null;
            continue;
          }
          const c = value(e);
          if (c instanceof Invalid) return new Invalid(`key ${JSON.stringify(k)}: ${c.message}`);
          out[String(kc)] = c;
        }
        return out;
      };
    }
    case 'struct': {
      const fields = t.fields.map((f) => ({ name: f.name, optional: f.optional, coerce: coercer(f.type, true) }));
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return expected(t, v);
        const o = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const e = o[f.name];
          if (e === null || e === undefined) {
            if (!f.optional) return new Invalid(`field '${f.name}' is missing`);
            out[f.name] = null;
            continue;
          }
          const c = f.coerce(e);
          if (c instanceof Invalid) return new Invalid(`field '${f.name}': ${c.message}`);
          out[f.name] = c;
        }
        return out;
      };
    }
    case 'primitive':
      return primitive(t, nested);
  }
}

function primitive(t: TypeSpec & { kind: 'primitive' }, nested: boolean): Coercer {
  switch (t.name) {
    case 'string':
      return (v) => (typeof v === 'string' ? (isWellFormed(v) ? v : notUnicode(t, v)) : expected(t, v));
    case 'uuid':
      return (v) => (typeof v === 'string' && UUID.test(v) ? v.toLowerCase() : expected(t, v));
    case 'binary':
      return (v) => (typeof v === 'string' && BASE64.test(v) ? v : expected(t, v, 'binary values are base64 strings'));
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : expected(t, v));
    case 'int':
      return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : expected(t, v, typeof v === 'number' ? 'not a 32-bit integer' : undefined));
    case 'long':
      return (v) => {
        if (typeof v === 'number') {
          if (Number.isSafeInteger(v)) return v;
          // Beyond 2^53 (or beyond a double) JSON.parse rounded the number: a column's own
          // number is read from its text, exactly.
          if (!nested && (Number.isInteger(v) || !Number.isFinite(v))) return INEXACT;
          return expected(t, v, Number.isInteger(v) ? 'inside a list, map or struct, a long beyond 2^53 must be sent as a string of digits' : 'not an integer');
        }
        if (typeof v === 'string' && LONG_DIGITS.test(v)) return longOfDigits(t, v, v);
        return expected(t, v);
      };
    case 'float':
      // Rounded to 32 bits here, as the table stores it, so a value read back compares equal.
      return (v) => {
        if (typeof v !== 'number') return expected(t, v);
        const f = Math.fround(v);
        return Number.isFinite(f) ? f : expected(t, v, 'out of the range of a float');
      };
    case 'double':
      return (v) => (typeof v === 'number' ? (Number.isFinite(v) ? v : expected(t, v, 'out of the range of a double')) : expected(t, v));
    case 'date':
      return (v) => (typeof v === 'string' ? parseDate(v) ?? expected(t, v, 'dates are written YYYY-MM-DD') : expected(t, v));
    case 'timestamp':
    case 'timestamptz':
      return (v) => {
        let ms: number;
        if (typeof v === 'string') ms = parseTimestamp(v);
        else if (typeof v === 'number' && Number.isSafeInteger(v)) ms = v; // epoch milliseconds
        else return expected(t, v);
        if (ms !== ms) return expected(t, v, 'timestamps are ISO-8601, such as 2024-01-31T18:30:00.000Z, or epoch milliseconds');
        if (ms < MIN_TIMESTAMP || ms > MAX_TIMESTAMP) return expected(t, v, 'outside the years 0001-9999');
        return nested ? formatTimestamp(ms) : ms;
      };
    default:
      throw new Error(`unknown column type '${t.name}'`);
  }
}
