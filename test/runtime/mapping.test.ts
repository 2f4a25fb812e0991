/**
 * Row mapping units: coercion of JSON values to column types (exact decimals, millisecond
 * timestamps, nested types), `@check` semantics (SQL's three-valued logic), and the fast key
 * router agreeing with the mapper on every event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExpr } from '../../compiler/codegen/processors/spec.ts';
import { compileCheck } from '../../runtime/checks.ts';
import { coercer, Invalid } from '../../runtime/coerce.ts';
import type { ColumnSpec, TypeSpec } from '../../runtime/dataset.ts';
import { compareDecimals } from '../../runtime/decimal.ts';
import { isRejection, RowMapper } from '../../runtime/mapping.ts';
import { partitionOf } from '../../runtime/partition.ts';
import { KeyRouter } from '../../runtime/parallel/router.ts';
import { parseTimestamp } from '../../runtime/time.ts';
import { tradesSpec } from './bench/trades.ts';
import { specOf } from './support.ts';

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
    expect(ok(d, 12.5)).toBe('12.5000');
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
    expect(bad(prim('long'), 2 ** 60)).toMatch(/beyond 2\^53 a long must be sent as a string of digits/);
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
