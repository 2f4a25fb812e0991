/**
 * Timestamps and dates. Inside the runtime a timestamp is an integer count of epoch
 * milliseconds (the lake keeps millisecond precision end to end, DESIGN.md section 2); it is
 * printed as ISO-8601 UTC with exactly three fractional digits. A date is its ISO text.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS[month - 1]!);
}

/**
 * Epoch milliseconds of an ISO-8601 timestamp (`2024-01-31T18:30:00.250Z`, `2024-01-31 18:30`,
 * `2024-01-31`, an offset such as `+02:00`; no offset means UTC), or NaN. Digits below the
 * millisecond are cut off: the lake stores milliseconds.
 */
export function parseTimestamp(text: string): number {
  // Fast path for the canonical form producers usually send.
  if (text.length === 24 && text.charCodeAt(10) === 84 /* T */ && text.charCodeAt(23) === 90 /* Z */ && text.charCodeAt(19) === 46 /* . */) {
    const ms = Date.parse(text);
    if (ms === ms && validDate(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))) return ms;
  }
  const m = TIMESTAMP.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!validDate(year, month, day)) return Number.NaN;
  const hour = m[4] !== undefined ? Number(m[4]) : 0;
  const minute = m[5] !== undefined ? Number(m[5]) : 0;
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const millis = m[7] !== undefined ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offset = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return Number.NaN;
    offset = sign * (oh * 60 + om) * 60_000;
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  return ms - offset;
}

/** The ISO date text if `text` is a valid `YYYY-MM-DD`, else undefined. */
export function parseDate(text: string): string | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || !validDate(year, month, day)) return undefined;
  return text;
}

/** `2020-01-01T00:00:00.000Z`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** The smallest and largest instants a timestamp column accepts: 0001-01-01 to 9999-12-31. */
export const MIN_TIMESTAMP = -62_135_596_800_000;
export const MAX_TIMESTAMP = 253_402_300_799_999;
