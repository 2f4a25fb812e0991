import type { Span } from '../../diagnostics/diagnostic.ts';
import type { ColumnSymbol, DatasetSymbol, SymbolBase } from '../../semantic/symbols.ts';
import { exactTypeText, keptSourcePath, usesNote } from '../rename.ts';
import type { Rule } from '../rule.ts';
import { columnsByName, walkType } from '../typeWalk.ts';

/**
 * Athena's reserved keywords: the list for DDL statements (Hive grammar, escaped with
 * backticks) joined with the list for SELECT statements (Trino grammar, escaped with double
 * quotes), from the Athena user guide, "Escape reserved keywords in queries".
 */
export const athenaReservedWords: ReadonlySet<string> = new Set(
  (
    // DDL
    'all alter and array as authorization between bigint binary boolean both by case cashe cast char column conf constraint commit ' +
    'create cross cube current current_date current_timestamp cursor database date dayofweek decimal delete describe distinct div ' +
    'double drop else end exchange exists extended external extract false fetch float floor following for foreign from full function ' +
    'grant group grouping having if import in inner insert int integer intersect interval into is join lateral left less like local ' +
    'macro map more none not null numeric of on only or order out outer over partialscan partition percent preceding precision ' +
    'preserve primary procedure range reads reduce regexp references revoke right rlike rollback rollup row rows select set smallint ' +
    'start table tablesample then time timestamp to transform trigger true truncate unbounded union uniquejoin update user using ' +
    'utc_timestamp values varchar views when where window with ' +
    // SELECT (DML)
    'current_catalog current_path current_role current_schema current_time current_user deallocate escape except execute first ' +
    'json_array json_exists json_object json_query json_table json_value last listagg localtime localtimestamp natural normalize ' +
    'prepare recursive skip trim uescape unescape unnest'
  ).split(' '),
);

export function isReserved(name: string): boolean {
  return athenaReservedWords.has(name.toLowerCase());
}

/** `trades` -> `trade`, `categories` -> `category`, `trade_events` -> `trade`. */
function entity(datasetName: string): string {
  const word = datasetName.split('_')[0] ?? datasetName;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

function firstFree(candidates: readonly string[], taken: (n: string) => boolean): string {
  return candidates.find((c) => !isReserved(c) && !taken(c)) ?? candidates[candidates.length - 1]!;
}

/**
 * Table, column and struct field names end up unquoted in Athena DDL and in every query users
 * write; a reserved word there fails with a confusing parse error unless it is escaped each time.
 */
export const reservedWord: Rule = {
  code: 'LAKE1007',
  severity: 'error',
  title: 'reserved word',
  description:
    'A dataset, column or struct field is named with a word Athena reserves, such as `date`, `timestamp`, `time`, `user`, `order`, ' +
    '`table`, `partition`, `select` or `end`. Athena then needs the name escaped in every statement (backticks in DDL, double quotes ' +
    'in queries) and fails with a syntax error where it is not, in generated DDL and in every query analysts write. The list is the ' +
    'union of Athena\'s reserved keywords for DDL and for SELECT statements. A zone whose Glue database name `<lake>_<zone>` is a ' +
    'reserved word is reported too. Rename the column to say what it holds: `trade_date` rather than `date`.',
  example: 'dataset trades in curated {\n  columns {\n    trade_id string\n    date     date\n    user     string\n  }\n}',
  fixed: 'dataset trades in curated {\n  columns {\n    trade_id   string\n    trade_date date\n    trader     string\n  }\n}',
  check({ lake, report }) {
    const flag = (what: string, name: string, span: Span, suggestion: string, renamed: { symbol?: SymbolBase; column?: ColumnSymbol; ds?: DatasetSymbol; eventField?: boolean } = {}): void => {
      let hint = `rename it${renamed.symbol !== undefined ? usesNote(lake, renamed.symbol) : ''}, for instance to '${suggestion}'`;
      const path = renamed.column !== undefined && renamed.ds !== undefined ? keptSourcePath(renamed.ds, renamed.column) : undefined;
      if (path !== undefined) {
        const type = exactTypeText(renamed.column!.type, renamed.column!.optional) ?? 'TYPE';
        hint += `; '${suggestion} ${type} = ${path}' keeps reading the event's '${name}' field`;
      } else if (renamed.eventField === true) {
        hint += `; the events' field must then be named '${suggestion}' too`;
      }
      report(span, `'${name}' is a reserved word in Athena: as a ${what} name it must be escaped in every DDL statement and query`, hint);
    };
    for (const ds of lake.datasets) {
      if (isReserved(ds.name)) {
        flag('table', ds.name, ds.nameSpan, firstFree([`${ds.name.toLowerCase()}s`, `${ds.name.toLowerCase()}_data`], (n) => lake.scope.dataset.has(n)), { symbol: ds });
      }
      const columns = columnsByName(ds);
      const taken = (n: string): boolean => columns.has(n);
      for (const c of ds.columns) {
        if (isReserved(c.name)) flag('column', c.name, c.nameSpan, columnSuggestion(ds, c.name.toLowerCase(), taken), { symbol: c, column: c, ds });
        walkType(c.type, {
          field: (f) => {
            if (isReserved(f.name.value)) flag('struct field', f.name.value, f.name.span, firstFree([`${c.name}_${f.name.value.toLowerCase()}`, `${f.name.value.toLowerCase()}_value`], () => false), { eventField: ds.source !== undefined });
          },
        });
      }
    }
    const lakeName = lake.lakes[0]?.name;
    if (lakeName !== undefined && lakeName !== '') {
      for (const z of lake.zones) {
        const database = `${lakeName}_${z.name}`;
        if (z.name !== '' && isReserved(database)) {
          report(z.nameSpan, `the zone's Glue database name '${database}' is a reserved word in Athena`, 'rename the zone');
        }
      }
    }
  },
};

function columnSuggestion(ds: DatasetSymbol, word: string, taken: (n: string) => boolean): string {
  return firstFree([`${entity(ds.name)}_${word}`, `${word}_value`], taken);
}
