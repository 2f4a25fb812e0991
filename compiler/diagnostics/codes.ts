/**
 * Codes reported outside validation rules (syntax, attribute decoding, loading). Rules carry
 * their own documentation; `allCodes` joins both for `lakec explain` and the docs.
 */
import type { CodeDoc } from '../validation/rule.ts';
import { rules } from '../validation/rules/index.ts';

export const phaseCodes: readonly CodeDoc[] = [
  {
    code: 'LAKE0000', severity: 'error', title: 'internal error',
    description: 'lakec itself failed. The message names the phase; please report it with the spec that triggers it.',
    example: '(any spec)',
  },
  {
    code: 'LAKE0001', severity: 'error', title: 'unexpected character',
    description: 'A character that cannot start any token of the language, such as `#` or `%` outside a string or comment.',
    example: 'zone raw # drop zone\n{ layer = raw }',
    fixed: 'zone raw // drop zone\n{ layer = raw }',
  },
  {
    code: 'LAKE0002', severity: 'error', title: 'syntax error',
    description: 'The declaration does not follow the grammar: the message says what was expected and what was found. Parsing resumes at the next declaration, so each mistake is reported once.',
    example: 'zone raw {\n  layer = raw\n\nzone curated { layer = curated }',
    fixed: 'zone raw {\n  layer = raw\n}\n\nzone curated { layer = curated }',
  },
  {
    code: 'LAKE0003', severity: 'error', title: 'unterminated string or comment',
    description: 'A string must close on the line where it opens; a `/*` comment must close with `*/`.',
    example: 'lake shop { region = "eu-west-1 }',
    fixed: 'lake shop { region = "eu-west-1" }',
  },
  {
    code: 'LAKE0004', severity: 'error', title: 'cannot read the spec',
    description: 'The path given to lakec does not exist, cannot be read, or is a folder without `.lake` files.',
    example: 'lakec check specs/missing.lake',
  },
  {
    code: 'LAKE0010', severity: 'warning', title: 'file outside any lake',
    description:
      'The `.lake` files of a folder form one lake when they declare one `lake` between them. When they declare ' +
      'several (a folder of example lakes, a spec beside its draft copy `claims.v1.lake`), each file is a lake of ' +
      'its own, and a file among them that declares no lake belongs to none: it is checked on its own, so the ' +
      'zones, datasets and personas it names are unknown there. `lakec check`, `lakec build` and the editor find ' +
      'files by the same rule. Put the file in a folder with the lake it belongs to, or move the other lakes ' +
      '(and draft copies) out of its folder.',
    example: 'claims/\n  claims.lake      // lake claims { ... }\n  claims.v1.lake   // a draft: lake claims { ... }\n  access.lake      // grants, no lake declaration',
    fixed: 'claims/\n  claims.lake\n  access.lake\ndrafts/\n  claims.v1.lake',
  },
  {
    code: 'LAKE0011', severity: 'error', title: 'file that is not UTF-8 text',
    description:
      'A spec is UTF-8 text (a byte order mark is allowed). A `.lake` file with a NUL byte (a binary file: an image, ' +
      'an archive, a file saved as UTF-16) or with bytes that are not well-formed UTF-8 (a file saved as Latin-1 or ' +
      'Windows-1252, where `é` is one byte) is reported once, with the byte offset of the first such byte, and read as ' +
      'empty: the rest of its lake is still checked. Save the file as UTF-8, or move a file that is not a spec out of ' +
      'the folder.',
    example: 'lakec check claims/   // claims/logo.lake is a PNG image',
  },
  {
    code: 'LAKE1008', severity: 'error', title: 'unknown attribute',
    description: 'A block holds an item its declaration does not take, usually a typo. The hint names the closest known item or lists the accepted ones.',
    example: 'zone raw {\n  layer     = raw\n  retension = 30 days\n}',
    fixed: 'zone raw {\n  layer     = raw\n  retention = 30 days\n}',
  },
  {
    code: 'LAKE1009', severity: 'error', title: 'missing attribute',
    description: 'A declaration lacks something it needs: a lake its `region`, a zone its `layer`, a persona its `access` and `identity`, a dataset its zone and `columns`, a `bitemporal` block its `valid` and `system`.',
    example: 'zone raw {\n  retention = 30 days\n}',
    fixed: 'zone raw {\n  layer     = raw\n  retention = 30 days\n}',
  },
  {
    code: 'LAKE1010', severity: 'error', title: 'invalid value',
    description: 'An attribute has a value of the wrong shape or outside its set of choices: a duration without a unit, a layer that does not exist, a malformed `burst` or `peak`.',
    example: 'zone raw {\n  layer     = bronze\n  retention = 30\n}',
    fixed: 'zone raw {\n  layer     = raw\n  retention = 30 days\n}',
  },
  {
    code: 'LAKE1011', severity: 'error', title: 'duplicate attribute',
    description: 'The same attribute, tag, access kind or columns block is given twice in one declaration; only one can hold.',
    example: 'zone raw {\n  layer = raw\n  layer = curated\n}',
    fixed: 'zone raw {\n  layer = raw\n}',
  },
  {
    code: 'LAKE1012', severity: 'error', title: 'column without a type',
    description: 'Every column needs a type on its own line, after its name.',
    example: 'columns {\n  trade_id\n  symbol string\n}',
    fixed: 'columns {\n  trade_id string\n  symbol   string\n}',
  },
  {
    code: 'LAKE2001', severity: 'error', title: 'unknown type',
    description: 'A column type that is not one of `boolean int long float double decimal(p,s) date timestamp timestamptz string uuid binary list<T> map<K,V> struct<...>`.',
    example: 'columns {\n  price money\n}',
    fixed: 'columns {\n  price decimal(18, 6)\n}',
  },
  {
    code: 'LAKE2007', severity: 'error', title: 'invalid column source',
    description: 'A column source after `=` must be a JSON path into the event (`$.instrument.symbol`, `$.items[0].sku`), `raw_payload()` or `ingestion_time()`.',
    example: 'columns {\n  symbol string = $.instrument.\n}',
    fixed: 'columns {\n  symbol string = $.instrument.symbol\n}',
  },
  {
    code: 'LAKE2010', severity: 'error', title: 'wrong type arguments',
    description: '`list` takes one type argument, `map` two, `struct` named fields, `decimal` a precision and scale in parentheses; the other types take none.',
    example: 'columns {\n  tags list<string, string>\n}',
    fixed: 'columns {\n  tags map<string, string>\n}',
  },
];

export function allCodes(): CodeDoc[] {
  const seen = new Map<string, CodeDoc>();
  for (const c of [...phaseCodes, ...rules]) if (!seen.has(c.code)) seen.set(c.code, c);
  return [...seen.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}
