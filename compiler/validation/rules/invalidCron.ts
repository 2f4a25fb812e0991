import type { Span } from '../../diagnostics/diagnostic.ts';
import { checkCron } from '../cron.ts';
import type { Rule } from '../rule.ts';

/** `peak "CRON"` must be an EventBridge Scheduler cron expression (see ../cron.ts for the grammar). */
export const invalidCron: Rule = {
  code: 'LAKE5003',
  severity: 'error',
  title: 'invalid cron expression',
  description:
    'A scaling peak starts at each time its cron expression matches. The expression is handed to ' +
    'EventBridge Scheduler, which takes six fields, read in UTC or in the time zone the peak names ' +
    '(`in "America/New_York"`, LAKE5020): ' +
    '`cron(minutes hours day-of-month month day-of-week year)`. Minutes are 0-59, hours 0-23, ' +
    'day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (1 is Sunday), year ' +
    '1970-2199. Fields take `,` lists, `-` ranges, `*` and `/` increments (not day-of-week); ' +
    'exactly one of day-of-month and day-of-week is `?`. Day-of-month also takes `L` (last day), ' +
    '`LW` and `NW` (weekday nearest day N); day-of-week takes `L`, `NL` (last day N of the month) ' +
    'and `N#k` (the k-th day N of the month); these stand alone in their field. The diagnostic ' +
    'points at the offending field.',
  example: 'peak "cron(0 20 * * MON-FRI *)" for 2 hours at 64 kpu',
  fixed: 'peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 64 kpu',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const peak of ds.scaling?.peaks ?? []) {
        const text = peak.cron.value;
        const span = peak.cron.span;
        // Offsets map into the source only when the literal has no escapes: "..." around the value.
        const exact = span.end - span.start === text.length + 2;
        const at = (start: number, end: number): Span => (exact ? { file: span.file, start: span.start + 1 + start, end: span.start + 1 + end } : span);
        for (const p of checkCron(text)) {
          report(
            at(p.start, Math.max(p.end, p.start + 1)),
            `invalid cron expression "${text}": ${p.message}`,
            p.hint ?? 'EventBridge Scheduler takes cron(minutes hours day-of-month month day-of-week year), in UTC unless the peak names a time zone, for instance cron(0 20 ? * MON-FRI *)',
            p.fixed !== undefined ? [{ title: `Change to "${p.fixed}"`, span, text: JSON.stringify(p.fixed) }] : undefined,
          );
        }
      }
    }
  },
};
