import { typeText } from '../../semantic/types.ts';
import { columnNamed, pointSpan } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** An open valid-time interval is stored as a null `TO`: the column must accept null. */
export const validToOptional: Rule = {
  code: 'LAKE3003',
  severity: 'error',
  title: 'valid-time end is not optional',
  description:
    'In `valid = FROM .. TO`, a null `TO` means "true until further notice": most facts are open ' +
    'when they arrive, and the processor writes null there. A required `TO` column would turn ' +
    'every open fact into a bad event. Declare it optional with `?`.',
  example: 'columns {\n  valid_from timestamp\n  valid_to   timestamp\n}\nbitemporal { valid = valid_from .. valid_to; system = ingestion }',
  fixed: 'columns {\n  valid_from timestamp\n  valid_to   timestamp?\n}\nbitemporal { valid = valid_from .. valid_to; system = ingestion }',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      const bt = ds.bitemporal;
      if (bt?.validTo === undefined || bt.validFrom?.value === bt.validTo.value) continue;
      const to = columnNamed(ds, bt.validTo.value);
      if (to === undefined || to.optional) continue;
      report(
        bt.validTo.span,
        `the valid-time end '${to.name}' is required (${typeText(to.type)}): an open interval is stored as a null end`,
        `make it optional: ${to.name} ${typeText(to.type)}?`,
        [{ title: `Make '${to.name}' optional`, span: pointSpan(to.typeSpan.file, to.typeSpan.end), text: '?' }],
      );
    }
  },
};
