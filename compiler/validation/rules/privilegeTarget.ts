import { isColumnSelection } from '../grantColumns.ts';
import { nameList } from '../spans.ts';
import type { Rule } from '../rule.ts';

const databasePrivileges = new Set(['describe', 'alter', 'drop', 'all']);

/**
 * Lake Formation permissions by resource (Lake Formation permissions reference): a database
 * takes ALL, ALTER, CREATE_TABLE, DESCRIBE, DROP; a table ALL, ALTER, DELETE, DESCRIBE, DROP,
 * INSERT, SELECT; a table with a column filter SELECT only. Row filters (data cells filters) are
 * granted SELECT here, as docs/language.md states.
 */
export const privilegeTarget: Rule = {
  code: 'LAKE6004',
  severity: 'error',
  title: 'privilege that does not fit the grant target',
  description:
    'Lake Formation accepts different permissions on each kind of resource. A column-level grant ' +
    '(a column list, `except (...)` or `except @label`) and a grant with a `where` row filter take ' +
    '`select` only: write other privileges in a separate grant on the whole dataset. A `zone` ' +
    "grant applies to the zone's Glue database, which takes `describe`, `alter`, `drop` and `all`: " +
    '`select`, `insert` and `delete` are table permissions, to grant on the datasets themselves.',
  example: 'grant select, insert on orders (order_id, status) to store_app\ngrant select on zone marts to analysts',
  fixed: 'grant select on orders (order_id, status) to store_app\ngrant insert on orders to store_app\ngrant select on daily_sales to analysts',
  check({ lake, report }) {
    let byZone: Map<string, string[]> | undefined;
    for (const g of lake.grants) {
      const t = g.target;
      if (t === undefined) continue;
      const persona = g.persona?.value ?? 'PERSONA';
      if (t.kind === 'zone') {
        const zone = t.zone.value;
        const datasets = datasetsOfZone(zone);
        for (const p of g.privileges) {
          if (databasePrivileges.has(p.value)) continue;
          report(
            p.span,
            `'${p.value}' is not a database permission: a grant on zone '${zone}' applies to the zone's Glue database, which takes describe, alter, drop or all`,
            datasets.length > 0
              ? `${p.value} is granted on datasets: for instance grant ${p.value} on ${datasets[0]} to ${persona} (the zone holds ${nameList(datasets)})`
              : `${p.value} is granted on datasets: grant ${p.value} on DATASET to ${persona}`,
          );
        }
        continue;
      }
      const selection = isColumnSelection(t);
      if (!selection && g.where === undefined) continue;
      for (const p of g.privileges) {
        if (p.value === 'select') continue;
        const what = selection ? 'a column selection' : 'a row filter';
        report(
          p.span,
          `'${p.value}' cannot be granted on ${what}: Lake Formation grants only select on ${selection ? 'columns' : 'data cells filters'}`,
          `grant ${p.value} on the whole dataset in a separate grant: grant ${p.value} on ${t.dataset.value} to ${persona}`,
        );
      }
    }

    // Zone -> dataset names, built once on first use.
    function datasetsOfZone(zone: string): string[] {
      byZone ??= index();
      return byZone.get(zone) ?? [];
    }
    function index(): Map<string, string[]> {
      const m = new Map<string, string[]>();
      for (const ds of lake.datasets) {
        if (ds.zone === undefined) continue;
        const list = m.get(ds.zone.value) ?? [];
        list.push(ds.name);
        m.set(ds.zone.value, list);
      }
      return m;
    }
  },
};
