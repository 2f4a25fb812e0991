import type { StorageClass } from '../../semantic/symbols.ts';
import { formatCount, inDays, secondsPerDay } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** S3 bills archive storage classes for a minimum duration, even for objects deleted earlier. */
export const minimumStorageDays: Record<StorageClass, { days: number; name: string }> = {
  glacier_ir: { days: 90, name: 'S3 Glacier Instant Retrieval' },
  glacier: { days: 90, name: 'S3 Glacier Flexible Retrieval' },
  deep_archive: { days: 180, name: 'S3 Glacier Deep Archive' },
};

export const archiveMinimumStorage: Rule = {
  code: 'LAKE4004',
  severity: 'warning',
  title: 'objects deleted within the archive minimum storage duration',
  description:
    'S3 charges archived objects for a minimum storage duration: 90 days in S3 Glacier Instant ' +
    'Retrieval (`glacier_ir`) and S3 Glacier Flexible Retrieval (`glacier`), 180 days in S3 Glacier ' +
    'Deep Archive (`deep_archive`). When retention ' +
    'deletes objects sooner after the transition, each one is still billed for the minimum, and ' +
    'archiving may cost more than keeping them in S3 Standard. Leave at least that much between ' +
    'the transition and the end of retention, or do not archive.',
  example: 'zone raw {\n  layer     = raw\n  retention = 120 days\n  archive   = glacier after 90 days\n}',
  fixed: 'zone raw {\n  layer     = raw\n  retention = 400 days\n  archive   = glacier after 90 days\n}',
  check({ lake, report }) {
    for (const zone of lake.zones) {
      const retention = zone.retention;
      const archive = zone.archive;
      if (retention === undefined || archive === undefined) continue;
      const after = archive.value.after.value;
      // Retention not after the transition is LAKE4002.
      if (retention.value.seconds <= after.seconds) continue;
      const min = minimumStorageDays[archive.value.storageClass.value];
      const archivedDays = (retention.value.seconds - after.seconds) / secondsPerDay;
      if (archivedDays >= min.days) continue;
      report(
        retention.span,
        `objects of the zone '${zone.name}' stay archived only ${formatCount(archivedDays)} days (retention ${inDays(retention.value)}, archived after ${inDays(after)}), but ${min.name} bills at least ${min.days} days per object`,
        `keep objects at least ${formatCount(after.seconds / secondsPerDay + min.days)} days, archive earlier, or do not archive`,
      );
    }
  },
};
