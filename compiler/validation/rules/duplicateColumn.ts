import type { Located, PartitionField } from '../../semantic/symbols.ts';
import { typeText } from '../../semantic/types.ts';
import type { Rule, RuleContext } from '../rule.ts';

const timeTransforms = new Set(['year', 'month', 'day', 'hour']);

/**
 * The same column twice where each column may appear once: in a dataset's columns, a struct's
 * fields (reported by the binder with this code), a key, a grant's column list, or the
 * partitioning with the same transform. Iceberg keeps one partition field per column and
 * transform, and one time transform per column ("redundant partition").
 */
export const duplicateColumn: Rule = {
  code: 'LAKE1005',
  severity: 'error',
  title: 'duplicate column',
  description:
    'A column name appears twice where it may appear only once: two columns of a dataset (or two fields of a struct) with the same name, ' +
    'a column listed twice in `key (...)` or in a grant\'s column list or `except (...)`, or a column partitioned twice with the same ' +
    'transform. Iceberg also refuses two time transforms (`year`, `month`, `day`, `hour`) on one column: keep the finest one you need.',
  example:
    'columns {\n  trade_id string\n  price    decimal(18, 6)\n  price    decimal(18, 4)\n}\nkey (trade_id, trade_id)\npartition by day(traded_at), month(traded_at)',
  fixed:
    'columns {\n  trade_id string\n  price    decimal(18, 6)\n}\nkey (trade_id)\npartition by day(traded_at)',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const seen = new Map<string, (typeof ds.columns)[number]>();
      for (const c of ds.columns) {
        const first = seen.get(c.name);
        if (first === undefined) {
          seen.set(c.name, c);
          continue;
        }
        report(
          c.nameSpan,
          `the column '${c.name}' is declared twice in the dataset '${ds.name}'`,
          `the first '${c.name}' is column ${first.index + 1}, of type ${typeText(first.type)}${first.optional ? '?' : ''}; rename or remove one`,
        );
      }
      if (ds.key !== undefined) listedTwice(ds.key.value, (again) => report(again.span, `'${again.value}' is listed twice in the key of '${ds.name}'`, 'list each key column once'));
      partitionedTwice(ds.partitions, report);
    }
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset') continue;
      for (const [list, clause] of [[t.columns, 'column list'], [t.exceptColumns, 'except list']] as const) {
        if (list === undefined) continue;
        listedTwice(list, (again) => report(again.span, `'${again.value}' is listed twice in the grant's ${clause} on '${t.dataset.value}'`, 'list each column once'));
      }
    }
  },
};

function listedTwice(items: readonly Located<string>[], found: (again: Located<string>) => void): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.value)) found(item);
    else seen.add(item.value);
  }
}

function partitionedTwice(fields: readonly PartitionField[], report: RuleContext['report']): void {
  // Iceberg's rule: one field per (source column, transform), all time transforms counting as one.
  const seen = new Map<string, PartitionField>();
  for (const f of fields) {
    const transform = f.transform.value;
    const key = `${f.column.value}\u0000${timeTransforms.has(transform) ? 'time' : transform}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, f);
      continue;
    }
    const column = f.column.value;
    if (first.transform.value === transform) {
      report(f.span, `'${column}' is partitioned twice by ${transform}`, `keep one ${transform} partition on '${column}'`);
    } else {
      report(
        f.span,
        `'${column}' is partitioned by both ${first.transform.value} and ${transform}; Iceberg allows one time transform (year, month, day or hour) per column`,
        `keep one: the finest grain your queries filter on, such as ${transform}(${column}) or ${first.transform.value}(${column})`,
      );
    }
  }
}
