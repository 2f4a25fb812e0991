import type { SymbolBase } from '../../semantic/symbols.ts';
import type { Rule } from '../rule.ts';

/**
 * Zones, streams, datasets, personas and classifications each have one namespace across the
 * whole spec (all files). Dataset names are unique across zones too: they become Glue tables,
 * processor names and load-test names.
 */
export const duplicateDeclaration: Rule = {
  code: 'LAKE1002',
  severity: 'error',
  title: 'duplicate declaration',
  description:
    'Two zones, streams, datasets, personas or classifications have the same name. Names are global to the spec, across all its files; ' +
    'dataset names must be unique across the whole lake, not just within a zone, because each becomes a Glue table, a stream processor ' +
    'and a load test of that name. The later declaration is reported; the first one is the one references resolve to.',
  example: 'dataset orders in raw { ... }\n\ndataset orders in curated { ... }',
  fixed: 'dataset orders_raw in raw { ... }\n\ndataset orders in curated { ... }',
  check({ lake, report, locate }) {
    const groups: [string, readonly SymbolBase[]][] = [
      ['zone', lake.zones], ['stream', lake.streams], ['dataset', lake.datasets],
      ['persona', lake.personas], ['classification', lake.classifications],
    ];
    for (const [kind, symbols] of groups) {
      const first = new Map<string, SymbolBase>();
      for (const s of symbols) {
        if (s.name === '') continue;
        const earlier = first.get(s.name);
        if (earlier === undefined) {
          first.set(s.name, s);
          continue;
        }
        const extra = kind === 'dataset' ? ' (dataset names are unique across all zones: each becomes a Glue table and a processor)' : '';
        report(
          s.nameSpan,
          `the ${kind} '${s.name}' is declared twice${extra}`,
          `the first '${s.name}' is declared at ${locate(earlier.nameSpan)}; rename this one or remove it`,
        );
      }
    }
  },
};
