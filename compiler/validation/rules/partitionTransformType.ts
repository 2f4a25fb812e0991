import type { LakeType, PartitionTransform, PrimitiveName } from '../../semantic/symbols.ts';
import { partitionTransforms, primitiveTypes } from '../../semantic/symbols.ts';
import { typeText } from '../../semantic/types.ts';
import type { Rule } from '../rule.ts';
import { columnsByName } from '../typeWalk.ts';

type Source = PrimitiveName | 'decimal';

/** The source types of each transform, from the Iceberg table spec ("Partition Transforms"). */
export const transformSources: Readonly<Record<PartitionTransform, ReadonlySet<Source>>> = {
  identity: new Set<Source>([...primitiveTypes, 'decimal']),
  bucket: new Set<Source>(['int', 'long', 'decimal', 'date', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary']),
  truncate: new Set<Source>(['int', 'long', 'decimal', 'string', 'binary']),
  year: new Set<Source>(['date', 'timestamp', 'timestamptz']),
  month: new Set<Source>(['date', 'timestamp', 'timestamptz']),
  day: new Set<Source>(['date', 'timestamp', 'timestamptz']),
  hour: new Set<Source>(['timestamp', 'timestamptz']),
};

function sourceOf(t: LakeType): Source | undefined {
  return t.kind === 'primitive' ? t.name : t.kind === 'decimal' ? 'decimal' : undefined;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export const partitionTransformType: Rule = {
  code: 'LAKE2004',
  severity: 'error',
  title: 'partition transform on the wrong type',
  description:
    'Each Iceberg partition transform takes certain column types: `year`, `month` and `day` a `date`, `timestamp` or `timestamptz`; ' +
    '`hour` a `timestamp` or `timestamptz`; `bucket(N, col)` an `int`, `long`, `decimal`, `date`, `timestamp`, `timestamptz`, `string`, ' +
    '`uuid` or `binary`; `truncate(W, col)` an `int`, `long`, `decimal`, `string` or `binary`; `identity` any primitive type. ' +
    'Lists, maps and structs cannot be partitioned. The message names the column, its type and what the transform accepts; ' +
    'the hint lists the transforms that fit the column.',
  example: 'columns {\n  symbol    string\n  trade_day date\n}\npartition by day(symbol), hour(trade_day)',
  fixed: 'columns {\n  symbol    string\n  trade_day date\n}\npartition by day(trade_day), bucket(16, symbol)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.partitions.length === 0) continue;
      const columns = columnsByName(ds);
      for (const p of ds.partitions) {
        const column = columns.get(p.column.value);
        if (column === undefined || column.type.kind === 'unknown') continue;
        const transform = p.transform.value;
        const source = sourceOf(column.type);
        const accepted = transformSources[transform];
        if (source !== undefined && accepted.has(source)) continue;
        const shown = source ?? column.type.kind;
        const fitting = source === undefined ? [] : partitionTransforms.filter((t) => transformSources[t].has(source));
        const usage = (t: PartitionTransform): string => (t === 'bucket' || t === 'truncate' ? `${t}(N, ${column.name})` : `${t}(${column.name})`);
        const fix = transform === 'hour' && source === 'date' ? `day(${column.name})` : undefined;
        report(
          p.span,
          `${transform} cannot partition '${column.name}': it is a ${source === undefined ? typeText(column.type) : shown} column, and ${transform} takes ${transform === 'identity' ? 'a primitive type' : orList([...accepted])}`,
          fitting.length === 0
            ? `a ${shown} column cannot be partitioned; partition by a primitive column`
            : `a ${shown} column can be partitioned by ${orList(fitting.map(usage))}`,
          fix !== undefined ? [{ title: `Change to ${fix}`, span: p.span, text: fix }] : undefined,
        );
      }
    }
  },
};
