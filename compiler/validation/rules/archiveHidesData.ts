import type { Fix } from '../../diagnostics/diagnostic.ts';
import { grantsRead } from '../grantColumns.ts';
import { nameList } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** Storage classes whose objects Athena skips until they are restored. */
const unreadable = new Set(['glacier', 'deep_archive']);

/** Athena skips archived objects it cannot read: a persona's queries silently lose the older rows. */
export const archiveHidesData: Rule = {
  code: 'LAKE4010',
  severity: 'warning',
  title: 'archive hides data from a dataset\'s readers',
  description:
    '`archive = glacier after D` and `deep_archive after D` move objects to S3 Glacier Flexible ' +
    'Retrieval and S3 Glacier Deep Archive, which Athena does not read: it skips those objects ' +
    'without an error until they are restored. A persona granted `select` on a dataset of such a ' +
    'zone then sees only the rows written in the last D, and nothing tells it that the rest ' +
    'exists. Archive to `glacier_ir` (S3 Glacier Instant Retrieval, which Athena reads at a ' +
    'retrieval charge per GB), or keep the zone unarchived; `glacier` and `deep_archive` suit ' +
    'zones nobody queries (copies kept for restores).',
  example: 'zone raw {\n  layer   = raw\n  archive = glacier after 90 days\n}\n\ngrant select on orders_raw to analysts',
  fixed: 'zone raw {\n  layer   = raw\n  archive = glacier_ir after 90 days\n}\n\ngrant select on orders_raw to analysts',
  check({ lake, report }) {
    // Readers by dataset: the personas a grant lets read it (zone grants do not reach tables' rows).
    const readers = new Map<string, Set<string>>();
    for (const g of lake.grants) {
      const t = g.target;
      if (t?.kind !== 'dataset' || g.persona === undefined || !grantsRead(g.privileges) || !lake.scope.persona.has(g.persona.value)) continue;
      const set = readers.get(t.dataset.value) ?? new Set<string>();
      set.add(g.persona.value);
      readers.set(t.dataset.value, set);
    }
    for (const zone of lake.zones) {
      const archive = zone.archive;
      if (archive === undefined || lake.scope.zone.get(zone.name) !== zone || !unreadable.has(archive.value.storageClass.value)) continue;
      const read = lake.datasets.filter((ds) => ds.zone?.value === zone.name && lake.scope.dataset.get(ds.name) === ds && readers.has(ds.name));
      if (read.length === 0) continue;
      const personas = [...new Set(read.flatMap((ds) => [...readers.get(ds.name)!]))].sort();
      const cls = archive.value.storageClass;
      const fixes: Fix[] = [{ title: 'Archive to S3 Glacier Instant Retrieval (glacier_ir)', span: cls.span, text: 'glacier_ir' }];
      report(
        archive.span,
        `Athena skips ${cls.value} objects: ${nameList(personas)} ${personas.length === 1 ? 'reads' : 'read'} ${nameList(read.map((d) => d.name))} of the zone '${zone.name}' but would see only what was written in the last ${archive.value.after.value.text}`,
        `archive to glacier_ir (Athena reads S3 Glacier Instant Retrieval), or do not archive a zone that personas query`,
        fixes,
      );
    }
  },
};
