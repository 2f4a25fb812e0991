import type { Fix, Span } from '../../diagnostics/diagnostic.ts';
import type { ColumnSymbol, DatasetSymbol, SymbolBase } from '../../semantic/symbols.ts';
import { exactTypeText, keptSourcePath, usesNote } from '../rename.ts';
import type { Rule } from '../rule.ts';
import { isReserved } from './reservedWord.ts';
import { walkType } from '../typeWalk.ts';

/** Glue and Athena: database, table and column names of 1 to 255 characters (bytes), lowercase. */
export const glueNameLimit = 255;
/** Lake Formation: an LF-Tag key has at most 128 characters. */
export const lfTagKeyLimit = 128;
/** Kinesis Data Streams: a stream name has at most 128 characters. */
export const streamNameLimit = 128;
/** IAM: a role name has at most 64 characters. */
export const roleNameLimit = 64;

const valid = /^[a-z][a-z0-9_]*$/;

/** `TradeId` -> `trade_id`, `_id` -> `id`, `URL` -> `url`: the name the user most likely meant. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^_+/, '');
}

/**
 * Every name becomes an AWS resource or catalog name: Glue databases (`<lake>_<zone>`), tables
 * and columns, LF-Tags, Kinesis streams and IAM roles. Lowercase letters, digits and
 * underscores, starting with a letter, is the set all of them accept unquoted and unchanged.
 */
export const invalidName: Rule = {
  code: 'LAKE1006',
  severity: 'error',
  title: 'invalid name',
  description:
    'Names become AWS names: a zone becomes the Glue database `<lake>_<zone>`, a dataset a Glue table, columns and struct fields Glue ' +
    'columns, a classification an LF-Tag, a stream a Kinesis stream, a persona an IAM role. Write every name in lowercase letters, ' +
    'digits and underscores, starting with a letter: Athena lowercases names (so `TradeId` and `tradeid` would be the same column) and ' +
    'needs quotes around names that start with an underscore. Lengths: Glue databases, tables and columns up to 255 characters ' +
    '(for a zone, `<lake>_<zone>` counts), classifications up to 128 (LF-Tag keys), streams up to 128, personas up to 64 (IAM role names). ' +
    'For a name in mixed case the diagnostic offers the snake_case spelling.',
  example: 'dataset Trades in curated {\n  columns {\n    TradeId string\n    _source string\n  }\n}',
  fixed: 'dataset trades in curated {\n  columns {\n    trade_id string\n    source   string\n  }\n}',
  check({ lake, report }) {
    /** `symbol`: the declaration (for counting its uses); `column`: a column whose event field must keep being read. */
    const checkName = (
      what: string, name: string, span: Span, limit: number, limitWhy: string,
      renamed?: { symbol?: SymbolBase; column?: { ds: DatasetSymbol; c: ColumnSymbol }; eventField?: boolean },
    ): void => {
      if (name === '') return;
      if (!valid.test(name)) {
        const suggestion = snakeCase(name);
        // A suggestion that is a reserved word would trade this error for LAKE1007.
        const fixable = valid.test(suggestion) && suggestion !== name && !isReserved(suggestion);
        const why = /^_/.test(name)
          ? 'names start with a letter (Athena needs quotes around a leading underscore)'
          : 'names are lowercase (Athena lowercases every name, so names that differ only in case collide)';
        let hint = 'use lowercase letters, digits and underscores, starting with a letter';
        let fix: Fix | undefined;
        if (fixable) {
          hint = `rename it${renamed?.symbol !== undefined ? usesNote(lake, renamed.symbol) : ''} to '${suggestion}'`;
          fix = { title: `Rename to '${suggestion}'`, span, text: suggestion };
          const path = renamed?.column && keptSourcePath(renamed.column.ds, renamed.column.c);
          if (path !== undefined) {
            // The column read `$.<old name>` implicitly: keep reading that event field.
            const { c } = renamed!.column!;
            const type = exactTypeText(c.type, c.optional);
            hint += `; '${suggestion} ${type ?? 'TYPE'} = ${path}' keeps reading the event's '${name}' field`;
            fix = type === undefined ? undefined : { title: `Rename to '${suggestion}' (keeps reading ${path})`, span: { ...span, end: c.typeSpan.end }, text: `${suggestion} ${type} = ${path}` };
          } else if (renamed?.eventField === true) {
            hint += `; the events' field must then be named '${suggestion}' too`;
          }
        }
        report(span, `'${name}' is not a valid ${what} name: ${why}`, hint, fix === undefined ? undefined : [fix]);
      }
      if (name.length > limit) {
        report(span, `the ${what} name '${name.slice(0, 24)}...' has ${name.length} characters; ${limitWhy} at most ${limit}`, 'shorten the name');
      }
    };
    const lakeName = lake.lakes[0]?.name ?? '';
    for (const l of lake.lakes) checkName('lake', l.name, l.nameSpan, glueNameLimit, 'Glue database names have');
    for (const z of lake.zones) {
      checkName('zone', z.name, z.nameSpan, glueNameLimit, 'Glue database names have', { symbol: z });
      const database = `${lakeName}_${z.name}`;
      if (lakeName !== '' && z.name !== '' && lakeName.length <= glueNameLimit && z.name.length <= glueNameLimit && database.length > glueNameLimit) {
        report(
          z.nameSpan,
          `the zone's Glue database '${lakeName}_${z.name}' has ${database.length} characters; Glue database names have at most ${glueNameLimit}`,
          `shorten the zone or lake name by ${database.length - glueNameLimit} character${database.length - glueNameLimit === 1 ? '' : 's'}`,
        );
      }
    }
    for (const c of lake.classifications) checkName('classification', c.name, c.nameSpan, lfTagKeyLimit, 'Lake Formation tag keys have', { symbol: c });
    for (const s of lake.streams) checkName('stream', s.name, s.nameSpan, streamNameLimit, 'Kinesis stream names have', { symbol: s });
    for (const p of lake.personas) checkName('persona', p.name, p.nameSpan, roleNameLimit, 'IAM role names have', { symbol: p });
    for (const ds of lake.datasets) {
      checkName('dataset', ds.name, ds.nameSpan, glueNameLimit, 'Glue table names have', { symbol: ds });
      for (const c of ds.columns) {
        checkName('column', c.name, c.nameSpan, glueNameLimit, 'Glue column names have', { symbol: c, column: { ds, c } });
        walkType(c.type, { field: (f) => checkName('struct field', f.name.value, f.name.span, glueNameLimit, 'Glue column names have', { eventField: ds.source !== undefined }) });
      }
    }
  },
};
