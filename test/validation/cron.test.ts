/**
 * When a cron expression fires (compiler/validation/cron.ts cronSchedule), against an independent
 * reading of EventBridge's rules on real calendar dates (JavaScript's Date), over random
 * expressions; and the shortest interval between firings on known cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronSchedule, firingDays, releaseYear, shortestInterval } from '../../compiler/validation/cron.ts';

const names = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The oracle: does the day-of-month / day-of-week pair fire on this date? Written from the docs, day by day. */
function oracleDay(dom: string, dow: string, date: Date): boolean {
  const d = date.getUTCDate();
  const wd = date.getUTCDay() + 1;
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  const weekdayOf = (day: number): number => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), day)).getUTCDay() + 1;
  const isWork = (day: number): boolean => weekdayOf(day) > 1 && weekdayOf(day) < 7;
  if (dom !== '?') {
    if (dom === 'L') return d === last;
    if (dom === 'LW') { let x = last; while (!isWork(x)) x--; return d === x; }
    if (dom.endsWith('W')) {
      const n = Number(dom.slice(0, -1));
      if (n > last) return false;
      // The nearest weekday within the month.
      const candidates = [n, n - 1, n + 1, n - 2, n + 2].filter((x) => x >= 1 && x <= last && isWork(x));
      return d === candidates[0];
    }
    return expand(dom, 1, 31).has(d);
  }
  if (dow === 'L') return wd === 7;
  if (dow.includes('#')) { const [n, k] = dow.split('#'); return wd === dayNumber(n!) && Math.floor((d - 1) / 7) + 1 === Number(k); }
  if (dow.endsWith('L')) return wd === dayNumber(dow.slice(0, -1)) && d > last - 7;
  return expand(dow, 1, 7).has(wd);
}

const dayNumber = (x: string): number => (/^\d+$/.test(x) ? Number(x) : names.indexOf(x) + 1);

/** Plain lists, ranges (no wrap in the generated cases) and steps. */
function expand(field: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [base, step] = item.split('/');
    const [a, b] = base === '*' ? [min, max] : base!.includes('-') ? base!.split('-').map(dayNumber) : [dayNumber(base!), step !== undefined ? max : dayNumber(base!)];
    for (let v = a!; v <= b!; v += Number(step ?? 1)) out.add(v);
  }
  return out;
}

const domArb = fc.oneof(
  fc.constantFrom('*', 'L', 'LW', '1W', '15W', '30W', '31W', '31', '29', '1-15', '10-20/3', '*/7', '5,10,31'),
  fc.integer({ min: 1, max: 31 }).map(String),
  fc.integer({ min: 1, max: 31 }).map((n) => `${n}W`),
);
const dowArb = fc.oneof(
  fc.constantFrom('*', 'L', 'MON-FRI', 'SAT,SUN', '2-6', '1', '7', 'WED'),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([n, k]) => `${n}#${k}`),
  fc.integer({ min: 1, max: 7 }).map((n) => `${n}L`),
);

describe('cronSchedule', () => {
  it('fires on exactly the days EventBridge names, on every day of 2026 to 2029', () => {
    fc.assert(fc.property(fc.boolean(), domArb, dowArb, fc.constantFrom('*', '2', 'FEB-APR', '1,6,12', '*/5'), (byDom, dom, dow, month) => {
      const [d, w] = byDom ? [dom, '?'] : ['?', dow];
      const s = cronSchedule(`cron(0 12 ${d} ${month} ${w} *)`)!;
      expect(s, `cron(0 12 ${d} ${month} ${w} *)`).toBeDefined();
      const months = expand(month.replace('FEB-APR', '2-4'), 1, 12);
      const fired = new Set([...firingDays(s, 2026, 2029)].map((x) => x.epochDay));
      for (let day = Date.UTC(2026, 0, 1) / 86_400_000; day < Date.UTC(2030, 0, 1) / 86_400_000; day++) {
        const date = new Date(day * 86_400_000);
        const expected = months.has(date.getUTCMonth() + 1) && oracleDay(d, w, date);
        expect(fired.has(day), `cron(0 12 ${d} ${month} ${w} *) on ${date.toISOString().slice(0, 10)}`).toBe(expected);
      }
    }), { numRuns: 60 });
  });

  it('fires at every minute and hour of its lists, ranges and steps', () => {
    expect(cronSchedule('cron(0/20 8-9 * * ? *)')!.times).toEqual([480, 500, 520, 540, 560, 580]);
    expect(cronSchedule('cron(5,55 22-1 * * ? *)')!.times).toEqual([5, 55, 65, 115, 1325, 1375, 1385, 1435]);
  });

  it('knows the shortest interval between two firings, and where it is', () => {
    const gap = (c: string): number | undefined => shortestInterval(cronSchedule(c)!, releaseYear)?.minutes;
    expect(gap('cron(0 * * * ? *)')).toBe(60);
    expect(gap('cron(0 20 ? * MON-FRI *)')).toBe(1440);
    expect(gap('cron(0 20 ? * FRI,MON *)')).toBe(3 * 1440);
    expect(gap('cron(30 23 ? * SAT *)')).toBe(7 * 1440);
    expect(gap('cron(0 0 29 2 ? *)')).toBe(1461 * 1440);
    expect(gap('cron(0 6 31 12 ? 2030)')).toBeUndefined();
    expect(gap('cron(50 23 * * ? *)')).toBe(1440);
    expect(gap('cron(10,50 23 ? * MON,TUE *)')).toBe(40);
    expect(gap('cron(50 23,0 ? * MON,TUE *)')).toBe(60);
  });
});
