import { closest } from '../../diagnostics/suggest.ts';
import type { Rule } from '../rule.ts';

/** A stream that feeds no dataset costs shards and stores events nobody processes. */
export const unreadStream: Rule = {
  code: 'LAKE5004',
  severity: 'warning',
  title: 'stream that no dataset reads',
  description:
    'Each stream becomes a Kinesis data stream that publishers write to. When no dataset reads it ' +
    '(`from stream NAME`), its events expire after the stream retention without reaching the ' +
    'lake, while its shards are billed. Add a dataset that reads it (a raw copy with ' +
    '`raw_payload()` is a common start), or remove the stream.',
  example: 'stream quotes {\n  partition_key = symbol\n  shards        = 4\n}\n// no dataset has: from stream quotes',
  fixed: 'stream quotes {\n  partition_key = symbol\n  shards        = 4\n}\n\ndataset quotes_raw in raw {\n  from   stream quotes\n  format = json\n  columns { symbol string; payload string = raw_payload() }\n}',
  check({ lake, report }) {
    const read = new Set<string>();
    for (const ds of lake.datasets) if (ds.source !== undefined) read.add(ds.source.value.stream.value);
    // `from stream ordres` is LAKE1003's "did you mean 'orders'": do not also call 'orders' unread.
    for (const ref of lake.references) {
      if (ref.kind !== 'stream' || ref.target !== undefined) continue;
      const meant = closest(ref.name, lake.scope.stream.keys());
      if (meant !== undefined) read.add(meant);
    }
    for (const stream of lake.streams) {
      if (read.has(stream.name) || lake.scope.stream.get(stream.name) !== stream) continue;
      report(
        stream.nameSpan,
        `no dataset reads the stream '${stream.name}'`,
        `add a dataset with 'from stream ${stream.name}', or remove the stream`,
      );
    }
  },
};
