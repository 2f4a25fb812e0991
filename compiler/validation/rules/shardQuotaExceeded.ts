import { shardQuota } from '../../model/capacity.ts';
import { formatCount } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** The account's default Kinesis shard quota per region (capacity.ts). A quota can be raised: a warning. */
export const shardQuotaExceeded: Rule = {
  code: 'LAKE5005',
  severity: 'warning',
  title: 'shards above the default account quota',
  description:
    'An AWS account may run a limited number of provisioned Kinesis shards per region by default: ' +
    '500 in us-east-1, us-west-2 and eu-west-1, 200 elsewhere, for all its streams together. A ' +
    "stream (or the lake's streams together) above that quota fails to deploy until AWS raises " +
    'it. This is a warning, since the quota can be raised: request the increase in Service Quotas ' +
    '(Kinesis Data Streams, shards per Region) before deploying.',
  example: 'lake shop { region = "eu-central-1" }\n\nstream orders {\n  shards = 256\n}',
  fixed: 'lake shop { region = "eu-central-1" }\n\nstream orders {\n  shards = on_demand\n}',
  check({ lake, report }) {
    const region = lake.lakes[0]?.region?.value;
    if (region === undefined) return;
    const quota = shardQuota(region);
    let total = 0;
    let reportedTotal = false;
    for (const stream of lake.streams) {
      const c = stream.capacity;
      if (c === undefined || c.value.mode !== 'provisioned' || lake.scope.stream.get(stream.name) !== stream) continue;
      total += c.value.shards;
      if (c.value.shards > quota) {
        reportedTotal = true;
        report(
          c.span,
          `the stream '${stream.name}' provisions ${formatCount(c.value.shards)} shards, above the default quota of ${formatCount(quota)} shards per account in ${region}`,
          'request a Kinesis shard quota increase (Service Quotas) before deploying, or use fewer shards',
        );
      } else if (total > quota && !reportedTotal) {
        reportedTotal = true;
        report(
          c.span,
          `with the stream '${stream.name}', the lake provisions ${formatCount(total)} shards, above the default quota of ${formatCount(quota)} shards per account in ${region}`,
          'request a Kinesis shard quota increase (Service Quotas) before deploying, or use fewer shards',
        );
      }
    }
  },
};
