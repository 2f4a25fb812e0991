/**
 * Row mapping units: coercion of JSON values to column types (exact decimals, millisecond
 * timestamps, nested types), `@check` semantics (SQL's three-valued logic), and the fast key
 * router agreeing with the mapper on every event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExpr } from '../../compiler/codegen/processors/spec.ts';
import { compileCheck } from '../../runtime/checks.ts';
import { coercer, INEXACT, Invalid, numberTextCoercer } from '../../runtime/coerce.ts';
import type { ColumnSpec, TypeSpec } from '../../runtime/dataset.ts';
import { compareDecimals } from '../../runtime/decimal.ts';
import { isRejection, RowMapper } from '../../runtime/mapping.ts';
import { partitionOf } from '../../runtime/partition.ts';
import { KeyRouter } from '../../runtime/parallel/router.ts';
import { parseTimestamp } from '../../runtime/time.ts';
import { tradesSpec } from './bench/trades.ts';
import { specHeader, specOf } from './support.ts';

const prim = (name: string): TypeSpec => ({ kind: 'primitive', name });
const ok = (t: TypeSpec, v: unknown): unknown => {
  const c = coercer(t)(v);
  if (c instanceof Invalid) throw new Error(c.message);
  return c;
};
const bad = (t: TypeSpec, v: unknown): string => {
  const c = coercer(t)(v);
  if (!(c instanceof Invalid)) throw new Error(`accepted ${JSON.stringify(v)} as ${JSON.stringify(c)}`);
  return c.message;
};

describe('coercion', () => {
  it('keeps decimals exact, in canonical form', () => {
    const d = { kind: 'decimal', precision: 18, scale: 4 } as const;
    expect(ok(d, '12.5')).toBe('12.5000');
    // A JSON number is read from the event's text (numberTextAt; 'numbers JSON.parse would round' below).
    expect(coercer(d)(12.5)).toBe(INEXACT);
    expect(numberTextCoercer(d)!('12.5')).toBe('12.5000');
    expect(coercer(d, true)(12.5)).toBe('12.5000');
    expect(ok(d, '-0.00')).toBe('0.0000');
    expect(ok(d, '1.50000')).toBe('1.5000');
    expect(ok(d, '1e3')).toBe('1000.0000');
    expect(ok(d, '99999999999999.9999')).toBe('99999999999999.9999');
    expect(bad(d, '1.23456')).toMatch(/more than 4 decimal places/);
    expect(bad(d, '100000000000000')).toMatch(/more than 14 digits before the decimal point/);
    expect(bad(d, 'abc')).toMatch(/not a decimal number/);
    expect(bad(d, true)).toMatch(/expected decimal\(18, 4\), got true/);
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-2', '1')).toBe(-1);
    expect(compareDecimals('10', '9.99')).toBe(1);
    expect(compareDecimals('-10', '-9.99')).toBe(-1);
  });

  it('reads timestamps at millisecond precision, with offsets, dates and epoch milliseconds', () => {
    const t = prim('timestamp');
    expect(ok(t, '2024-01-31T18:30:00.250Z')).toBe(Date.UTC(2024, 0, 31, 18, 30, 0, 250));
    expect(ok(t, '2024-01-31T18:30:00.250999Z')).toBe(Date.UTC(2024, 0, 31, 18, 30, 0, 250));
    expect(ok(t, '2024-01-31T20:30:00+02:00')).toBe(Date.UTC(2024, 0, 31, 18, 30));
    expect(ok(t, '2024-01-31 18:30')).toBe(Date.UTC(2024, 0, 31, 18, 30));
    expect(ok(t, '2024-01-31')).toBe(Date.UTC(2024, 0, 31));
    expect(ok(t, 1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(parseTimestamp('0001-01-01T00:00:00.000Z')).toBe(-62_135_596_800_000);
    expect(bad(t, '2024-02-30T00:00:00Z')).toMatch(/expected timestamp/);
    expect(bad(t, '2024-01-31T24:00:00Z')).toMatch(/expected timestamp/);
    expect(bad(t, 1.5)).toMatch(/expected timestamp, got the number 1\.5/);
  });

  it('is strict about JSON types and ranges', () => {
    expect(bad(prim('string'), 5)).toBe('expected string, got the number 5');
    expect(bad(prim('int'), 2 ** 31)).toMatch(/not a 32-bit integer/);
    expect(ok(prim('long'), '9223372036854775807')).toBe('9223372036854775807');
    expect(ok(prim('long'), '42')).toBe(42);
    expect(coercer(prim('long'))(2 ** 60)).toBe(INEXACT);
    expect(numberTextCoercer(prim('long'))!('1152921504606846976')).toBe('1152921504606846976');
    expect(coercer(prim('long'), true)(2 ** 60)).toEqual(new Invalid('expected long, got the number 1152921504606847000 (inside a list, map or struct, a long beyond 2^53 must be sent as a string of digits)'));
    expect(ok(prim('float'), 0.1)).toBe(Math.fround(0.1));
    expect(ok(prim('uuid'), '6BA7B810-9DAD-11D1-80B4-00C04FD430C8')).toBe('6ba7b810-9dad-11d1-80b4-00c04fd430c8');
    expect(bad(prim('date'), '2024-1-5')).toMatch(/dates are written YYYY-MM-DD/);
    expect(bad(prim('binary'), 'not base64!')).toMatch(/base64/);
  });

  it('coerces nested values, keeping timestamps inside them as ISO text', () => {
    const t: TypeSpec = {
      kind: 'list',
      elementOptional: false,
      element: { kind: 'struct', fields: [{ name: 'at', type: prim('timestamp'), optional: false }, { name: 'price', type: { kind: 'decimal', precision: 10, scale: 2 }, optional: true }] },
    };
    expect(ok(t, [{ at: '2024-01-01T00:00:00Z', price: 1.5, extra: 1 }, { at: 0 }])).toEqual([
      { at: '2024-01-01T00:00:00.000Z', price: '1.50' },
      { at: '1970-01-01T00:00:00.000Z', price: null },
    ]);
    expect(bad(t, [{ price: 1 }])).toBe("element 0: field 'at' is missing");
    const m: TypeSpec = { kind: 'map', key: prim('int'), value: prim('string'), valueOptional: false };
    expect(ok(m, { '1': 'a' })).toEqual({ '1': 'a' });
    expect(bad(m, { x: 'a' })).toMatch(/^key "x": expected int/);
  });
});

describe('checks', () => {
  const columns: ColumnSpec[] = [
    { name: 'side', type: prim('string'), optional: true, source: { kind: 'raw_payload' }, checks: [] },
    { name: 'qty', type: { kind: 'decimal', precision: 10, scale: 2 }, optional: true, source: { kind: 'raw_payload' }, checks: [] },
    { name: 'at', type: prim('timestamp'), optional: true, source: { kind: 'raw_payload' }, checks: [] },
    { name: 'n', type: prim('long'), optional: true, source: { kind: 'raw_payload' }, checks: [] },
  ];
  const check = (text: string, row: unknown[]): boolean | null => compileCheck(checkExpr(text), columns)(row);

  it('follows SQL: null is unknown, and only false fails', () => {
    expect(check('side in ("BUY", "SELL")', ['BUY', null, null, null])).toBe(true);
    expect(check('side in ("BUY", "SELL")', ['HOLD', null, null, null])).toBe(false);
    expect(check('side in ("BUY", "SELL")', [null, null, null, null])).toBe(null);
    expect(check('side not in ("BUY")', ['SELL', null, null, null])).toBe(true);
    expect(check('side is null or qty > 0', [null, '-1.00', null, null])).toBe(true);
    expect(check('not (qty > 0)', [null, null, null, null])).toBe(null);
    expect(check('qty > 0 and n < 10', [null, '1.00', null, null])).toBe(null);
    expect(check('qty > 0 and n < 10', [null, '-1.00', null, null])).toBe(false);
  });

  it('compares decimals exactly, and timestamps with ISO strings', () => {
    expect(check('qty >= 0.1', [null, '0.10', null, null])).toBe(true);
    expect(check('qty < 12345678901234567.5', [null, '99999999.99', null, null])).toBe(true);
    expect(check('qty <> 0', [null, '0.00', null, null])).toBe(false);
    expect(check('at >= "2024-01-01"', [null, null, Date.UTC(2024, 0, 1), null])).toBe(true);
    expect(check('at < "2024-01-01T00:00:00.001Z"', [null, null, Date.UTC(2024, 0, 1), null])).toBe(true);
    expect(check('n = 9223372036854775807', [null, null, null, '9223372036854775807'])).toBe(true);
    expect(check('n >= -70 and n <= 60', [null, null, null, -70])).toBe(true);
  });
});

describe('the key router', () => {
  const spec = specOf(tradesSpec, 'trades');
  const mapper = new RowMapper(spec);
  const router = new KeyRouter(spec, 4);
  const owner = (text: string): number => {
    const m = mapper.map(text, 0);
    return isRejection(m) ? -1 : partitionOf(m.key, 4);
  };

  it('sends every event to the partition of its key, read from the text or parsed', () => {
    const base = '"account_id":"A","instrument":{"symbol":"S"},"side":"BUY","quantity":"1","price":"1","valid_from":"2024-01-01T00:00:00Z","recorded_at":"2024-01-01T00:00:00Z"';
    const texts = [
      `{"trade_id":"T1",${base}}`,
      `{ "trade_id" : "T1" ,${base}}`,
      `{${base},"trade_id":"T\\u0031"}`, // an escape: parsed
      `{"note":"say \\"trade_id\\":\\"X\\"","trade_id":"T1",${base}}`, // the name inside a string is escaped: read from the text
      `{"trade_id":"T0","trade_id":"T1",${base}}`, // a repeated field: parsed, the last wins
      `{"nested":{"trade_id":"T9"},${base}}`, // no top-level key: a dead letter wherever it goes
    ];
    for (const t of texts) {
      const o = owner(t);
      if (o >= 0) expect(router.partitionOf(t), t).toBe(o);
    }
    expect(owner(texts[2]!)).toBe(owner(texts[0]!));
    expect(router.fast).toBe(3);
    expect(router.slow).toBe(2);
  });

  it('agrees with the mapper on random trade ids', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (id) => {
        const text = JSON.stringify({ trade_id: id, account_id: 'A', instrument: { symbol: 'S' }, side: 'BUY', quantity: '1', price: '1', valid_from: '2024-01-01T00:00:00Z', recorded_at: '2024-01-01T00:00:00Z' });
        expect(router.partitionOf(text)).toBe(owner(text));
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe('events JSON.parse alone would misread', () => {
  const spec = specOf(
    `${specHeader}dataset numbers in curated {
  from stream events
  format = iceberg
  columns {
    id          long
    n           long?
    i           int?
    amount      decimal(38, 10)?
    price       decimal(18, 4)?
    f           float?
    d           double?
    note        string?
    deep        struct<x: struct<n: long?>?>?  = $.deep
    wrapped     long?                         = $.wrap.inner
    amounts     list<decimal(38, 10)>?
    valid_from  timestamp
    valid_to    timestamp?
    at          timestamp
  }
  key (id)
  bitemporal {
    valid = valid_from .. valid_to
    system = at
  }
}
`,
    'numbers',
  );
  const mapper = new RowMapper(spec);
  const names = spec.columns.map((c) => c.name);
  const frame = '"valid_from":"2024-01-01T00:00:00Z","at":"2024-01-01T00:00:00Z"';
  /** The mapped values by column name, or the rejection's reason. */
  const map = (members: string): Record<string, unknown> | string => {
    const m = mapper.map(`{${members},${frame}}`, 0);
    if (isRejection(m)) return m.reason;
    return Object.fromEntries(names.map((n, k) => [n, m.values[k]]).filter(([, v]) => v !== null));
  };
  const value = (members: string, column: string): unknown => {
    const m = map(`"id":1,${members}`);
    return typeof m === 'string' ? m : m[column];
  };

  it('reads longs beyond 2^53 and decimals given as JSON numbers from their text, exactly', () => {
    expect(value('"n":9007199254740993', 'n')).toBe('9007199254740993');
    expect(value('"n":-9223372036854775808', 'n')).toBe('-9223372036854775808');
    expect(value('"n":9223372036854775807', 'n')).toBe('9223372036854775807');
    expect(value('"n":9.007199254740993e15', 'n')).toBe('9007199254740993');
    expect(value('"n":1e3', 'n')).toBe(1000);
    expect(value('"n":9223372036854775808', 'n')).toBe("'n' ($.n): expected long, got the number 9223372036854775808 (out of the 64-bit range)");
    expect(value('"n":1e400', 'n')).toBe("'n' ($.n): expected long, got the number 1e400 (out of the 64-bit range)");
    expect(value('"n":9007199254740993.5', 'n')).toBe("'n' ($.n): expected long, got the number 9007199254740993.5 (not an integer)");
    expect(value('"n":1.5', 'n')).toBe("'n' ($.n): expected long, got the number 1.5 (not an integer)");
    expect(value('"amount":1234567890123456789.0123456789', 'amount')).toBe('1234567890123456789.0123456789');
    expect(value('"amount":-1E-10', 'amount')).toBe('-0.0000000001');
    expect(value('"price":0.10000000000000000001', 'price')).toBe("'price' ($.price): expected decimal(18, 4), got the number 0.10000000000000000001 (has more than 4 decimal places)");
    expect(value('"price":123456789012345678', 'price')).toBe("'price' ($.price): expected decimal(18, 4), got the number 123456789012345678 (has more than 14 digits before the decimal point)");
    expect(value('"price":12.5', 'price')).toBe('12.5000');
    // A key beyond 2^53 is exact too, and the same key as its string of digits.
    const a = mapper.map(`{"id":9007199254740993,${frame}}`, 0);
    const b = mapper.map(`{"id":"9007199254740993",${frame}}`, 0);
    expect(isRejection(a) || isRejection(b) ? 'rejected' : [a.key, b.key]).toEqual(['9007199254740993', '9007199254740993']);
    // The member read is the one JSON.parse keeps (the last), however the text spells and nests it.
    expect(value('"n":1,"n":9007199254740993', 'n')).toBe('9007199254740993');
    expect(value('"\\u006e" : 9007199254740995, "x":{"n":9007199254740997}', 'n')).toBe('9007199254740995');
    expect(value('"wrap":{"s":"}\\"{","inner":[1]},"wrap":{"a":[{"inner":1}],"inner":  -9007199254740993 }', 'wrapped')).toBe('-9007199254740993');
  });

  it('rejects numbers out of their type range with the reason, inside nested values too', () => {
    expect(value('"i":2147483648', 'i')).toMatch(/expected int, got the number 2147483648 \(not a 32-bit integer\)/);
    expect(value('"d":1e400', 'd')).toBe("'d' ($.d): expected double, got the number Infinity (out of the range of a double)");
    expect(value('"f":1e39', 'f')).toBe("'f' ($.f): expected float, got the number 1e+39 (out of the range of a float)");
    expect(value('"f":3.4e38', 'f')).toBe(Math.fround(3.4e38));
    expect(value('"deep":{"x":{"n":9007199254740993}}', 'deep')).toMatch(/inside a list, map or struct, a long beyond 2\^53 must be sent as a string of digits/);
    expect(value('"amounts":[1.5, 12345678901234567.5]', 'amounts')).toMatch(/element 1: expected decimal\(38, 10\), got the number 12345678901234568 \(inside a list, map or struct, a decimal number with more than 15 significant digits must be sent as a string\)/);
    expect(value('"amounts":[1.5, "12345678901234567.5"]', 'amounts')).toEqual(['1.5000000000', '12345678901234567.5000000000']);
  });

  it('accepts only an absent op, "put" and "delete", and names them for any other', () => {
    expect(mapper.map(`{"id":1,${frame}}`, 0)).toMatchObject({ op: 'put' });
    expect(mapper.map(`{"op":"put","id":1,${frame}}`, 0)).toMatchObject({ op: 'put' });
    expect(mapper.map(`{"op":"delete","id":1,${frame}}`, 0)).toMatchObject({ op: 'delete' });
    for (const [op, got] of [['"DELETE"', 'the string "DELETE"'], ['"upsert"', 'the string "upsert"'], ['1', 'the number 1'], ['null', 'null'], ['""', 'the string ""'], ['["delete"]', 'a list']]) {
      expect(mapper.map(`{"op":${op},"id":1,${frame}}`, 0)).toEqual({ rejected: true, reason: `'op' must be "put" or "delete" (or absent for a put), got ${got}` });
    }
    // An append-only dataset stores every event as it is: op is not read.
    const append = new RowMapper(specOf(`${specHeader}dataset log in curated {\n  from stream events\n  format = json\n  columns {\n    id string\n  }\n}\n`, 'log'));
    expect(append.map('{"op":"DELETE","id":"x"}', 0)).toMatchObject({ op: 'put', values: ['x'] });
  });

  it('rejects strings UTF-8 cannot hold (a lone surrogate), wherever they are', () => {
    expect(value('"note":"a\\ud800b"', 'note')).toBe(
      `'note' ($.note): expected string, got the string "a\\ud800b" (it holds a lone UTF-16 surrogate (\\ud800) at character 1, which is not a Unicode character: UTF-8, and so the table, cannot store it)`,
    );
    expect(value('"note":"\\udc00"', 'note')).toMatch(/lone UTF-16 surrogate \(\\udc00\) at character 0/);
    expect(value('"note":"\\ud83d\\ude80 \\u0000"', 'note')).toBe('\u{1F680} \u0000');
    expect(value('"note":"\\ud83d"', 'note')).toMatch(/lone UTF-16 surrogate \(\\ud83d\)/);
  });
});
