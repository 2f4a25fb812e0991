import { typeText } from '../../semantic/types.ts';
import type { Rule } from '../rule.ts';
import { columnsByName } from '../typeWalk.ts';

export const optionalPartitionColumn: Rule = {
  code: 'LAKE2006',
  severity: 'error',
  title: 'partition on an optional column',
  description:
    'A partition column must be required. Rows without a value all land in one null partition, which grows without bound and ' +
    'which a query filtering on the column cannot skip; an event that lacks the field is better sent to the dead-letter output ' +
    'than hidden there. Partition by a required column, or make this one required (drop the `?`) if every event carries it.',
  example: 'columns {\n  venue string?\n}\npartition by identity(venue)',
  fixed: 'columns {\n  venue string\n}\npartition by identity(venue)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.partitions.length === 0) continue;
      const columns = columnsByName(ds);
      for (const p of ds.partitions) {
        const column = columns.get(p.column.value);
        if (column === undefined || !column.optional) continue;
        const required = typeText(column.type);
        const exact = column.type.kind === 'primitive' || (column.type.kind === 'decimal' && Number.isInteger(column.type.precision) && Number.isInteger(column.type.scale));
        report(
          p.column.span,
          `'${column.name}' is optional (${required}?) and cannot be a partition column`,
          `declare it required ('${column.name} ${required}') or partition by a required column`,
          exact ? [{ title: `Make '${column.name}' required`, span: column.typeSpan, text: required }] : undefined,
        );
      }
    }
  },
};
