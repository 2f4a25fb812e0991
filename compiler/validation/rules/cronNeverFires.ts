import { cronSchedule, firingDays, lastCronYear, releaseYear } from '../cron.ts';
import type { Rule } from '../rule.ts';

/** A peak whose cron never fires never scales anything: the burst it was meant for meets the baseline. */
export const cronNeverFires: Rule = {
  code: 'LAKE5010',
  severity: 'error',
  title: 'cron that never fires',
  description:
    'A scaling peak happens at each firing of its cron. Some valid expressions never fire: a date that no ' +
    'month has (`cron(0 6 31 2 ? *)`, February 31st; the 31st of April, June, September or November; February ' +
    '29th in a year that is not a leap year), or a year field whose years are all past. The peak then never ' +
    'scales the application, and the burst it was meant for meets the baseline. "Past" is decided without a ' +
    `clock, so that a check gives the same answer every day: years before ${releaseYear}, the year this lakec ` +
    'was released, are past (a newer lakec moves that year). Fix the date, or the years, or remove the peak.',
  example: 'peak "cron(0 6 31 2 ? *)" for 2 hours at 16 kpu',
  fixed: 'peak "cron(0 6 L 2 ? *)" for 2 hours at 16 kpu',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const peak of ds.scaling?.peaks ?? []) {
        const s = cronSchedule(peak.cron.value);
        if (s === undefined) continue; // LAKE5003 reports an invalid cron
        if (!firingDays(s, releaseYear, lastCronYear).next().done) continue;
        // Fired once, in years before this release? Otherwise its dates never exist.
        let last: number | undefined;
        for (const d of firingDays(s, 1970, releaseYear - 1)) last = d.year;
        const text = `"${peak.cron.value}"`;
        if (last !== undefined) {
          report(peak.cron.span, `the cron ${text} fired for the last time in ${last}: its years are all before ${releaseYear}, so this peak never scales anything again`,
            `give it the years to come (* for every year), or remove the peak`);
        } else {
          report(peak.cron.span, `the cron ${text} never fires: no month of its years has the day it names`,
            'February has 28 days (29 in leap years) and April, June, September and November 30; L is the last day of the month');
        }
      }
    }
  },
};
