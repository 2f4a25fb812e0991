/**
 * The mapping hot path reads canonical timestamps and plain decimals with hand-written scanners
 * (time.ts canonicalTimestamp, decimal.ts plainDecimal). These properties hold them to the
 * general readers they stand in front of: same value, same NaN, same error, on texts near the
 * canonical shapes (every character mutated), on structured texts with out-of-range fields,
 * and on arbitrary text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, canonicalDecimalGeneral, plainDecimal } from '../../runtime/decimal.ts';
import { parseTimestamp, parseTimestampGeneral } from '../../runtime/time.ts';

const runs = { numRuns: 20_000 };

/** `text` with some of its characters replaced by characters from `alphabet`. */
const mutated = (text: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<string> =>
  fc
    .tuple(text, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...alphabet.split(''))), { maxLength: 3 }), fc.boolean())
    .map(([t, edits, cut]) => {
      const chars = t.split('');
      for (const [at, c] of edits) if (chars.length > 0) chars[at % chars.length] = c;
      const s = chars.join('');
      return cut && edits.length > 0 ? s.slice(0, edits[0]![0] % (s.length + 1)) : s;
    });

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

describe('parseTimestamp: the canonical-form scanner agrees with the general reader', () => {
  const same = (s: string): void => {
    expect(Object.is(parseTimestamp(s), parseTimestampGeneral(s)), s).toBe(true);
  };

  it('on edge cases', () => {
    for (const s of [
      '2024-01-31T18:30:00.250Z', '2000-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z', '0000-02-29T12:00:00.000Z', '0001-01-01T00:00:00.000Z', '0099-12-31T23:59:59.999Z', '0100-03-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '2024-01-01T23:60:00.000Z',
      '2024-01-01T23:59:60.000Z', '2024-00-01T00:00:00.000Z', '2024-13-01T00:00:00.000Z', '2024-04-31T00:00:00.000Z', '2024-01-00T00:00:00.000Z',
      '2024-01-01t00:00:00.000Z', '2024-01-01T00:00:00.000z', '2024-01-01 00:00:00.000Z', '+02024-01-01T00:00:00.00', '2024-01-01T00:00:00,000Z',
      '-024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.-00Z', '2024-01-01T-1:00:00.000Z', '2024-01-01T00:00:00.0000', '2024-01-01T00:00:00.00:Z',
    ]) {
      same(s);
    }
  });

  it('on mutated ISO texts of any instant in 0000-9999', () => {
    const iso = fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }).map((ms) => new Date(ms).toISOString());
    fc.assert(fc.property(mutated(iso, '0123456789-:.TZtz +/'), (s) => same(s)), runs);
  });

  it('on canonical-shaped texts with any two-digit fields', () => {
    const d2 = fc.integer({ min: 0, max: 99 });
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), d2, d2, d2, d2, d2, fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
    fc.assert(fc.property(text, (s) => same(s)), runs);
  });

  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => same(s)), runs);
    fc.assert(fc.property(fc.string({ minLength: 24, maxLength: 24, unit: fc.constantFrom(...'0123456789-:.TZ'.split('')) }), (s) => same(s)), runs);
  });
});

describe('canonicalDecimal: the plain-decimal scanner agrees with the general reader', () => {
  const type = fc.integer({ min: 1, max: 40 }).chain((precision) => fc.tuple(fc.constant(precision), fc.integer({ min: 0, max: precision })));
  const same = (s: string, precision: number, scale: number): void => {
    const general = canonicalDecimalGeneral(s, precision, scale);
    expect(canonicalDecimal(s, precision, scale), `${s} as decimal(${precision}, ${scale})`).toEqual(general);
    const plain = plainDecimal(s, precision, scale);
    if (plain !== undefined) expect(general).toEqual({ value: plain });
  };

  it('on edge cases', () => {
    for (const [s, p, sc] of [
      ['0', 18, 4], ['-0', 18, 4], ['-0.0000', 18, 4], ['+0', 18, 0], ['-0', 18, 0], ['5.', 18, 0], ['5.', 18, 2], ['.5', 18, 2], ['-.5', 18, 2], ['+.5', 18, 2],
      ['.', 18, 2], ['-', 18, 2], ['+', 18, 2], ['', 18, 2], ['007', 18, 0], ['007.10', 18, 2], ['12.50', 4, 2], ['123.5', 4, 2], ['1.005', 18, 2], ['1.000', 18, 2],
      ['-12.5', 18, 4], ['101.0001', 18, 4], ['58.007919', 18, 6], ['1e3', 18, 2], [' 1', 18, 2], ['1 ', 18, 2], ['1.2.3', 18, 2], ['--1', 18, 2], ['99', 2, 0], ['100', 2, 0],
      ['0.5', 1, 1], ['1.5', 1, 1], ['0000000000000000000000001', 5, 0], ['1', 70, 66], ['-0', 70, 66],
    ] as const) {
      same(s, p, sc);
    }
  });

  it('on plain decimals of any shape', () => {
    const plain = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.string({ unit: fc.constantFrom(...'0000123456789'.split('')), maxLength: 25 }), fc.constantFrom('', '.'), fc.string({ unit: fc.constantFrom(...'0000123456789'.split('')), maxLength: 25 }))
      .map(([sign, int, point, frac]) => `${sign}${int}${point}${point === '' ? '' : frac}`);
    fc.assert(fc.property(plain, type, (s, [p, sc]) => same(s, p, sc)), runs);
  });

  it('on mutated decimals and arbitrary text', () => {
    const number = fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
    fc.assert(fc.property(mutated(number, '0123456789.-+eE '), type, (s, [p, sc]) => same(s, p, sc)), runs);
    fc.assert(fc.property(fc.string({ maxLength: 20, unit: fc.constantFrom(...'0123456789.-+eE x'.split('')) }), type, (s, [p, sc]) => same(s, p, sc)), runs);
    fc.assert(fc.property(fc.string({ maxLength: 20 }), type, (s, [p, sc]) => same(s, p, sc)), runs);
  });
});
