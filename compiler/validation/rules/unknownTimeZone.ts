import { checkTimeZone } from '../timeZone.ts';
import type { Rule } from '../rule.ts';

/** `peak "CRON" in "ZONE"`: the zone must be one EventBridge Scheduler knows (see ../timeZone.ts). */
export const unknownTimeZone: Rule = {
  code: 'LAKE5020',
  severity: 'error',
  title: 'unknown time zone',
  description:
    'A scaling peak may name the time zone its cron is read in: `peak "CRON" in "America/New_York" ' +
    'for D at N kpu`. EventBridge Scheduler then follows that zone\'s daylight saving time, so a peak ' +
    'at the US market close stays at 16:00 New York time all year. The name must be one of the IANA ' +
    'time zone database (`America/New_York`, `Europe/London`, `Asia/Tokyo`, `UTC`), spelled with its ' +
    'case: the service reads names case-sensitively. Abbreviations such as `EST` or `CET` name fixed ' +
    'offsets or are ambiguous; use the city zone. Without `in`, the cron is read in UTC.',
  example: 'peak "cron(0 16 ? * MON-FRI *)" in "America/NewYork" for 30 minutes at 64 kpu',
  fixed: 'peak "cron(0 16 ? * MON-FRI *)" in "America/New_York" for 30 minutes at 64 kpu',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const peak of ds.scaling?.peaks ?? []) {
        const zone = peak.timeZone;
        if (zone === undefined) continue;
        const c = checkTimeZone(zone.value);
        if (c.ok) continue;
        report(
          zone.span,
          c.message,
          c.fixed !== undefined ? `did you mean "${c.fixed}"?` : 'name an IANA time zone such as "America/New_York", "Europe/London" or "UTC"',
          c.fixed !== undefined ? [{ title: `Change to "${c.fixed}"`, span: zone.span, text: JSON.stringify(c.fixed) }] : undefined,
        );
      }
    }
  },
};
