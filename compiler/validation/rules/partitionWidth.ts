import type { Rule } from '../rule.ts';

/** Iceberg stores bucket counts and truncate widths as 32-bit signed integers. */
export const maxPartitionWidth = 2 ** 31 - 1;

export const partitionWidth: Rule = {
  code: 'LAKE2005',
  severity: 'error',
  title: 'bucket count or truncate width out of range',
  description:
    '`bucket(N, col)` hashes a column into N buckets and `truncate(W, col)` cuts values to width W; both must be a positive whole ' +
    `number that Iceberg can store (1 to ${maxPartitionWidth.toLocaleString('en-US')}). Zero would divide by zero. ` +
    'Within that range the right size depends on the data: each bucket is a partition with its own files, so counts in the tens to ' +
    'low hundreds suit most tables (16 to 64 for a stream written continuously); thousands of buckets leave many small files.',
  example: 'partition by bucket(0, trade_id), truncate(4_000_000_000, account_id)',
  fixed: 'partition by bucket(16, trade_id), truncate(4, account_id)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const p of ds.partitions) {
        const w = p.width;
        if (w === undefined || (Number.isInteger(w.value) && w.value >= 1 && w.value <= maxPartitionWidth)) continue;
        const what = p.transform.value === 'bucket' ? 'bucket count' : 'truncate width';
        report(
          w.span,
          `the ${what} ${w.value} is out of range: ${p.transform.value}(N, ${p.column.value}) needs 1 <= N <= ${maxPartitionWidth}`,
          p.transform.value === 'bucket'
            ? 'pick the number of buckets to hash values into, typically 16 to 64'
            : 'pick the width to truncate to: string length, or the size of number ranges such as 100',
        );
      }
    }
  },
};
