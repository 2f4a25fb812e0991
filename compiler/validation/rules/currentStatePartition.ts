import { isCurrentState } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * A current-state table is upserted on its key: Iceberg's equality deletes find the row to
 * replace by the identifier fields, and a partitioned table must partition on them (the Flink
 * Iceberg sink refuses upserts otherwise). The same constraint as LAKE3006, on the key alone.
 */
export const currentStatePartition: Rule = {
  code: 'LAKE3011',
  severity: 'error',
  title: 'current-state dataset partitioned outside its key',
  description:
    'A dataset fed by a stream with a `key` and no `bitemporal` block keeps one row per key, ' +
    'written as an Iceberg upsert on the key columns (its identifier fields). Iceberg requires ' +
    'every partition source column of such a table to be one of those fields: when a key\'s row ' +
    'moved to another partition (its `region` changed, say), the delete of the old row would ' +
    'look in the wrong partition and the key would end up with two rows. Partition on the key ' +
    'columns (`bucket(16, member_id)`), or keep every event with an append-only dataset (no key).',
  example: 'dataset members in curated {\n  from stream member_events\n  columns { member_id string; region string }\n  key (member_id)\n  partition by identity(region)\n}',
  fixed: 'dataset members in curated {\n  from stream member_events\n  columns { member_id string; region string }\n  key (member_id)\n  partition by bucket(16, member_id)\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (!isCurrentState(lake, ds) || ds.partitions.length === 0) continue;
      const key = ds.key!.value.map((k) => k.value);
      const names = new Set(ds.columns.map((c) => c.name));
      for (const p of ds.partitions) {
        const col = p.column.value;
        if (key.includes(col) || !names.has(col)) continue;
        report(
          p.span,
          `'${p.transform.value}(${p.width !== undefined ? `${p.width.value}, ` : ''}${col})' partitions '${ds.name}', a table of one row per key, on '${col}', which is not a key column (${key.join(', ')}): a row whose '${col}' changes could not be replaced`,
          `partition on the key instead, for instance bucket(16, ${key[0]})`,
        );
      }
    }
  },
};
