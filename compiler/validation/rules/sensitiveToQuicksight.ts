import type { Fix } from '../../diagnostics/diagnostic.ts';
import type { BoundLake, ColumnSymbol } from '../../semantic/symbols.ts';
import { grantedColumns, grantsRead } from '../grantColumns.ts';
import { columnNamed, listItemRemoval, nameList, pointSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** The sensitive classifications a column carries, in the order written. */
function sensitiveLabels(lake: BoundLake, c: ColumnSymbol): string[] {
  return c.classifications.map((l) => l.value).filter((l) => lake.scope.classification.get(l)?.sensitive === true);
}

const labels = (ls: readonly string[]): string => ls.map((l) => `@${l}`).join(' ');

/** Dashboards are shared widely: sensitive data should not reach a QuickSight persona. */
export const sensitiveToQuicksight: Rule = {
  code: 'LAKE6102',
  severity: 'warning',
  title: 'sensitive data granted to a QuickSight persona',
  description:
    'A persona with `quicksight` access builds dashboards, which are shared with people the grant ' +
    'never names. A column with a sensitive classification that such a persona can select ends up ' +
    'in those dashboards. A classification is sensitive when it says so (`classification phi { ' +
    'sensitive = true }`); `pii` is sensitive unless it says `sensitive = false`. Exclude the ' +
    'sensitive columns (`except @phi`, `except (...)` or a column list without them); if the ' +
    'persona truly needs them, give the access through a separate persona without `quicksight`. ' +
    'A lake that must never let this through makes it an error: `warnings_as_errors = [LAKE6102]` ' +
    'in its `lake` block.',
  example: 'classification phi { sensitive = true }\n\npersona business_users {\n  access   = [quicksight]\n  identity = sso_group "Business"\n}\n\ngrant select on claims to business_users   // claims.diagnosis is @phi',
  fixed: 'classification phi { sensitive = true }\n\npersona business_users {\n  access   = [quicksight]\n  identity = sso_group "Business"\n}\n\ngrant select on claims except @phi to business_users',
  check({ lake, report }) {
    if (![...lake.scope.classification.values()].some((c) => c.sensitive)) return;
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || g.persona === undefined || !grantsRead(g.privileges)) continue;
      const persona = lake.scope.persona.get(g.persona.value);
      if (persona === undefined || !persona.access.some((a) => a.value === 'quicksight')) continue;
      const ds = lake.scope.dataset.get(t.dataset.value);
      if (ds === undefined) continue;
      const who = `'${persona.name}', who uses QuickSight`;
      const hint = 'dashboards are shared widely: leave sensitive columns out of grants to QuickSight personas';
      if (t.columns !== undefined) {
        // Point at each sensitive column in the list; the fix removes it with its comma.
        const list = t.columns;
        list.forEach((c, i) => {
          const col = columnNamed(ds, c.value);
          const found = col === undefined ? [] : sensitiveLabels(lake, col);
          if (found.length === 0) return;
          const fixes: Fix[] = [];
          if (list.length > 1) fixes.push({ title: `Remove '${c.value}' from the column list`, span: listItemRemoval(list, i), text: '' });
          report(c.span, `the sensitive column '${ds.name}.${c.value}' (${labels(found)}) is granted to ${who}`, hint, fixes);
        });
        continue;
      }
      const exposed = grantedColumns(ds, t).filter((c) => sensitiveLabels(lake, c).length > 0);
      if (exposed.length === 0) continue;
      const found = [...new Set(exposed.flatMap((c) => sensitiveLabels(lake, c)))];
      const names = exposed.map((c) => c.name);
      // One label that covers every exposed column: `except @label`; otherwise the columns by name.
      const label = found.find((l) => exposed.every((c) => c.classifications.some((x) => x.value === l)));
      const fixes: Fix[] = [];
      let how: string;
      if (t.selectionSpan === undefined) {
        const text = label !== undefined ? ` except @${label}` : ` except (${names.join(', ')})`;
        fixes.push({ title: label !== undefined ? `Exclude the @${label} columns` : 'Exclude the sensitive columns', span: pointSpan(t.dataset.span.file, t.dataset.span.end), text });
        how = `exclude ${names.length === 1 ? 'it' : 'them'}: grant select on ${ds.name}${text} to ${persona.name}`;
      } else if (t.exceptColumns !== undefined && t.exceptColumns.length > 0) {
        const last = t.exceptColumns[t.exceptColumns.length - 1]!;
        fixes.push({ title: 'Exclude the sensitive columns too', span: pointSpan(last.span.file, last.span.end), text: names.map((n) => `, ${n}`).join('') });
        how = hint;
      } else {
        how = `${hint}; 'except @label' excludes one label: list the columns the persona needs instead`;
      }
      report(t.dataset.span,
        `the grant gives ${who}, the sensitive ${names.length === 1 ? 'column' : 'columns'} ${nameList(names)} (${labels(found)}) of '${ds.name}'`,
        how, fixes);
    }
  },
};
