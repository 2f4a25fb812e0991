/**
 * EventBridge Scheduler cron expressions: `cron(minutes hours day-of-month month day-of-week year)`.
 *
 * From the EventBridge cron reference (docs.aws.amazon.com/eventbridge/latest/userguide/
 * eb-cron-expressions.html, the syntax EventBridge Scheduler shares):
 *
 * | field        | values              | wildcards     |
 * | ------------ | ------------------- | ------------- |
 * | minutes      | 0-59                | , - * /       |
 * | hours        | 0-23                | , - * /       |
 * | day-of-month | 1-31                | , - * ? / L W |
 * | month        | 1-12 or JAN-DEC     | , - * /       |
 * | day-of-week  | 1-7 or SUN-SAT      | , - * ? L #   |
 * | year         | 1970-2199           | , - * /       |
 *
 * One of day-of-month and day-of-week must be `?` (not both, and `*` in both is refused).
 * `#` (`3#2`, the second Tuesday) allows a single expression in day-of-week. `L` alone is the
 * last day of the month or week; `5L` the last Thursday; `3W` the weekday nearest the 3rd;
 * `LW` the last weekday of the month. These special forms stand alone in their field, as in
 * Quartz, whose syntax EventBridge follows. Names are accepted in any case.
 *
 * The checker reports problems with offsets into the expression text, so a diagnostic can
 * underline the offending field.
 */

import { closest } from '../diagnostics/suggest.ts';

export interface CronProblem {
  /** Offsets into the expression text: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly hint?: string;
  /** A corrected expression, when the repair is obvious. */
  readonly fixed?: string;
  /** A replacement inside the expression, turned into `fixed` when the result is valid. */
  readonly replace?: { readonly start: number; readonly end: number; readonly text: string };
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for values min, min+1, ... (JAN.., SUN..). */
  readonly names?: readonly string[];
  readonly question?: boolean;
  readonly slash: boolean;
  readonly lastDayOfMonth?: boolean;
  readonly lastDayOfWeek?: boolean;
}

const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const fields: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59, slash: true },
  { name: 'hours', min: 0, max: 23, slash: true },
  { name: 'day-of-month', min: 1, max: 31, question: true, slash: true, lastDayOfMonth: true },
  { name: 'month', min: 1, max: 12, names: months, slash: true },
  { name: 'day-of-week', min: 1, max: 7, names: days, question: true, slash: false, lastDayOfWeek: true },
  { name: 'year', min: 1970, max: 2199, slash: true },
];

const shape = 'cron(minutes hours day-of-month month day-of-week year)';

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Every problem of `text` as an EventBridge Scheduler cron expression; empty when valid. */
export function checkCron(text: string): CronProblem[] {
  const whole = { start: 0, end: text.length };
  const m = /^cron\((.*)\)$/s.exec(text);
  if (m === null) {
    if (/^\s*(rate|at)\(/.test(text)) {
      const what = /^\s*rate/.test(text) ? 'rate(...) repeats from whenever the schedule was created' : 'at(...) fires once';
      return [{ ...whole, message: `${what}; a peak starts at each time a cron(...) expression matches`, hint: `write it as ${shape}, for instance cron(0 20 ? * MON-FRI *)` }];
    }
    const wrapped = `cron(${text.trim()})`;
    const fixed = text.trim() !== '' && !text.includes('(') && checkCron(wrapped).length === 0 ? wrapped : undefined;
    return [{
      ...whole,
      message: `it is not a cron(...) expression; EventBridge Scheduler expects ${shape}`,
      hint: fixed !== undefined ? `wrap the fields: ${fixed}` : 'for instance cron(0 20 ? * MON-FRI *) is 20:00 UTC on weekdays',
      ...(fixed !== undefined ? { fixed } : {}),
    }];
  }
  const bodyStart = 5;
  const body = m[1]!;
  const tokens = split(body, /\S+/, bodyStart);
  if (tokens.length !== 6) {
    const span = tokens.length === 0 ? { start: bodyStart, end: bodyStart + body.length } : { start: tokens[0]!.start, end: tokens[tokens.length - 1]!.end };
    const withYear = tokens.length === 5 ? `cron(${tokens.map((t) => t.text).join(' ')} *)` : undefined;
    const fixed = withYear !== undefined && checkCron(withYear).length === 0 ? withYear : undefined;
    return [{
      ...span,
      message: `the cron expression has ${tokens.length} ${tokens.length === 1 ? 'field' : 'fields'}; EventBridge Scheduler expects six: ${shape}`,
      hint: tokens.length === 5 ? `add the year field, * for every year${fixed !== undefined ? `: ${fixed}` : ''}` : 'for instance cron(0 20 ? * MON-FRI *) is 20:00 UTC on weekdays',
      ...(fixed !== undefined ? { fixed } : {}),
    }];
  }
  const problems: CronProblem[] = [];
  for (let i = 0; i < 6; i++) {
    const p = checkField(tokens[i]!, fields[i]!);
    if (p !== undefined) problems.push(p);
  }
  if (problems.length > 0) {
    return problems.map(({ replace: r, ...p }) => {
      if (r === undefined) return p;
      const fixed = text.slice(0, r.start) + r.text + text.slice(r.end);
      return checkCron(fixed).length === 0 ? { ...p, fixed } : p;
    });
  }
  const dom = tokens[2]!;
  const dow = tokens[4]!;
  const replace = (t: Token, v: string): string => text.slice(0, t.start) + v + text.slice(t.end);
  if (dom.text !== '?' && dow.text !== '?') {
    // Most often a Unix habit: `* * MON-FRI`. Put `?` where the other field says "any".
    const target = dow.text === '*' ? dow : dom.text === '*' ? dom : undefined;
    problems.push({
      start: dom.start, end: dow.end,
      message: `both day-of-month ('${dom.text}') and day-of-week ('${dow.text}') are set; one of them must be '?'`,
      hint: target !== undefined ? `write ? in the ${target === dow ? 'day-of-week' : 'day-of-month'} field: ${replace(target, '?')}` : "keep one of the two and write ? in the other",
      ...(target !== undefined ? { fixed: replace(target, '?') } : {}),
    });
  } else if (dom.text === '?' && dow.text === '?') {
    problems.push({
      start: dom.start, end: dow.end,
      message: "day-of-month and day-of-week are both '?'; exactly one of them must be '?'",
      hint: `for every day, write * in the day-of-month field: ${replace(dom, '*')}`,
      fixed: replace(dom, '*'),
    });
  }
  return problems;
}

/** The runs of `token` characters in `text`, with offsets shifted by `offset`. */
function split(text: string, token: RegExp, offset: number): Token[] {
  const out: Token[] = [];
  const re = new RegExp(token.source, 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ text: m[0], start: offset + m.index, end: offset + m.index + m[0].length });
  }
  return out;
}

