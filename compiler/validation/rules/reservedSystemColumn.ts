import type { Rule } from '../rule.ts';

/** The stored system-time interval of a bi-temporal table: lakec adds these columns itself. */
export const systemColumns = ['system_from', 'system_to'] as const;

/**
 * A bi-temporal dataset's table carries `system_from` and `system_to`, added by lakec (DESIGN.md
 * section 2). A declared column of either name would collide with them in the table, in Glue
 * and in every grant.
 */
export const reservedSystemColumn: Rule = {
  code: 'LAKE3008',
  severity: 'error',
  title: 'column named like a system-time column',
  description:
    'A bi-temporal dataset stores each row with its system-time interval in two columns lakec adds ' +
    'to the table: `system_from` and `system_to`. A declared column with one of these names would ' +
    'collide with them. The time the producer stamped belongs in a column of its own (`recorded_at`), ' +
    'named in `bitemporal { system = recorded_at }`.',
  example:
    'dataset trades in curated {\n  columns { trade_id string; valid_from timestamp; valid_to timestamp?; system_from timestamp }\n' +
    '  key (trade_id)\n  bitemporal { valid = valid_from .. valid_to; system = system_from }\n}',
  fixed:
    'dataset trades in curated {\n  columns { trade_id string; valid_from timestamp; valid_to timestamp?; recorded_at timestamp }\n' +
    '  key (trade_id)\n  bitemporal { valid = valid_from .. valid_to; system = recorded_at }\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      if (ds.bitemporal === undefined || ds.hasSyntaxErrors) continue;
      for (const c of ds.columns) {
        if (!(systemColumns as readonly string[]).includes(c.name)) continue;
        report(
          c.nameSpan,
          `the column '${c.name}' of the bi-temporal dataset '${ds.name}' has the name of a column lakec adds to store system time`,
          `rename it (for instance recorded_${c.name === 'system_from' ? 'at' : 'until'}); lakec stores system_from and system_to itself`,
        );
      }
    }
  },
};
