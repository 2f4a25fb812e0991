import { keywordSpan, writtenItems } from '../spans.ts';
import type { Rule } from '../rule.ts';

/**
 * `sla` and `scaling` describe the generated stream processor; an external dataset has none.
 * One code for both: the cause (no `from stream`) and the repair are the same.
 */
export const streamingWithoutStream: Rule = {
  code: 'LAKE5006',
  severity: 'error',
  title: 'sla or scaling on a dataset without a stream',
  description:
    '`sla` and `scaling` size and watch the pipeline lakec generates for a dataset with ' +
    '`from stream`: the burst is checked against the stream, freshness becomes alarms on the ' +
    "stream's iterator age, and scaling resizes the dataset's Flink application. A dataset " +
    'without `from` is external: other tools write it and lakec generates no processor, so these ' +
    'blocks would describe nothing. Add the stream, or remove the block (the external writer ' +
    'owns its own service levels).',
  example: 'dataset customers in conformed {\n  format = parquet\n  columns { ... }\n  sla { freshness = 1 hour }\n}',
  fixed: 'dataset customers in conformed {\n  format = parquet\n  columns { ... }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.source !== undefined || ds.hasSyntaxErrors || (ds.sla === undefined && ds.scaling === undefined)) continue;
      // A `from` the binder rejected is reported there already.
      if (writtenItems(lake, ds).has('from')) continue;
      for (const [name, block] of [['sla', ds.sla], ['scaling', ds.scaling]] as const) {
        if (block === undefined) continue;
        report(
          keywordSpan(block.span, name),
          `'${name}' applies to datasets processed from a stream, but '${ds.name}' has no 'from stream': lakec generates no processor for it`,
          `add 'from stream NAME', or remove the ${name} block`,
        );
      }
    }
  },
};
