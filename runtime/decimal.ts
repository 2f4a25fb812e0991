/**
 * Exact decimals. A `decimal(p, s)` value is kept as its canonical text: an optional `-`, the
 * integer digits without leading zeros, and exactly `s` fractional digits (`12.5000` for
 * decimal(18, 4)). The text is what the table stores and what payload equality compares, so
 * `"12.5"` and `12.50` are the same value, and no value ever passes through a binary double
 * when the producer sends it as a string.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Canonical text of `input` as decimal(precision, scale), or an explanation of why it does not fit. */
export function canonicalDecimal(input: string, precision: number, scale: number): { value: string } | { error: string } {
  const plain = plainDecimal(input, precision, scale);
  return plain !== undefined ? { value: plain } : canonicalDecimalGeneral(input, precision, scale);
}

const ZEROS = '0'.repeat(64);

/**
 * The canonical text of a plain decimal that fits (`12.5`, `-0.25`, `007`: a sign, digits, a
 * point, digits; no exponent, no more than `scale` fractional digits), read with one scan and
 * no regular expression; undefined for any other text, which canonicalDecimalGeneral then
 * reads or rejects. Where it gives a text, it is the text canonicalDecimalGeneral gives (a
 * property test holds the two together). Text that is canonical already is returned as is.
 */
export function plainDecimal(input: string, precision: number, scale: number): string | undefined {
  const n = input.length;
  let i = 0;
  const first = input.charCodeAt(0);
  const negative = first === 45; /* - */
  if (negative || first === 43 /* + */) i = 1;
  const intStart = i;
  while (i < n && input.charCodeAt(i) - 48 >>> 0 <= 9) i++;
  const intEnd = i;
  let fracStart = n;
  if (i < n) {
    if (input.charCodeAt(i) !== 46 /* . */) return undefined;
    fracStart = ++i;
    while (i < n && input.charCodeAt(i) - 48 >>> 0 <= 9) i++;
    if (i < n) return undefined;
  }
  const fracLength = n - fracStart;
  if (intEnd === intStart && fracLength === 0) return undefined;
  if (fracLength > scale || scale > ZEROS.length) return undefined;
  let s = intStart;
  while (s < intEnd && input.charCodeAt(s) === 48) s++;
  const intLength = intEnd - s;
  if (intLength > precision - scale) return undefined;
  if (intLength > 0 && s === intStart && first !== 43 && fracLength === scale && (scale > 0 ? fracStart === intEnd + 1 : fracStart === n && intEnd === n)) {
    // Canonical already (a nonzero integer part, so never a signed zero).
    return input;
  }
  let zero = intLength === 0;
  for (let j = fracStart; zero && j < n; j++) if (input.charCodeAt(j) !== 48) zero = false;
  const int = intLength === 0 ? '0' : input.slice(s, intEnd);
  const text = scale > 0 ? `${int}.${input.slice(fracStart, n)}${ZEROS.slice(0, scale - fracLength)}` : int;
  return negative && !zero ? `-${text}` : text;
}

/** canonicalDecimal for any text (exported for the property test holding the fast path to it). */
export function canonicalDecimalGeneral(input: string, precision: number, scale: number): { value: string } | { error: string } {
  const m = DECIMAL.exec(input);
  if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return { error: 'not a decimal number' };
  const negative = m[1] === '-';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  // Position of the decimal point within `digits`, moved by the exponent.
  let point = (m[2] ?? '').length + (m[4] !== undefined ? Number(m[4]) : 0);
  if (!Number.isSafeInteger(point) || Math.abs(point) > 1000) return { error: 'exponent out of range' };
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits = digits + '0'.repeat(point - digits.length);
  }
  let intPart = digits.slice(0, point).replace(/^0+/, '');
  let frac = digits.slice(point);
  if (frac.length > scale) {
    const extra = frac.slice(scale);
    if (/[^0]/.test(extra)) return { error: `has more than ${scale} decimal place${scale === 1 ? '' : 's'}` };
    frac = frac.slice(0, scale);
  }
  frac = frac.padEnd(scale, '0');
  if (intPart.length > precision - scale) return { error: `has more than ${precision - scale} digit${precision - scale === 1 ? '' : 's'} before the decimal point` };
  if (intPart === '') intPart = '0';
  const zero = /^0*$/.test(intPart + frac);
  const text = scale > 0 ? `${intPart}.${frac}` : intPart;
  return { value: negative && !zero ? `-${text}` : text };
}

/**
 * Compares two decimal texts by value (canonical or not, any scale): -1, 0 or 1. NaN when one
 * is not a decimal.
 */
export function compareDecimals(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x === undefined || y === undefined) return Number.NaN;
  // Canonical text never writes zero with a sign, so `negative` means below zero.
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const sign = x.negative ? -1 : 1;
  if (x.int.length !== y.int.length) return x.int.length < y.int.length ? -sign : sign;
  if (x.int !== y.int) return x.int < y.int ? -sign : sign;
  const n = Math.max(x.frac.length, y.frac.length);
  const fx = x.frac.padEnd(n, '0');
  const fy = y.frac.padEnd(n, '0');
  return fx === fy ? 0 : fx < fy ? -sign : sign;
}

function split(text: string): { negative: boolean; int: string; frac: string } | undefined {
  const c = canonicalDecimal(text, 1000, 500);
  if ('error' in c) return undefined;
  const v = c.value;
  const negative = v.startsWith('-');
  const body = negative ? v.slice(1) : v;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = (dot < 0 ? '' : body.slice(dot + 1)).replace(/0+$/, '');
  return { negative, int: int === '0' ? '' : int, frac };
}
