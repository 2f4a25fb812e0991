import type { Span } from '../../diagnostics/diagnostic.ts';
import { typeText } from '../../semantic/types.ts';
import type { ColumnSymbol } from '../../semantic/symbols.ts';
import { columnNamed, isTimestampType, questionMarkSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** `valid = FROM .. TO` names two distinct timestamp columns of one type, FROM required. */
export const validTimeColumns: Rule = {
  code: 'LAKE3002',
  severity: 'error',
  title: 'invalid valid-time column',
  description:
    'The two columns of `valid = FROM .. TO` hold the interval during which a row is true in the ' +
    'world. Both must be `timestamp` or `timestamptz` (the same one: the processor compares them), ' +
    'they must be two different columns, and `FROM` must be required: every version of a fact ' +
    'starts somewhere. (Only `TO` is optional: null means "still true", see LAKE3003.)',
  example:
    'columns {\n  trade_id   string\n  valid_from date\n  valid_to   timestamp?\n  recorded_at timestamp\n}\n' +
    'bitemporal { valid = valid_from .. valid_to; system = recorded_at }',
  fixed:
    'columns {\n  trade_id   string\n  valid_from timestamp\n  valid_to   timestamp?\n  recorded_at timestamp\n}\n' +
    'bitemporal { valid = valid_from .. valid_to; system = recorded_at }',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const bt = ds.bitemporal;
      if (bt?.validFrom === undefined || bt.validTo === undefined) continue;
      if (bt.validFrom.value === bt.validTo.value) {
        report(bt.validTo.span, `'valid = ${bt.validFrom.value} .. ${bt.validTo.value}' uses one column for both ends of the valid-time interval`,
          'name two columns: a required start (valid_from timestamp) and an optional end (valid_to timestamp?)');
        continue;
      }
      const from = columnNamed(ds, bt.validFrom.value);
      const to = columnNamed(ds, bt.validTo.value);
      const fromOk = from === undefined || checkType(from, bt.validFrom.span, 'start');
      const toOk = to === undefined || checkType(to, bt.validTo.span, 'end');
      if (from !== undefined && fromOk && from.optional) {
        report(bt.validFrom.span,
          `the valid-time start '${from.name}' is optional (${typeText(from.type)}?): every version of a fact needs a start`,
          `make it required: ${from.name} ${typeText(from.type)}`,
          [{ title: `Make '${from.name}' required`, span: questionMarkSpan(from), text: '' }]);
      }
      if (from !== undefined && to !== undefined && fromOk && toOk
        && from.type.kind === 'primitive' && to.type.kind === 'primitive' && from.type.name !== to.type.name) {
        report(bt.validTo.span,
          `the valid-time end '${to.name}' is ${to.type.name} but the start '${from.name}' is ${from.type.name}: both ends of the interval must have one type`,
          `declare both as ${from.type.name}`);
      }
    }

    function checkType(c: ColumnSymbol, span: Span, end: 'start' | 'end'): boolean {
      if (isTimestampType(c.type)) return true;
      report(span, `the valid-time ${end} '${c.name}' is ${typeText(c.type)}, not a timestamp`,
        `declare '${c.name}' as timestamp (or timestamptz)${end === 'end' ? ' and optional: timestamp?' : ''}`);
      return false;
    }
  },
};
