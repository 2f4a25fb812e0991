import type { Rule } from '../rule.ts';

/**
 * Iceberg upserts delete by equality on the identifier fields; with a partitioned table every
 * partition source column must be among them (FIELD-NOTES: Glue and Iceberg).
 */
export const bitemporalPartition: Rule = {
  code: 'LAKE3006',
  severity: 'error',
  title: 'bi-temporal dataset partitioned outside its equality fields',
  description:
    'A bi-temporal dataset is written with Iceberg upserts on the equality fields ' +
    '`(key columns, valid-time FROM, system_from)`. Iceberg requires every partition source column ' +
    'of such a table to be one of those fields: a row whose partition value changed could not be ' +
    'found and closed. Partition on the key columns (`bucket(16, trade_id)`), the valid-time `FROM` ' +
    'column (`day(valid_from)`) or the system column; with `system = ingestion`, on the key and ' +
    '`FROM` columns.',
  example:
    'key (trade_id)\nbitemporal { valid = valid_from .. valid_to; system = recorded_at }\npartition by day(valid_from), identity(venue)',
  fixed:
    'key (trade_id)\nbitemporal { valid = valid_from .. valid_to; system = recorded_at }\npartition by day(valid_from), bucket(16, trade_id)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const bt = ds.bitemporal;
      // Without a key, valid time or system time the equality fields are unknown (reported elsewhere).
      if (bt?.validFrom === undefined || bt.system === undefined || ds.key === undefined || ds.partitions.length === 0) continue;
      const allowed: string[] = ds.key.value.map((k) => k.value);
      allowed.push(bt.validFrom.value);
      if (bt.system.value.kind === 'column') allowed.push(bt.system.value.column);
      const allowedSet = new Set(allowed);
      const names = new Set(ds.columns.map((c) => c.name));
      for (const p of ds.partitions) {
        const col = p.column.value;
        if (allowedSet.has(col) || !names.has(col)) continue;
        const fields = [...new Set(allowed)].join(', ') + (bt.system.value.kind === 'ingestion' ? ', system_from' : '');
        report(
          p.span,
          `'${p.transform.value}(${p.width !== undefined ? `${p.width.value}, ` : ''}${col})' partitions the bi-temporal dataset '${ds.name}' on '${col}', which is not among its equality fields (${fields})`,
          `partition on the key columns, the valid-time start or the system column instead, for instance day(${bt.validFrom.value}) or bucket(16, ${ds.key.value[0]?.value ?? 'key'})`,
        );
      }
    }
  },
};
