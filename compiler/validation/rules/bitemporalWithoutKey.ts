import { keywordSpan, writtenItems } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** A bi-temporal dataset versions rows per business key: without `key` there is nothing to version. */
export const bitemporalWithoutKey: Rule = {
  code: 'LAKE3001',
  severity: 'error',
  title: 'bi-temporal dataset without a key',
  description:
    'A bi-temporal dataset keeps the history of each business key: a correction closes the rows ' +
    'of its key and adds new ones. Without `key (...)` the processor cannot tell which rows an ' +
    'event corrects, and Iceberg has no identifier fields to upsert on. Name the columns that ' +
    'identify one real-world thing (a trade, an order, a device).',
  example:
    'dataset trades in curated {\n  from stream trade_events\n  columns { trade_id string; price decimal(18, 6); valid_from timestamp; valid_to timestamp?; recorded_at timestamp }\n' +
    '  bitemporal { valid = valid_from .. valid_to; system = recorded_at }\n}',
  fixed:
    'dataset trades in curated {\n  from stream trade_events\n  columns { trade_id string; price decimal(18, 6); valid_from timestamp; valid_to timestamp?; recorded_at timestamp }\n' +
    '  key (trade_id)\n  bitemporal { valid = valid_from .. valid_to; system = recorded_at }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.bitemporal === undefined || ds.key !== undefined || ds.hasSyntaxErrors) continue;
      // A `key` the binder rejected is reported there already.
      if (writtenItems(lake, ds).has('key')) continue;
      const candidate = ds.columns.find((c) => !c.optional && /(^id$|_id$)/.test(c.name));
      report(
        keywordSpan(ds.bitemporal.span, 'bitemporal'),
        `the bi-temporal dataset '${ds.name}' has no key: its history is kept per business key`,
        candidate !== undefined ? `add the business key, for instance: key (${candidate.name})` : 'add the business key: key (column, ...)',
      );
    }
  },
};
