import { closest } from '../../diagnostics/suggest.ts';
import { grantsRead } from '../grantColumns.ts';
import type { Rule } from '../rule.ts';

/** Lake Formation grants nothing by default: a dataset without a select grant is readable by no persona. */
export const unreadableDataset: Rule = {
  code: 'LAKE6101',
  severity: 'warning',
  title: 'dataset no persona can read',
  description:
    'lakec removes the IAMAllowedPrincipals defaults, so a persona reads exactly what its grants ' +
    'say. A dataset that no grant gives `select` (or `all`) on is stored and paid for but ' +
    'readable only by lake administrators. A `zone` grant does not count: database permissions do ' +
    'not reach the tables. Grant `select` to the persona that needs the data, or, for a copy kept ' +
    'only for replay, to the team that would run the replay.',
  example: 'dataset trade_events_raw in raw {\n  from stream trade_events\n  ...\n}\n// no grant on trade_events_raw',
  fixed: 'dataset trade_events_raw in raw {\n  from stream trade_events\n  ...\n}\n\ngrant select on trade_events_raw to platform_admins',
  check({ lake, report }) {
    const read = new Set<string>();
    for (const g of lake.grants) {
      // A grant to an unknown persona still counts: LAKE1003 reports the persona, not this.
      if (g.target?.kind !== 'dataset' || !grantsRead(g.privileges)) continue;
      const name = g.target.dataset.value;
      // `grant select on ordres` is LAKE1003's "did you mean 'orders'": do not also call 'orders' unreadable.
      read.add(lake.scope.dataset.has(name) ? name : closest(name, lake.scope.dataset.keys()) ?? name);
    }
    const reader = lake.personas.find((p) => p.access.some((a) => a.value === 'athena')) ?? lake.personas[0];
    for (const ds of lake.datasets) {
      if (read.has(ds.name) || lake.scope.dataset.get(ds.name) !== ds) continue;
      report(
        ds.nameSpan,
        `no persona can read the dataset '${ds.name}': no grant gives select on it`,
        `grant it to the persona that needs it, for instance: grant select on ${ds.name} to ${reader?.name ?? 'PERSONA'}`,
      );
    }
  },
};
