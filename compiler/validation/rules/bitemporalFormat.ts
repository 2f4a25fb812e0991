import type { Rule } from '../rule.ts';

/** History is written with row-level upserts, which only Iceberg offers. */
export const bitemporalFormat: Rule = {
  code: 'LAKE3005',
  severity: 'error',
  title: 'bi-temporal dataset not stored as Iceberg',
  description:
    'Applying a correction closes existing rows (sets their `system_to`) and adds new ones: a ' +
    'row-level upsert on `(key, valid_from, system_from)`. Only Iceberg tables (format v2 with ' +
    'identifier fields) support that; `parquet` and `json` files can only be appended to. ' +
    'Store bi-temporal datasets as `iceberg` (the default).',
  example: 'dataset trades in curated {\n  from   stream trade_events\n  format = parquet\n  ...\n  bitemporal { valid = valid_from .. valid_to; system = recorded_at }\n}',
  fixed: 'dataset trades in curated {\n  from   stream trade_events\n  format = iceberg\n  ...\n  bitemporal { valid = valid_from .. valid_to; system = recorded_at }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.bitemporal === undefined || ds.format.defaulted || ds.format.value === 'iceberg') continue;
      report(
        ds.format.span,
        `the bi-temporal dataset '${ds.name}' is stored as ${ds.format.value}: its history needs row-level upserts, which only Iceberg tables support`,
        'store it as iceberg (the default), or remove the bitemporal block to keep an append-only table',
        [{ title: 'Change the format to iceberg', span: ds.format.span, text: 'iceberg' }],
      );
    }
  },
};
