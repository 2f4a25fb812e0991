import type { Located } from '../../semantic/symbols.ts';
import type { Rule } from '../rule.ts';

/**
 * Managed Service for Apache Flink: "The maximum KPUs for an application is 64 by default, and
 * can be increased by requesting a limit increase" (ParallelismConfiguration, API reference).
 * A quota, not a hard limit: a warning.
 */
export const defaultMaxKpu = 64;

export const kpuQuota: Rule = {
  code: 'LAKE5007',
  severity: 'warning',
  title: 'KPU above the default application quota',
  description:
    `Managed Service for Apache Flink runs an application on at most ${defaultMaxKpu} KPU by default ` +
    '(1 KPU is 1 vCPU and 4 GB of memory). A `baseline` or `peak` above that fails when the ' +
    'scaling schedule applies it, unless the quota was raised for the account. Request the ' +
    'increase in Service Quotas before deploying, or size the application within the default.',
  example: 'scaling {\n  baseline = 8 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 96 kpu\n}',
  fixed: 'scaling {\n  baseline = 8 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 64 kpu\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const s = ds.scaling;
      if (s === undefined) continue;
      const sizes: [string, Located<number>][] = [];
      if (s.baseline !== undefined) sizes.push(['the baseline', s.baseline]);
      for (const p of s.peaks) sizes.push([`the peak "${p.cron.value}"`, p.kpu]);
      for (const [what, kpu] of sizes) {
        if (kpu.value <= defaultMaxKpu) continue;
        report(
          kpu.span,
          `${what} of '${ds.name}' asks for ${kpu.value} kpu, above the default Managed Flink quota of ${defaultMaxKpu} kpu per application`,
          `request a quota increase for Managed Service for Apache Flink before deploying, or stay within ${defaultMaxKpu} kpu`,
        );
      }
    }
  },
};