function problem(t: Token, message: string, hint?: string): CronProblem {
  return { start: t.start, end: t.end, message, ...(hint !== undefined ? { hint } : {}) };
}

function describeRange(f: FieldSpec): string {
  return `${f.min}-${f.max}${f.names !== undefined ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ''}`;
}

function checkField(field: Token, f: FieldSpec): CronProblem | undefined {
  const t = field.text;
  if (t === '?') {
    return f.question === true ? undefined : problem(field, `'?' is not allowed in the ${f.name} field`, `'?' belongs in day-of-month or day-of-week; write * for every ${f.name === 'year' ? 'year' : 'value'}`);
  }
  // Forms that stand alone in their field.
  const upper = t.toUpperCase();
  if (f.lastDayOfMonth === true && (upper === 'L' || upper === 'LW')) return undefined;
  if (f.lastDayOfMonth === true && /^\d+W$/i.test(t)) {
    const day = Number(t.slice(0, -1));
    return day >= 1 && day <= 31 ? undefined : problem(field, `'${t}': the day before W must be 1-31`);
  }
  if (f.lastDayOfWeek === true) {
    if (upper === 'L') return undefined;
    const last = /^(.+)L$/i.exec(t);
    if (last !== null && !t.includes(',') && !t.includes('-')) {
      return dayValue(last[1]!, f) === undefined ? problem(field, `'${t}': before L, expected a day of the week (${describeRange(f)})`) : undefined;
    }
    if (t.includes('#')) {
      if (t.includes(',')) return problem(field, `'${t}': a day-of-week with '#' takes a single expression, not a list`, 'schedule one peak per occurrence instead');
      const hash = /^([^#]+)#(\d+)$/.exec(t);
      if (hash === null || dayValue(hash[1]!, f) === undefined) return problem(field, `'${t}' is not a valid N#k: expected a day of the week, '#' and the occurrence 1-5 (3#2 is the second Tuesday)`);
      const k = Number(hash[2]);
      return k >= 1 && k <= 5 ? undefined : problem(field, `'${t}': the occurrence after '#' must be 1-5, not ${k}`);
    }
  }
  const items = split(t, /[^,]+/, field.start);
  if (t.startsWith(',') || t.endsWith(',') || t.includes(',,')) return problem(field, `'${t}': a list needs a value between each comma`);
  for (const item of items) {
    const p = checkItem(item, f);
    if (p !== undefined) return p;
  }
  return undefined;
}

function checkItem(item: Token, f: FieldSpec): CronProblem | undefined {
  const t = item.text;
  if (isStandAlone(t, f)) return problem(item, `'${t}' must stand alone in the ${f.name} field, not in a list`);
  const slash = t.indexOf('/');
  let base = t;
  if (slash >= 0) {
    if (!f.slash) return problem(item, `'/' (increments) is not allowed in the ${f.name} field`, 'list the days instead, for instance MON,WED,FRI');
    base = t.slice(0, slash);
    const step = t.slice(slash + 1);
    const limit = f.max - f.min + (f.min === 0 ? 0 : 1);
    if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > limit) {
      return problem(item, `'${t}': the increment after '/' must be a whole number from 1 to ${limit}`);
    }
    if (base === '') return problem(item, `'${t}': write a start before '/', for instance ${f.min}/${step} or */${step}`);
  }
  if (base === '*') return undefined;
  const dash = base.indexOf('-', 1);
  const parts = dash >= 0 ? [base.slice(0, dash), base.slice(dash + 1)] : [base];
  let offset = item.start;
  for (const part of parts) {
    if (dayValue(part, f) === undefined) {
      const what = part === '' ? 'nothing' : `'${part}'`;
      const meant = f.names !== undefined && /^[A-Za-z]+$/.test(part) ? closest(part.toUpperCase(), f.names) : undefined;
      const at = part === '' ? item : { text: part, start: offset, end: offset + part.length };
      return {
        ...problem(at, `${what} is not a valid ${f.name} value${part === t ? '' : ` in '${t}'`} (expected ${describeRange(f)})`,
          meant !== undefined ? `did you mean '${meant}'?` : undefined),
        ...(meant !== undefined ? { replace: { start: offset, end: offset + part.length, text: meant } } : {}),
      };
    }
    offset += part.length + 1;
  }
  return undefined;
}

/** `?`, `L`, `LW`, `3W`, `5L`, `3#2`: forms valid only as the whole field. */
function isStandAlone(t: string, f: FieldSpec): boolean {
  if (t === '?') return f.question === true;
  if (f.lastDayOfMonth === true) return /^(L|LW|\d+W)$/i.test(t);
  if (f.lastDayOfWeek === true) return /^L$/i.test(t) || (/L$/i.test(t) && dayValue(t.slice(0, -1), f) !== undefined) || t.includes('#');
  return false;
}

/** The numeric value of a field value (number or name), or undefined when out of range. */
function dayValue(text: string, f: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : undefined;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? f.min + i : undefined;
}

// ---------------------------------------------------------------------------------------------
// When a valid expression fires: the rules about peaks that overlap (LAKE5009) and crons that
// never fire (LAKE5010) read it from here.

/**
 * The first year this lakec does not count as past. A check that read the clock would answer
 * differently from one day to the next, and lakec's output is deterministic: so the year is fixed
 * in the release (lakec 0.1.0, December 2026) and moves with each release. A cron whose years all
 * come before it fired for the last time before this lakec was released.
 */
export const releaseYear = 2026;

/** EventBridge Scheduler's last year (the year field takes 1970-2199). */
export const lastCronYear = 2199;

export interface CronSchedule {
  /** Minutes of the day at which it fires on a day it fires (UTC), ascending. */
  readonly times: readonly number[];
  readonly years: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** Whether it fires on day `d` of a month of its years and months. */
  readonly onDay: (d: number, month: MonthInfo) => boolean;
}

/** A month as the day fields see it. */
export interface MonthInfo {
  readonly days: number;
  /** The weekday of the 1st: 1 (Sunday) to 7 (Saturday), as EventBridge numbers them. */
  readonly firstWeekday: number;
}

/** Every value of a list/range/step field (`1,15`, `MON-FRI`, `0/15`, `*`); a range may wrap (`FRI-MON`). */
function values(text: string, f: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [base, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = f.min;
    let hi = f.max;
    if (base !== '*') {
      const dash = base.indexOf('-', 1);
      lo = dayValue(dash >= 0 ? base.slice(0, dash) : base, f)!;
      hi = dash >= 0 ? dayValue(base.slice(dash + 1), f)! : stepText !== undefined ? f.max : lo;
    }
    const span = hi >= lo ? hi - lo : hi - lo + (f.max - f.min + 1);
    for (let k = 0; k <= span; k += step) out.add(((lo - f.min + k) % (f.max - f.min + 1)) + f.min);
  }
  return out;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number): number => (month === 2 && isLeap(year) ? 29 : monthDays[month - 1]!);
const weekdayOf = (d: number, m: MonthInfo): number => ((m.firstWeekday - 1 + d - 1) % 7) + 1;

/** The day of the month `NW` means: the weekday nearest day N, within the month (as in Quartz). */
function nearestWeekday(m: MonthInfo, n: number): number | undefined {
  if (n > m.days) return undefined;
  const w = weekdayOf(n, m);
  if (w === 7) return n > 1 ? n - 1 : n + 2; // Saturday: the Friday before, or the Monday after the 1st
  if (w === 1) return n < m.days ? n + 1 : n - 2; // Sunday: the Monday after, or the Friday before the last day
  return n;
}

function lastWeekday(m: MonthInfo): number {
  let d = m.days;
  while (weekdayOf(d, m) === 1 || weekdayOf(d, m) === 7) d--;
  return d;
}

/** The schedule of a valid expression (`checkCron` finds nothing); undefined otherwise. */
export function cronSchedule(text: string): CronSchedule | undefined {
  if (checkCron(text).length > 0) return undefined;
  const [minF, hourF, domF, monthF, dowF, yearF] = /^cron\((.*)\)$/s.exec(text)![1]!.trim().split(/\s+/) as [string, string, string, string, string, string];
  const minutes = [...values(minF, fields[0]!)].sort((a, b) => a - b);
  const hours = [...values(hourF, fields[1]!)].sort((a, b) => a - b);
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m));
  const dom = domF.toUpperCase();
  const dow = dowF.toUpperCase();
  let onDay: CronSchedule['onDay'];
  if (dom !== '?') {
    if (dom === 'L') onDay = (d, m) => d === m.days;
    else if (dom === 'LW') onDay = (d, m) => d === lastWeekday(m);
    else if (dom.endsWith('W')) onDay = (d, m) => d === nearestWeekday(m, Number(dom.slice(0, -1)));
    else {
      const set = values(dom, fields[2]!);
      onDay = (d) => set.has(d);
    }
  } else if (dow === 'L') {
    onDay = (d, m) => weekdayOf(d, m) === 7;
  } else if (dow.includes('#')) {
    const [n, k] = dow.split('#') as [string, string];
    const target = dayValue(n, fields[4]!)!;
    onDay = (d, m) => weekdayOf(d, m) === target && Math.ceil(d / 7) === Number(k);
  } else if (dow.endsWith('L')) {
    const target = dayValue(dow.slice(0, -1), fields[4]!)!;
    onDay = (d, m) => weekdayOf(d, m) === target && d + 7 > m.days;
  } else {
    const set = values(dow, fields[4]!);
    onDay = (d, m) => set.has(weekdayOf(d, m));
  }
  return { times, years: values(yearF, fields[5]!), months: values(monthF, fields[3]!), onDay };
}

