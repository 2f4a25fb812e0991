import type { Fix } from '../../diagnostics/diagnostic.ts';
import { perShard, shardQuota, writeCapacity } from '../../model/capacity.ts';
import { formatCount } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * The burst rate against the stream's write capacity, in records per second: exact, since the
 * spec states both numbers. Bytes per second (1 MiB/s per shard) are not checked: the size of an
 * event is not part of the spec (string lengths, optional fields, the raw payload), and an
 * estimate from the column types would make this error depend on a guess. The generated load
 * test measures bytes against the real stream.
 */
export const burstCapacity: Rule = {
  code: 'LAKE5001',
  severity: 'error',
  title: 'burst exceeds the stream capacity',
  description:
    "A dataset's `sla { burst = N records within D }` is the largest burst its stream must take. " +
    'The rate N / D (records per second, rounded up) must fit the write capacity of the stream the ' +
    'dataset reads: 1,000 records/s per provisioned shard, or 200,000 records/s for an on-demand ' +
    'stream under the default quota. The message gives both numbers and the shard count that ' +
    'fits. Only records per second are checked: the 1 MiB/s per shard byte limit depends on event ' +
    'sizes, which the spec does not state (the generated load test measures them).',
  example: 'stream trade_events {\n  shards = 256\n}\n\ndataset trades in curated {\n  from stream trade_events\n  sla { burst = 150_000_000 records within 5 minutes }\n  ...\n}',
  fixed: 'stream trade_events {\n  shards = 512\n}\n\ndataset trades in curated {\n  from stream trade_events\n  sla { burst = 150_000_000 records within 5 minutes }\n  ...\n}',
  check({ lake, report }) {
    const region = lake.lakes[0]?.region?.value;
    for (const ds of lake.datasets) {
      const burst = ds.sla?.burst;
      const source = ds.source;
      if (burst === undefined || source === undefined) continue;
      const stream = lake.scope.stream.get(source.value.stream.value);
      if (stream === undefined) continue;
      const { records, within } = burst.value;
      const rate = Math.ceil(records / within.seconds);
      const capacity = stream.capacity?.value ?? { mode: 'on_demand' as const };
      const offered = writeCapacity(capacity).recordsPerSecond;
      if (rate <= offered) continue;
      const shards = Math.ceil(rate / perShard.recordsPerSecond);
      const quota = shardQuota(region);
      const offer = capacity.mode === 'provisioned'
        ? `${formatCount(offered)} records/s (${formatCount(capacity.shards)} ${capacity.shards === 1 ? 'shard' : 'shards'} x ${formatCount(perShard.recordsPerSecond)})`
        : `${formatCount(offered)} records/s (the on-demand default write quota${stream.capacity === undefined ? '; the stream sets no shards' : ''})`;
      const quotaNote = shards > quota && region !== undefined
        ? `; that is above the default quota of ${formatCount(quota)} shards in ${region}: request an increase`
        : '';
      const fixes: Fix[] = capacity.mode === 'provisioned' && stream.capacity !== undefined
        ? [{ title: `Provision ${formatCount(shards)} shards for '${stream.name}'`, span: stream.capacity.span, text: String(shards) }]
        : [];
      report(
        burst.span,
        `the burst needs ${formatCount(rate)} records/s (${formatCount(records)} records within ${within.text}) but stream '${stream.name}' offers ${offer}`,
        `provision at least ${formatCount(shards)} shards for '${stream.name}' (${formatCount(shards)} x ${formatCount(perShard.recordsPerSecond)} = ${formatCount(shards * perShard.recordsPerSecond)} records/s)${quotaNote}, or spread the burst over a longer time`,
        fixes,
      );
    }
  },
};
