import type { Rule } from '../rule.ts';

/** `except @label` with no labelled column (or `except ()`) excludes nothing. */
export const exceptWithoutEffect: Rule = {
  code: 'LAKE6104',
  severity: 'warning',
  title: 'except that excludes nothing',
  description:
    '`grant ... on DATASET except @label` hides the columns that carry the label. When no column ' +
    'of the dataset carries it (or the list is `except ()`), the grant gives every column: the ' +
    'clause suggests a protection that is not there. Often the label was forgotten on a column ' +
    '(`email string @pii`), or the grant names the wrong label. Written ahead of time, so that ' +
    'a column labelled later stays hidden, the clause is harmless and the warning can be read as ' +
    'a reminder that no column is protected yet.',
  example: 'dataset orders in marts {\n  columns {\n    order_id string\n    email    string\n  }\n}\n\ngrant select on orders except @pii to analysts',
  fixed: 'dataset orders in marts {\n  columns {\n    order_id string\n    email    string @pii\n  }\n}\n\ngrant select on orders except @pii to analysts',
  check({ lake, report }) {
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || t.selectionSpan === undefined) continue;
      const ds = lake.scope.dataset.get(t.dataset.value);
      if (ds === undefined || ds.hasSyntaxErrors) continue;
      const removal = { title: 'Remove the except clause', span: { file: t.selectionSpan.file, start: t.dataset.span.end, end: t.selectionSpan.end }, text: '' };
      if (t.exceptColumns !== undefined && t.exceptColumns.length === 0) {
        report(t.selectionSpan, `'except ()' on '${ds.name}' excludes no column: the grant gives every column`, 'name the columns to hide, or remove the except clause', [removal]);
        continue;
      }
      const label = t.exceptClassification;
      if (label === undefined || !lake.scope.classification.has(label.value)) continue;
      if (ds.columns.some((c) => c.classifications.some((l) => l.value === label.value))) continue;
      report(
        label.span,
        `no column of '${ds.name}' is labelled @${label.value}: 'except @${label.value}' excludes nothing and the grant gives every column`,
        `label the columns to hide with @${label.value}, or remove the except clause`,
        [removal],
      );
    }
  },
};
