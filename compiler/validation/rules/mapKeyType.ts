import { typeText } from '../../semantic/types.ts';
import type { Rule } from '../rule.ts';
import { walkColumnTypes } from '../typeWalk.ts';

/** Hive and Athena map keys are primitive; Iceberg map keys are always required. */
export const mapKeyType: Rule = {
  code: 'LAKE2003',
  severity: 'error',
  title: 'invalid map key',
  description:
    'A `map<K, V>` key must be a primitive type (`string`, `int`, `long`, `date`, ...): Glue and Athena cannot key a map by a list, ' +
    'a map or a struct. Iceberg keys are never null, so the key cannot be optional either (the value can: `map<string, long?>`). ' +
    'For compound keys, use a list of structs: `list<struct<key: struct<...>, value: V>>`.',
  example: 'columns {\n  limits  map<list<string>, long>\n  ratings map<string?, int>\n}',
  fixed: 'columns {\n  limits  map<string, long>\n  ratings map<string, int>\n}',
  check({ lake, report }) {
    walkColumnTypes(lake.datasets, {
      type(t) {
        if (t.kind !== 'map') return;
        const key = t.key.type;
        if (key.kind === 'list' || key.kind === 'map' || key.kind === 'struct') {
          report(
            key.span,
            `a map key must be a primitive type, found ${typeText(key)}`,
            `key the map by a string or number, or use a list of entries: list<struct<key: ${typeText(key)}, value: ${typeText(t.value.type)}>>`,
          );
        } else if (t.key.optional && key.kind !== 'unknown') {
          const text = typeText(key);
          const exact = key.kind === 'primitive' || (Number.isInteger(key.precision) && Number.isInteger(key.scale));
          report(
            key.span,
            `a map key cannot be optional: ${text}? in ${typeText(t)}`,
            `map keys are never null; write map<${text}, ...> (the value may be optional)`,
            exact ? [{ title: `Change to ${text}`, span: key.span, text }] : undefined,
          );
        }
      },
    });
  },
};
