import type { Rule } from '../rule.ts';

/** A peak scales up for a known burst: below the baseline it would scale down instead. */
export const peakBelowBaseline: Rule = {
  code: 'LAKE5002',
  severity: 'error',
  title: 'scaling peak below the baseline',
  description:
    "`scaling` sizes a dataset's Flink application: `baseline` KPU outside the peaks, and each " +
    '`peak "CRON" for D at N kpu` scales to N KPU when the cron matches and back to the baseline ' +
    'D later. A peak below the baseline would shrink the application right when the burst ' +
    'arrives. Give each peak at least the baseline (1 KPU is 1 vCPU and 4 GB of memory).',
  example: 'scaling {\n  baseline = 8 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 4 kpu\n}',
  fixed: 'scaling {\n  baseline = 8 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 32 kpu\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const baseline = ds.scaling?.baseline;
      if (baseline === undefined) continue;
      for (const peak of ds.scaling!.peaks) {
        if (peak.kpu.value >= baseline.value) continue;
        report(
          peak.kpu.span,
          `the peak "${peak.cron.value}" of '${ds.name}' scales to ${peak.kpu.value} kpu, below its baseline of ${baseline.value} kpu`,
          `a peak scales up: give it at least ${baseline.value} kpu, or lower the baseline`,
        );
      }
    }
  },
};
