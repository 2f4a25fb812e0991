import { checkpointIntervalSeconds } from '../../model/capacity.ts';
import type { Rule } from '../rule.ts';
import { formatCount } from '../spans.ts';

/** A row is queryable at the commit after it is processed: a freshness within one commit interval cannot be met. */
export const freshnessBelowCommitInterval: Rule = {
  code: 'LAKE5008',
  severity: 'warning',
  title: 'freshness the processors cannot deliver',
  description:
    'A dataset\'s `freshness` is the longest time from an event\'s arrival in the stream to its row ' +
    'being queryable. The processors make rows queryable when they commit to Iceberg, and they ' +
    `commit at each checkpoint: every ${checkpointIntervalSeconds} seconds (the default of Managed Service ` +
    'for Apache Flink, and of the local runtime). A row processed just after a commit waits for the ' +
    'next one, so a freshness of one commit interval or less is missed by design, before reading, ' +
    'processing and committing add their share. Ask for at least two intervals (2 minutes); the ' +
    'freshness alarm then watches the stream\'s iterator age against the freshness less one interval.',
  example: 'sla {\n  freshness = 30 seconds\n}',
  fixed: 'sla {\n  freshness = 2 minutes\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const f = ds.sla?.freshness;
      // Without a stream there is no processor (LAKE5006 says so).
      if (f === undefined || ds.source === undefined || f.value.seconds > checkpointIntervalSeconds) continue;
      report(f.span,
        `a freshness of ${f.value.text} (${formatCount(f.value.seconds)} s) cannot be met: rows become queryable at Iceberg commits, every ${checkpointIntervalSeconds} s, so a row can wait ${checkpointIntervalSeconds} s for its commit alone`,
        `ask for at least ${2 * checkpointIntervalSeconds / 60} minutes (two commit intervals: one to wait for the commit, one for reading, processing and committing)`,
        [{ title: `Change to ${2 * checkpointIntervalSeconds / 60} minutes`, span: f.span, text: `${2 * checkpointIntervalSeconds / 60} minutes` }]);
    }
  },
};
