import { formatCount, inDays, secondsPerDay } from '../spans.ts';
import { minimumStorageDays } from './archiveMinimumStorage.ts';
import type { Rule } from '../rule.ts';

/** Retention deletes objects; an archive transition at or after that point never happens. */
export const retentionBeforeArchive: Rule = {
  code: 'LAKE4002',
  severity: 'error',
  title: 'retention not longer than the archive transition',
  description:
    "A zone's `retention` is when its objects are deleted; `archive = CLASS after D` is when they " +
    'move to the archive storage class. When retention is not longer than D, objects are deleted ' +
    'before (or when) they would be archived: the archive rule does nothing and the spec says two ' +
    'contradictory things. Make retention longer, or archive earlier. Leave at least the storage ' +
    "class's minimum storage duration between the two (see LAKE4004).",
  example: 'zone raw {\n  layer     = raw\n  retention = 30 days\n  archive   = glacier after 90 days\n}',
  fixed: 'zone raw {\n  layer     = raw\n  retention = 400 days\n  archive   = glacier after 90 days\n}',
  check({ lake, report }) {
    for (const zone of lake.zones) {
      const retention = zone.retention;
      const archive = zone.archive;
      if (retention === undefined || archive === undefined) continue;
      const after = archive.value.after.value;
      if (retention.value.seconds > after.seconds) continue;
      const min = minimumStorageDays[archive.value.storageClass.value];
      const same = retention.value.seconds === after.seconds;
      report(
        retention.span,
        `the zone '${zone.name}' deletes objects after ${inDays(retention.value)} but archives them to ${archive.value.storageClass.value} after ${inDays(after)}: ${same ? 'they are deleted when they would be archived' : 'they are deleted before they would be archived'}`,
        `keep objects at least ${formatCount(after.seconds / secondsPerDay + min.days)} days (the transition plus the ${min.days}-day minimum storage of ${min.name}), or archive earlier`,
      );
    }
  },
};
