import { typeText } from '../../semantic/types.ts';
import type { Rule } from '../rule.ts';
import { columnsByName } from '../typeWalk.ts';

/** Key columns become Iceberg identifier fields: required, primitive, not float or double. */
export const keyColumnType: Rule = {
  code: 'LAKE2009',
  severity: 'error',
  title: 'invalid key column',
  description:
    'The columns of `key (...)` become the Iceberg table\'s identifier fields, which upserts and bi-temporal history match rows on. ' +
    'Iceberg requires identifier fields to be required (not `T?`), of a primitive type (not a list, map or struct), and not `float` ' +
    'or `double`, whose rounding makes equal values compare unequal. Use a `decimal`, `long` or `string` for numeric identifiers.',
  example: 'columns {\n  trade_id string?\n  price    double\n}\nkey (trade_id, price)',
  fixed: 'columns {\n  trade_id string\n  price    decimal(18, 6)\n}\nkey (trade_id)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.key === undefined) continue;
      const columns = columnsByName(ds);
      const reported = new Set<string>();
      for (const k of ds.key.value) {
        const column = columns.get(k.value);
        if (column === undefined || reported.has(column.name)) continue;
        reported.add(column.name);
        const t = column.type;
        if (t.kind === 'list' || t.kind === 'map' || t.kind === 'struct') {
          report(k.span, `the key column '${column.name}' is a ${t.kind} (${typeText(t)}); key columns must have a primitive type`, 'key the dataset by primitive columns, such as an id string');
          continue;
        }
        if (t.kind === 'primitive' && (t.name === 'float' || t.name === 'double')) {
          report(
            k.span,
            `the key column '${column.name}' is a ${t.name}; Iceberg identifier fields cannot be float or double`,
            `declare '${column.name}' as a decimal (exact) or long, or key the dataset by another column`,
          );
          continue;
        }
        if (column.optional) {
          const required = typeText(t);
          const exact = t.kind === 'primitive' || (t.kind === 'decimal' && Number.isInteger(t.precision) && Number.isInteger(t.scale));
          report(
            k.span,
            `the key column '${column.name}' is optional (${required}?); key columns must be required`,
            `declare it required ('${column.name} ${required}'): an event without a key cannot be stored`,
            exact ? [{ title: `Make '${column.name}' required`, span: column.typeSpan, text: required }] : undefined,
          );
        }
      }
    }
  },
};
