import type { Located, Privilege } from '../../semantic/symbols.ts';
import { isColumnSelection } from '../grantColumns.ts';
import type { Rule } from '../rule.ts';

/** `all` already includes every other privilege; a privilege listed twice adds nothing. */
export const redundantPrivilege: Rule = {
  code: 'LAKE6105',
  severity: 'warning',
  title: 'redundant privilege',
  description:
    '`all` grants every permission of the dataset or zone, so any other privilege next to it ' +
    'adds nothing, and neither does a privilege listed twice. The grant works, but reads as if it ' +
    'meant something narrower: keep `all` alone, or list exactly the privileges intended.',
  example: 'grant all, select on orders to lake_admins',
  fixed: 'grant all on orders to lake_admins',
  check({ lake, report }) {
    for (const g of lake.grants) {
      const privs = g.privileges;
      if (privs.length < 2) continue;
      // `all` on a column selection or row filter is LAKE6004's error.
      if (g.target?.kind === 'dataset' && (isColumnSelection(g.target) || g.where !== undefined) && privs.some((p) => p.value === 'all')) continue;
      const hasAll = privs.some((p) => p.value === 'all');
      const kept: Located<Privilege>[] = [];
      const redundant: { p: Located<Privilege>; why: string }[] = [];
      const seen = new Set<string>();
      for (const p of privs) {
        if (seen.has(p.value)) redundant.push({ p, why: `'${p.value}' is listed twice` });
        else if (hasAll && p.value !== 'all') redundant.push({ p, why: `'${p.value}' is part of 'all'` });
        else kept.push(p);
        seen.add(p.value);
      }
      if (redundant.length === 0) continue;
      const first = privs[0]!.span;
      const last = privs[privs.length - 1]!.span;
      const text = kept.map((p) => p.value).join(', ');
      for (const { p, why } of redundant) {
        report(p.span, `${why}: the grant already gives it`, `write: grant ${text} on ...`,
          [{ title: `Change the privileges to '${text}'`, span: { file: first.file, start: first.start, end: last.end }, text }]);
      }
    }
  },
};