/** Days since 1970-01-01 of January 1st of `year`. */
function epochDayOfYear(year: number): number {
  let n = 0;
  for (let y = 1970; y < year; y++) n += isLeap(y) ? 366 : 365;
  return n;
}

/** Each day the schedule fires, from January 1st of `from` to the end of `to`, in order (days since 1970-01-01, and the date). */
export function* firingDays(s: CronSchedule, from: number, to: number): Generator<{ epochDay: number; year: number; month: number; day: number }> {
  if (s.times.length === 0) return;
  let first = epochDayOfYear(from);
  for (let y = from; y <= to; y++) {
    let day0 = first;
    first += isLeap(y) ? 366 : 365;
    if (!s.years.has(y)) continue;
    for (let m = 1; m <= 12; m++) {
      const info: MonthInfo = { days: daysIn(y, m), firstWeekday: ((day0 + 4) % 7) + 1 }; // 1970-01-01 was a Thursday
      if (s.months.has(m)) for (let d = 1; d <= info.days; d++) if (s.onDay(d, info)) yield { epochDay: day0 + d - 1, year: y, month: m, day: d };
      day0 += info.days;
    }
  }
}

/**
 * The shortest time between two firings from `from` on, and the first pair of firings that far
 * apart (minutes since 1970-01-01, UTC); undefined when it fires at most once. Stops at the first
 * gap below `below` minutes, which is all a caller comparing with a duration needs, and as soon as
 * two firing days follow each other: no later pair of days can come closer.
 */
export function shortestInterval(s: CronSchedule, from: number, below = 0): { minutes: number; first: number; second: number } | undefined {
  const t = s.times;
  let best: { minutes: number; first: number; second: number } | undefined;
  let previousDay: number | undefined;
  for (const day of firingDays(s, from, lastCronYear)) {
    const start = day.epochDay * 1440;
    // From the last firing of the day before, then within the day.
    if (previousDay !== undefined) {
      const a = previousDay * 1440 + t[t.length - 1]!;
      if (best === undefined || start + t[0]! - a < best.minutes) best = { minutes: start + t[0]! - a, first: a, second: start + t[0]! };
    }
    if (previousDay === undefined || day.epochDay - previousDay === 1) {
      // The gaps within a day are the same every day: once, on the first day.
      if (previousDay === undefined) {
        for (let i = 1; i < t.length; i++) if (best === undefined || t[i]! - t[i - 1]! < best.minutes) best = { minutes: t[i]! - t[i - 1]!, first: start + t[i - 1]!, second: start + t[i]! };
      } else break;
    }
    if (best !== undefined && best.minutes < below) return best;
    previousDay = day.epochDay;
  }
  return best;
}
