import type * as A from '../../syntax/ast.ts';
import type { Rule } from '../rule.ts';
import { listItemRemoval, pointSpan } from '../spans.ts';

/** True when the row filter admits only rows with `system_to is null` (a top-level conjunct says so). */
function onlyCurrentRows(e: A.Expr | undefined): boolean {
  if (e === undefined) return false;
  if (e.kind === 'Paren') return onlyCurrentRows(e.inner);
  if (e.kind === 'Logical') return e.op === 'and' && (onlyCurrentRows(e.left) || onlyCurrentRows(e.right));
  return e.kind === 'IsNull' && !e.negated && e.operand.kind === 'ColumnRef' && e.operand.name === 'system_to';
}

/**
 * A bi-temporal table keeps every version of every row; `system_to` (null while a version is
 * current) is the only way to pick the current ones. A column-level grant that leaves it out
 * gives a persona all versions and no way to tell them apart.
 */
export const grantWithoutSystemTo: Rule = {
  code: 'LAKE6108',
  severity: 'warning',
  title: 'grant on a bi-temporal dataset without system_to',
  description:
    'A bi-temporal table stores every version of every row: a correction closes the old version ' +
    '(its `system_to` is set) and adds a new one (`system_to` null while it is current). A persona ' +
    'granted a column list without `system_to` (or `except (..., system_to)`) reads every version ' +
    'and cannot pick the current one: a dashboard that sums `paid_amount` counts each correction ' +
    'again. Add `system_to` to the columns (and `system_from`, to ask what was known when), or ' +
    'give only the current rows with a row filter: `where system_to is null`. Grants on the whole ' +
    'dataset and `except @label` include both system columns.',
  example: 'grant select on claims (claim_id, paid_amount, valid_from, valid_to) to finance',
  fixed: 'grant select on claims (claim_id, paid_amount, valid_from, valid_to, system_to) to finance',
  check({ lake, report }) {
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || onlyCurrentRows(g.where)) continue;
      const ds = lake.scope.dataset.get(t.dataset.value);
      if (ds?.bitemporal === undefined || ds.hasSyntaxErrors) continue;
      const why = `'${ds.name}' keeps every version of each row, and only system_to (null while a version is current) tells the current ones apart`;
      if (t.columns !== undefined && t.columns.length > 0 && !t.columns.some((c) => c.value === 'system_to')) {
        const last = t.columns[t.columns.length - 1]!;
        report(t.selectionSpan ?? t.dataset.span, `the grant on '${ds.name}' leaves out system_to: the persona reads every version of every row and cannot pick the current one`,
          `${why}: add system_to to the columns, or grant only current rows with 'where system_to is null'`,
          [{ title: 'Add system_to to the columns', span: pointSpan(last.span.file, last.span.end), text: ', system_to' }]);
      }
      const excepted = t.exceptColumns ?? [];
      const i = excepted.findIndex((c) => c.value === 'system_to');
      if (i >= 0) {
        const c = excepted[i]!;
        // The fix removes it with its comma; alone in the list, the whole except clause goes.
        const span = excepted.length === 1 ? { file: c.span.file, start: t.dataset.span.end, end: t.selectionSpan!.end } : listItemRemoval(excepted, i);
        report(c.span, `the grant on '${ds.name}' excludes system_to: the persona reads every version of every row and cannot pick the current one`,
          `${why}: keep system_to, or grant only current rows with 'where system_to is null'`,
          [{ title: 'Keep system_to', span, text: '' }]);
      }
    }
  },
};
