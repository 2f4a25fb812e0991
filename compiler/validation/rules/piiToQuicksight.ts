import type { Fix } from '../../diagnostics/diagnostic.ts';
import { grantedColumns, grantsRead } from '../grantColumns.ts';
import { columnNamed, nameList, pointSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

const pii = 'pii';

/** Dashboards are shared widely: personal data should not reach a QuickSight persona. */
export const piiToQuicksight: Rule = {
  code: 'LAKE6102',
  severity: 'warning',
  title: 'personal data granted to a QuickSight persona',
  description:
    'A persona with `quicksight` access builds dashboards, which are shared with people the grant ' +
    'never names. A column labelled `@pii` that such a persona can select ends up in those ' +
    'dashboards. Exclude the personal columns (`except @pii`, or a column list without them); ' +
    'if the persona truly needs them, give the access through a separate persona without ' +
    '`quicksight`. Only the classification named `pii` triggers this warning.',
  example: 'persona business_users {\n  access   = [quicksight]\n  identity = sso_group "Business"\n}\n\ngrant select on trades to business_users',
  fixed: 'persona business_users {\n  access   = [quicksight]\n  identity = sso_group "Business"\n}\n\ngrant select on trades except @pii to business_users',
  check({ lake, report }) {
    if (!lake.scope.classification.has(pii)) return;
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || g.persona === undefined || !grantsRead(g.privileges)) continue;
      const persona = lake.scope.persona.get(g.persona.value);
      if (persona === undefined || !persona.access.some((a) => a.value === 'quicksight')) continue;
      const ds = lake.scope.dataset.get(t.dataset.value);
      if (ds === undefined) continue;
      const isPii = (name: string): boolean => columnNamed(ds, name)?.classifications.some((l) => l.value === pii) === true;
      const who = `'${persona.name}', who uses QuickSight`;
      if (t.columns !== undefined) {
        // Point at each personal column in the list; the fix removes it with its comma.
        const list = t.columns;
        list.forEach((c, i) => {
          if (!isPii(c.value)) return;
          const fixes: Fix[] = [];
          if (list.length > 1) {
            const span = i > 0
              ? { file: c.span.file, start: list[i - 1]!.span.end, end: c.span.end }
              : { file: c.span.file, start: c.span.start, end: list[i + 1]!.span.start };
            fixes.push({ title: `Remove '${c.value}' from the column list`, span, text: '' });
          }
          report(c.span, `the @pii column '${ds.name}.${c.value}' is granted to ${who}`,
            'dashboards are shared widely: leave personal columns out of grants to QuickSight personas', fixes);
        });
        continue;
      }
      const exposed = grantedColumns(ds, t).filter((c) => c.classifications.some((l) => l.value === pii)).map((c) => c.name);
      if (exposed.length === 0) continue;
      const fixes: Fix[] = [];
      if (t.selectionSpan === undefined) {
        fixes.push({ title: 'Exclude the @pii columns', span: pointSpan(t.dataset.span.file, t.dataset.span.end), text: ' except @pii' });
      } else if (t.exceptColumns !== undefined && t.exceptColumns.length > 0) {
        const last = t.exceptColumns[t.exceptColumns.length - 1]!;
        fixes.push({ title: 'Exclude the @pii columns too', span: pointSpan(last.span.file, last.span.end), text: exposed.map((n) => `, ${n}`).join('') });
      }
      report(
        t.dataset.span,
        `the grant gives ${who}, the @pii ${exposed.length === 1 ? 'column' : 'columns'} ${nameList(exposed)} of '${ds.name}'`,
        t.selectionSpan === undefined
          ? `exclude ${exposed.length === 1 ? 'it' : 'them'}: grant select on ${ds.name} except @pii to ${persona.name}`
          : 'dashboards are shared widely: leave personal columns out of grants to QuickSight personas',
        fixes,
      );
    }
  },
};
