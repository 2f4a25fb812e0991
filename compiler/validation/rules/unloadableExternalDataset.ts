import { closest } from '../../diagnostics/suggest.ts';
import type { Rule } from '../rule.ts';

/** Privileges that let a persona write rows into a table. */
const writes = new Set(['insert', 'all']);

/**
 * A dataset without `from stream` is loaded by tools outside the lake; Lake Formation grants
 * nothing by default, so without an `insert` grant no principal may write it.
 */
export const unloadableExternalDataset: Rule = {
  code: 'LAKE6120',
  severity: 'warning',
  title: 'external dataset nothing can load',
  description:
    'A dataset without `from stream` is loaded from outside the lake (an export, a batch job). ' +
    'lakec removes the IAMAllowedPrincipals defaults and the zone buckets accept objects only from ' +
    'the lake\'s own roles, so unless a grant gives some persona `insert` (or `all`) on it, no ' +
    'principal may write its files or register its partitions: the table stays empty and every ' +
    'query of it returns nothing. Declare the loader as a persona (an `iam_role` identity for a ' +
    'job) and grant it `insert`: its role may then write the table\'s folder and add its ' +
    'partitions (docs/build.md, "Loading an external dataset"). A zone grant does not count: ' +
    'database permissions do not reach the tables.',
  example: 'dataset accounts in transformed {\n  format = parquet\n  ...\n}\n// no grant gives insert on accounts',
  fixed: 'persona accounts_loader {\n  access   = [api]\n  identity = iam_role "arn:aws:iam::111122223333:role/accounts-export"\n}\n\ngrant insert on accounts to accounts_loader',
  check({ lake, report }) {
    const written = new Set<string>();
    for (const g of lake.grants) {
      if (g.target?.kind !== 'dataset' || !g.privileges.some((p) => writes.has(p.value))) continue;
      const name = g.target.dataset.value;
      // A misspelt dataset is LAKE1003's; do not also call the dataset it meant unloadable.
      written.add(lake.scope.dataset.has(name) ? name : closest(name, lake.scope.dataset.keys()) ?? name);
    }
    for (const ds of lake.datasets) {
      if (ds.source !== undefined || ds.hasSyntaxErrors || written.has(ds.name) || lake.scope.dataset.get(ds.name) !== ds) continue;
      report(
        ds.nameSpan,
        `nothing can load the dataset '${ds.name}': it is not fed by a stream and no grant gives insert on it, so it stays empty`,
        `declare its loader as a persona and grant it insert, for instance: grant insert on ${ds.name} to ${ds.name}_loader`,
      );
    }
  },
};
