import { keywordSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * `maintenance` schedules Athena `OPTIMIZE` and `VACUUM`, which exist for Iceberg tables only.
 * A code of its own (not LAKE5006's): the cause and the repair are about the table format.
 */
export const maintenanceWithoutIceberg: Rule = {
  code: 'LAKE4003',
  severity: 'error',
  title: 'maintenance on a table that is not Iceberg',
  description:
    '`maintenance` schedules Iceberg table upkeep: compaction (`OPTIMIZE ... REWRITE DATA`), ' +
    'snapshot expiry and orphan-file removal (`VACUUM`). Athena runs these on Iceberg tables only; ' +
    '`parquet` and `json` datasets have no snapshots to expire or files to compact. Remove the ' +
    'block, or store the dataset as `iceberg`.',
  example: 'dataset customers in conformed {\n  format = parquet\n  ...\n  maintenance { compact = daily }\n}',
  fixed: 'dataset customers in conformed {\n  format = iceberg\n  ...\n  maintenance { compact = daily }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.maintenance === undefined || ds.format.value === 'iceberg') continue;
      report(
        keywordSpan(ds.maintenance.span, 'maintenance'),
        `'maintenance' applies to Iceberg tables, but the dataset '${ds.name}' is stored as ${ds.format.value}`,
        'remove the maintenance block, or store the dataset as iceberg',
      );
    }
  },
};
