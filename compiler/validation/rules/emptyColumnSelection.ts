import { grantedColumns } from '../grantColumns.ts';
import type { Rule } from '../rule.ts';

/** A column-level grant must leave at least one declared column. */
export const emptyColumnSelection: Rule = {
  code: 'LAKE6003',
  severity: 'error',
  title: 'grant with no columns',
  description:
    'A grant with a column list, `except (...)` or `except @label` gives access to the selected ' +
    'columns only. When nothing is left (an empty list, every column excluded, or `except @pii` ' +
    'on a dataset whose every column is `@pii`), Lake Formation has nothing to grant and the ' +
    'persona would see no data: the grant is almost certainly a mistake. On a bi-temporal ' +
    'dataset only the `system_from`/`system_to` columns lakec adds would remain, which is ' +
    'reported the same way. Grant a column list, or drop the grant.',
  example: 'dataset contacts in curated {\n  columns {\n    email string @pii\n    phone string @pii\n  }\n}\n\ngrant select on contacts except @pii to marketing',
  fixed: 'dataset contacts in curated {\n  columns {\n    contact_id string\n    email      string @pii\n    phone      string @pii\n  }\n}\n\ngrant select on contacts except @pii to marketing',
  check({ lake, report }) {
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || t.selectionSpan === undefined) continue;
      const ds = lake.scope.dataset.get(t.dataset.value);
      if (ds === undefined || ds.hasSyntaxErrors || ds.columns.length === 0) continue;
      if (t.exceptClassification !== undefined && !lake.scope.classification.has(t.exceptClassification.value)) continue;
      if (t.exceptColumns !== undefined && t.exceptColumns.length === 0) continue; // `except ()` excludes nothing: LAKE6104
      if (grantedColumns(ds, t).length > 0) continue;
      // A column list of unknown names only is LAKE1003's.
      if (t.columns !== undefined && t.columns.length > 0) continue;
      const rest = ds.bitemporal !== undefined ? ` (only the system_from and system_to columns lakec adds would remain)` : '';
      const how = t.columns !== undefined
        ? 'the column list is empty'
        : t.exceptColumns !== undefined
          ? `'except (...)' excludes all ${ds.columns.length} columns of '${ds.name}'`
          : `every column of '${ds.name}' is labelled @${t.exceptClassification!.value}, so 'except @${t.exceptClassification!.value}' excludes all ${ds.columns.length}`;
      report(t.selectionSpan, `the grant on '${ds.name}' selects no column: ${how}${rest}`,
        'grant a list of the columns the persona needs, or remove the grant');
    }
  },
};
