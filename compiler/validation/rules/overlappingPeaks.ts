import { cronSchedule, releaseYear, shortestInterval } from '../cron.ts';
import type { Rule } from '../rule.ts';

/** `2 hours`, `90 minutes`, `1 day 2 hours` from minutes. */
export function minutesText(minutes: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [[1440, 'day'], [60, 'hour'], [1, 'minute']];
  let rest = minutes;
  for (const [size, unit] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.join(' ') || '0 minutes';
}

/** `Mon 2026-01-05 20:00 UTC` from minutes since 1970-01-01. */
export function firingText(minutes: number): string {
  const d = new Date(minutes * 60_000);
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A peak that lasts longer than the time to the next firing of its cron: the scale-down of one lands inside the next. */
export const overlappingPeaks: Rule = {
  code: 'LAKE5009',
  severity: 'error',
  title: 'scaling peak longer than the time between its firings',
  description:
    'A scaling `peak "CRON" for D at N kpu` scales the application up at each firing of the cron and back to ' +
    'the baseline D later. When two firings of the cron are closer than D (`cron(0 * * * ? *)` fires every ' +
    'hour; a peak of 2 hours), the scale-down of one peak comes while the next one runs: the application ' +
    'drops to the baseline in the middle of a peak, and every rescale restarts it. The message gives the ' +
    'shortest interval between two firings, with an example. Shorten the peak to at most that interval, ' +
    'or make the cron fire less often (one peak covering the whole busy period).',
  example: 'scaling {\n  baseline = 2 kpu\n  peak "cron(0 * * * ? *)" for 2 hours at 16 kpu\n}',
  fixed: 'scaling {\n  baseline = 2 kpu\n  peak "cron(0 8 * * ? *)" for 10 hours at 16 kpu\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const peak of ds.scaling?.peaks ?? []) {
        const s = cronSchedule(peak.cron.value);
        if (s === undefined) continue; // LAKE5003 reports an invalid cron
        const duration = peak.duration.value.seconds / 60;
        const gap = shortestInterval(s, releaseYear, duration);
        if (gap === undefined || gap.minutes >= duration) continue;
        report(peak.duration.span,
          `the peak lasts ${peak.duration.value.text}, but its cron fires again ${minutesText(gap.minutes)} later (${firingText(gap.first)}, then ${firingText(gap.second)}): the scale-down of one peak comes during the next`,
          `make the peak at most ${minutesText(gap.minutes)}, or let the cron fire less often`);
      }
    }
  },
};
