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
  const ms = canonicalTimestamp(text);
  return ms === ms ? ms : parseTimestampGeneral(text);
}

/** Days from 1970-01-01 to a valid proleptic Gregorian date (any year >= 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Years counted from March, so that the leap day is the last day of the year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The value of the two decimal digits at `i`, or NaN. */
function digits2(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * The canonical form producers usually send, `YYYY-MM-DDTHH:MM:SS.sssZ` with an hour up to 23,
 * read without a regular expression or Date.parse; NaN for any other text (which
 * parseTimestampGeneral then reads, or rejects). Where it gives a number, it is the number
 * parseTimestampGeneral gives (a property test holds the two together).
 */
function canonicalTimestamp(text: string): number {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 /* T */ ||
    text.charCodeAt(13) !== 58 /* : */ ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 /* . */ ||
    text.charCodeAt(23) !== 90 /* Z */
  ) {
    return Number.NaN;
  }
  const year = digits2(text, 0) * 100 + digits2(text, 2);
  const month = digits2(text, 5);
  const day = digits2(text, 8);
  const hour = digits2(text, 11);
  const minute = digits2(text, 14);
  const second = digits2(text, 17);
  const last = text.charCodeAt(22) - 48;
  const millis = digits2(text, 20) * 10 + (last >= 0 && last <= 9 ? last : Number.NaN);
  // NaN fails every comparison below.
  if (!(year >= 0 && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0 && validDate(year, month, day))) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
}

/** parseTimestamp for any text (exported for the property test holding the fast path to it). */
export function parseTimestampGeneral(text: string): number {
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
