import { isCurrentState } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * A `key` without `bitemporal` on a stream dataset means one row per key (docs/language.md,
 * "key"), which takes row-level upserts. An error rather than a warning: with `parquet` or `json`
 * the Flink job could only append files while the local runtime keeps one row per key, so the
 * same spec would mean two different tables.
 */
export const currentStateFormat: Rule = {
  code: 'LAKE3010',
  severity: 'error',
  title: 'keyed stream dataset not stored as Iceberg',
  description:
    'A dataset fed by a stream with a `key` and no `bitemporal` block is a current-state table: ' +
    'one row per key, each event replacing its key\'s row (an upsert on the key) or removing it ' +
    '(`"op": "delete"`). Replacing a row takes row-level deletes, which only Iceberg tables offer ' +
    '(format v2, with the key as identifier fields); `parquet` and `json` files can only be ' +
    'appended to. Store the dataset as `iceberg` (the default) to keep one row per key, or remove ' +
    'the `key` to keep every event as it arrives (an append-only table, such as a raw copy of the ' +
    'stream). With `bitemporal`, the same upsert need is LAKE3005.',
  example: 'dataset members in curated {\n  from   stream member_events\n  format = json\n  columns { member_id string; tier string }\n  key (member_id)\n}',
  fixed: 'dataset members in curated {\n  from   stream member_events\n  format = iceberg\n  columns { member_id string; tier string }\n  key (member_id)\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (!isCurrentState(lake, ds) || ds.format.defaulted || ds.format.value === 'iceberg') continue;
      const key = ds.key!.value.map((k) => k.value);
      report(
        ds.format.span,
        `'${ds.name}' has a key and no bitemporal block, so it keeps one row per key, upserted as events arrive; ${ds.format.value} files cannot be upserted, only Iceberg tables can`,
        `store it as iceberg (the default) to keep one row per ${key.length === 1 ? key[0] : `(${key.join(', ')})`}, or remove the key to append every event`,
        [{ title: 'Change the format to iceberg', span: ds.format.span, text: 'iceberg' }],
      );
    }
  },
};
