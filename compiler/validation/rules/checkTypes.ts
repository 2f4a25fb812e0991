import type { Rule } from '../rule.ts';
import { exprTypeProblems } from '../exprTypes.ts';

export const checkTypes: Rule = {
  code: 'LAKE2008',
  severity: 'error',
  title: 'type error in a check',
  description:
    'A `@check(...)` condition must compare values of the same kind: number columns with numbers, string columns with strings, ' +
    'dates and timestamps with each other or with ISO strings (`"2024-01-31"`, `"2024-01-31T18:30:00Z"`), booleans with `true` or ' +
    '`false` using `=` or `<>` only. A check may refer to any column of its dataset. List, map and struct columns can only be tested ' +
    'with `is null`; `= null` is never true (write `is null`); and the whole check, like each side of `and`, `or` and `not`, must be a ' +
    'condition rather than a bare value. Checks run on every event in the stream processor; a failing event goes to the dead-letter output.',
  example:
    'columns {\n  side     string         @check(side in ("BUY", "SELL", 1))\n  quantity decimal(18, 4) @check(quantity > "0")\n  ' +
    'active   boolean        @check(active > false)\n}',
  fixed:
    'columns {\n  side     string         @check(side in ("BUY", "SELL"))\n  quantity decimal(18, 4) @check(quantity > 0)\n  ' +
    'active   boolean        @check(active = true)\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const c of ds.columns) {
        for (const check of c.checks) {
          for (const p of exprTypeProblems(check.expr, ds, { quote: '"' })) report(p.span, p.message, p.hint, p.fixes === undefined ? undefined : [...p.fixes]);
        }
      }
    }
  },
};
