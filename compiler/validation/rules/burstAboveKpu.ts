import type { Fix } from '../../diagnostics/diagnostic.ts';
import { checkpointIntervalSeconds, flinkRecordsPerKpuSecond } from '../../model/capacity.ts';
import type { Located } from '../../semantic/symbols.ts';
import type { Rule } from '../rule.ts';
import { formatCount } from '../spans.ts';
import { defaultMaxKpu } from './kpuQuota.ts';

/**
 * A burst the dataset's Flink application cannot turn into queryable rows within the freshness,
 * at the per-KPU throughput lakec sizes with (compiler/model/capacity.ts, measured by the Flink
 * benchmark). The burst arrives at R / W records/s for W seconds; the application processes C =
 * KPU x 7,500 records/s, so its last record is processed at R / C seconds and committed up to one
 * checkpoint interval later: it waits R / C - W + 60 s. The KPU is the largest the scaling
 * block reaches (the spec does not say when the burst comes, so the check assumes the largest
 * peak covers it: the kindest reading, which keeps the warning to bursts no schedule can carry).
 * A warning: the figure is a measurement on one workload, and the real rate is an account's.
 */
export const burstAboveKpu: Rule = {
  code: 'LAKE5011',
  severity: 'warning',
  title: 'burst the Flink application cannot process in time',
  description:
    "A dataset fed by a stream and stored as Iceberg runs as a Managed Flink application sized by its " +
    '`scaling` block (1 KPU without one). lakec sizes an application at ' +
    `${formatCount(flinkRecordsPerKpuSecond)} records/s per KPU, measured with the generated job ` +
    '(docs/build.md, "Sizing the Flink application"). A `burst = N records within D` arriving faster ' +
    'than that builds a backlog: the last record of the burst is processed N / capacity seconds after ' +
    `the burst began and becomes queryable at the next commit (up to ${checkpointIntervalSeconds} s later). ` +
    'When that is beyond the `freshness`, the application is too small for the SLA. The check takes the ' +
    'largest KPU the scaling block reaches, assuming the peak covers the burst; a freshness within one ' +
    'commit interval is LAKE5008, and a dataset without a freshness has no deadline to miss.',
  example: 'sla {\n  burst     = 60_000_000 records within 5 minutes\n  freshness = 8 minutes\n}\nscaling {\n  baseline = 1 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 1 hour at 8 kpu\n}',
  fixed: 'sla {\n  burst     = 60_000_000 records within 5 minutes\n  freshness = 8 minutes\n}\nscaling {\n  baseline = 1 kpu\n  peak "cron(0 20 ? * MON-FRI *)" for 1 hour at 12 kpu\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const burst = ds.sla?.burst;
      const freshness = ds.sla?.freshness;
      // Only datasets with a Flink application: fed by a stream, stored as Iceberg.
      if (burst === undefined || freshness === undefined || ds.source === undefined || ds.format.value !== 'iceberg') continue;
      // A stream that does not exist is LAKE1003's to report.
      if (lake.scope.stream.get(ds.source.value.stream.value) === undefined) continue;
      const f = freshness.value.seconds;
      if (f <= checkpointIntervalSeconds) continue;
      const { records, within } = burst.value;
      const w = within.seconds;
      if (records <= 0 || w <= 0) continue;
      // The largest KPU the application reaches, and where the spec says it.
      let largest: Located<number> | undefined = ds.scaling?.baseline;
      for (const p of ds.scaling?.peaks ?? []) if (largest === undefined || p.kpu.value > largest.value) largest = p.kpu;
      const kpu = largest?.value ?? 1;
      if (kpu <= 0) continue;
      const capacity = kpu * flinkRecordsPerKpuSecond;
      const processed = records / capacity;
      const waits = processed - w + checkpointIntervalSeconds;
      if (waits <= f) continue;
      const needed = Math.ceil(records / (flinkRecordsPerKpuSecond * (f + w - checkpointIntervalSeconds)));
      const rate = Math.ceil(records / w);
      const sized = largest === undefined
        ? 'on 1 kpu (it has no scaling block)'
        : `at its largest scaling, ${formatCount(kpu)} kpu,`;
      const fresh = freshness.value.text === `${f} seconds` ? freshness.value.text : `${freshness.value.text} (${formatCount(f)} s)`;
      const quota = needed > defaultMaxKpu ? `; that is above the default quota of ${defaultMaxKpu} kpu per application (LAKE5007): request an increase, or split the burst over a longer time` : '';
      const where = largest === undefined
        ? `add a scaling block (a baseline, or a peak that covers the burst)`
        : ds.scaling!.peaks.length === 0 ? 'raise the baseline' : 'raise the peak that covers the burst';
      const fixes: Fix[] = largest !== undefined
        ? [{ title: `Scale '${ds.name}' to ${formatCount(needed)} kpu`, span: largest.span, text: `${needed} kpu` }]
        : [];
      report(
        burst.span,
        `the burst of ${formatCount(records)} records within ${within.text} (${formatCount(rate)} records/s) outruns the Flink application of '${ds.name}': ${sized} it processes about ${formatCount(capacity)} records/s (${formatCount(flinkRecordsPerKpuSecond)} per KPU), so the burst takes ${formatCount(Math.ceil(processed))} s and its last record is queryable about ${formatCount(Math.ceil(waits))} s after it arrived, beyond the freshness of ${fresh}`,
        `${where}: at least ${formatCount(needed)} kpu (${formatCount(needed)} x ${formatCount(flinkRecordsPerKpuSecond)} = ${formatCount(needed * flinkRecordsPerKpuSecond)} records/s)${quota}, or relax the freshness`,
        fixes,
      );
    }
  },
};
