import type { Rule } from '../rule.ts';

/**
 * `dedup_window` sizes the memory of each key's processor state: a warning, because the value
 * is harmless where nothing keeps state per key, but it says the author expected duplicates to
 * be recognized where they are not.
 */
export const dedupWindowWithoutKeyedState: Rule = {
  code: 'LAKE3012',
  severity: 'warning',
  title: 'dedup_window on a dataset that keeps no state per key',
  description:
    '`dedup_window` sets how many applied events each key remembers, so that the stream processor ' +
    'recognizes a redelivered event. Only datasets fed by a stream with a `key` keep such state ' +
    '(bi-temporal and current-state ones). An append-only dataset (a stream, no key) stores every ' +
    'event, redeliveries included, and an external dataset (no `from stream`) is written by other ' +
    'tools: there the window has no effect. Add the key that identifies a row, or remove the window.',
  example: 'dataset trade_events_raw in raw {\n  from stream trade_events\n  format = json\n  dedup_window = 64\n  columns { payload string = raw_payload() }\n}',
  fixed: 'dataset trade_events_raw in raw {\n  from stream trade_events\n  format = json\n  columns { payload string = raw_payload() }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const w = ds.dedupWindow;
      if (w === undefined || ds.hasSyntaxErrors) continue;
      if (ds.source !== undefined && ds.key !== undefined) continue;
      report(
        w.span,
        ds.source === undefined
          ? `'dedup_window' has no effect on '${ds.name}': it has no 'from stream', so no processor lakec generates writes it`
          : `'dedup_window' has no effect on '${ds.name}': without a key it is append-only and stores every event, redeliveries included`,
        ds.source === undefined ? 'remove it' : 'add the key that identifies a row (key (column, ...)) to keep one row per key, or remove dedup_window',
      );
    }
  },
};
