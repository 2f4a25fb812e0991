import { keywordSpan, writtenItems } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * Only the generated stream processor applies the bi-temporal rules. A warning, not an error:
 * an external writer may maintain the history itself (a migrated bi-temporal table), and the
 * catalog entry with `system_from`/`system_to` is still valid; lakec just cannot vouch for it.
 */
export const bitemporalWithoutStream: Rule = {
  code: 'LAKE3007',
  severity: 'warning',
  title: 'bi-temporal dataset without a stream',
  description:
    'The history of a bi-temporal dataset (closing corrected rows, `system_from` and `system_to`) ' +
    'is maintained by the stream processor lakec generates for `from stream`. An external ' +
    'dataset (no `from`) is written by other tools, which lakec cannot make follow the bi-temporal ' +
    'rules: the table is cataloged with its history columns, but nothing lakec builds fills them. ' +
    'This is a warning because an external writer may apply the same rules itself; if none does, ' +
    'add `from stream` or remove the `bitemporal` block.',
  example: 'dataset positions in curated {\n  format = iceberg\n  columns { ... }\n  key (account_id)\n  bitemporal { valid = valid_from .. valid_to; system = ingestion }\n}',
  fixed: 'dataset positions in curated {\n  from   stream position_events\n  format = iceberg\n  columns { ... }\n  key (account_id)\n  bitemporal { valid = valid_from .. valid_to; system = ingestion }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.bitemporal === undefined || ds.source !== undefined || ds.hasSyntaxErrors) continue;
      if (writtenItems(lake, ds).has('from')) continue;
      report(
        keywordSpan(ds.bitemporal.span, 'bitemporal'),
        `the bi-temporal dataset '${ds.name}' has no 'from stream': no generated processor maintains its history`,
        'add the stream that feeds it (from stream NAME); keep it external only if its writer applies the bi-temporal rules itself',
      );
    }
  },
};
