import { typeText } from '../../semantic/types.ts';
import { columnNamed, isTimestampType, questionMarkSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** `system = COL` names a required timestamp column. */
export const systemTimeColumn: Rule = {
  code: 'LAKE3004',
  severity: 'error',
  title: 'invalid system-time column',
  description:
    'With `system = COL`, the column is the system time of each event: when the producer ' +
    'recorded it, which becomes `system_from` of the rows it adds. It must be a `timestamp` or ' +
    '`timestamptz`, and required: an event without a system time cannot be placed in the history. ' +
    'When the producer has no such field, write `system = ingestion` to use the arrival time.',
  example: 'columns {\n  recorded_at timestamp?\n}\nbitemporal { valid = valid_from .. valid_to; system = recorded_at }',
  fixed: 'columns {\n  recorded_at timestamp\n}\nbitemporal { valid = valid_from .. valid_to; system = recorded_at }',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const sys = ds.bitemporal?.system;
      if (sys === undefined || sys.value.kind !== 'column') continue;
      const col = columnNamed(ds, sys.value.column);
      if (col === undefined) continue;
      if (!isTimestampType(col.type)) {
        report(sys.span, `the system-time column '${col.name}' is ${typeText(col.type)}, not a timestamp`,
          `declare '${col.name}' as timestamp (or timestamptz), or use the arrival time: system = ingestion`);
      } else if (col.optional) {
        report(sys.span, `the system-time column '${col.name}' is optional (${typeText(col.type)}?): every event needs a system time`,
          `make it required (${col.name} ${typeText(col.type)}), or use the arrival time: system = ingestion`,
          [{ title: `Make '${col.name}' required`, span: questionMarkSpan(col), text: '' }]);
      }
    }
  },
};
