import type { GrantSymbol } from '../../semantic/symbols.ts';
import type * as A from '../../syntax/ast.ts';
import type { Rule } from '../rule.ts';

/** A row filter as a tree, without spans or parentheses: `(a = 'x')` and `a = 'x'` are one filter. */
function filterKey(e: A.Expr): string {
  switch (e.kind) {
    case 'Paren': return filterKey(e.inner);
    case 'Logical': return `(${e.op} ${filterKey(e.left)} ${filterKey(e.right)})`;
    case 'Not': return `(not ${filterKey(e.operand)})`;
    case 'Compare': return `(${e.op} ${filterKey(e.left)} ${filterKey(e.right)})`;
    case 'In': return `(${e.negated ? 'not in' : 'in'} ${filterKey(e.operand)} ${e.values.map(filterKey).join(' ')})`;
    case 'IsNull': return `(${e.negated ? 'is not null' : 'is null'} ${filterKey(e.operand)})`;
    case 'ColumnRef': return e.name;
    case 'Literal': return e.type === 'null' ? 'null' : e.type === 'number' ? String(e.value) : JSON.stringify(`${e.type}:${String(e.value)}`);
    case 'Missing': return '?';
  }
}

const set = (xs: readonly { value: string }[]): string => [...new Set(xs.map((x) => x.value))].sort().join(',');

/** What a grant gives, whatever the order it lists privileges and columns in; undefined for a grant the binder could not read. */
function grantKey(g: GrantSymbol): string | undefined {
  const t = g.target;
  if (t === undefined || g.persona === undefined || g.privileges.length === 0) return undefined;
  const target = t.kind === 'zone'
    ? `zone ${t.zone.value}`
    : `dataset ${t.dataset.value}${t.columns !== undefined ? ` (${set(t.columns)})` : ''}${t.exceptColumns !== undefined ? ` except (${set(t.exceptColumns)})` : ''}${t.exceptClassification !== undefined ? ` except @${t.exceptClassification.value}` : ''}`;
  return `${set(g.privileges)} on ${target} to ${g.persona.value}${g.where !== undefined ? ` where ${filterKey(g.where)}` : ''}`;
}

/** The same grant twice: the second adds nothing and reads as if it meant something else. */
export const repeatedGrant: Rule = {
  code: 'LAKE6107',
  severity: 'warning',
  title: 'repeated grant',
  description:
    'Two grants give the same persona the same privileges on the same target, with the same column ' +
    'selection and row filter (the order of privileges and columns, and parentheses around the filter, ' +
    'do not count). The second one adds nothing: Lake Formation holds the permission once. It is ' +
    'usually a copy left behind by an edit, or a grant meant for another persona, dataset or filter. ' +
    'Remove it, or make it say what was meant.',
  example: 'grant select on orders (order_id, channel) to finance\ngrant select on orders (channel, order_id) to finance',
  fixed: 'grant select on orders (order_id, channel) to finance',
  check({ lake, report, locate }) {
    const first = new Map<string, GrantSymbol>();
    for (const g of lake.grants) {
      const key = grantKey(g);
      if (key === undefined) continue;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, g);
        continue;
      }
      report(g.span, `this grant repeats an earlier one: it gives '${g.persona!.value}' nothing more`,
        `the same grant is at ${locate(earlier.span)}; remove this one, or give it the persona, privileges, columns or row filter it was meant to have`,
        [{ title: 'Remove the repeated grant', span: g.span, text: '' }]);
    }
  },
};
