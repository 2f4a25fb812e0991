import type { DatasetSymbol } from '../../semantic/symbols.ts';
import { nameList } from '../spans.ts';
import type { Rule } from '../rule.ts';

/** An archived object cannot be read until restored; a live Iceberg snapshot may point at it. */
export const archiveWithIceberg: Rule = {
  code: 'LAKE4001',
  severity: 'error',
  title: 'archive on a zone with Iceberg tables',
  description:
    '`archive = glacier after D` (or `deep_archive`) moves every object of the zone to an archive ' +
    'storage class D after it was written. An Iceberg table keeps referring to old data and ' +
    'metadata files from its live snapshot for as long as their rows are current, so queries ' +
    'would hit objects that S3 cannot serve without a restore. Keep Iceberg datasets in zones ' +
    'without such an archive; archive zones hold `json` or `parquet` datasets (raw copies, ' +
    'exports). `glacier_ir` (S3 Glacier Instant Retrieval) is readable and allowed: it applies to ' +
    'the zone\'s other datasets and dead letters, and an Iceberg table\'s files are never archived ' +
    'by age.',
  example: 'zone raw {\n  layer   = raw\n  archive = glacier after 90 days\n}\n\ndataset trades in raw {\n  format = iceberg\n  ...\n}',
  fixed: 'zone raw {\n  layer   = raw\n  archive = glacier after 90 days\n}\n\ndataset trades in raw {\n  format = json\n  ...\n}',
  check({ lake, report }) {
    const icebergByZone = new Map<string, DatasetSymbol[]>();
    for (const ds of lake.datasets) {
      if (ds.zone === undefined || ds.format.value !== 'iceberg') continue;
      // A defaulted format on a declaration with syntax errors may be a `format` line that did not parse.
      if (ds.format.defaulted && ds.hasSyntaxErrors) continue;
      const list = icebergByZone.get(ds.zone.value) ?? [];
      list.push(ds);
      icebergByZone.set(ds.zone.value, list);
    }
    for (const zone of lake.zones) {
      // S3 Glacier Instant Retrieval is read like S3 Standard; lakec never archives Iceberg files by age.
      if (zone.archive === undefined || zone.archive.value.storageClass.value === 'glacier_ir' || lake.scope.zone.get(zone.name) !== zone) continue;
      const iceberg = icebergByZone.get(zone.name);
      if (iceberg === undefined) continue;
      const a = zone.archive.value;
      const names = iceberg.map((d) => d.name);
      report(
        zone.archive.span,
        `the zone '${zone.name}' moves objects to ${a.storageClass.value} after ${a.after.value.text}, but holds the Iceberg ${names.length === 1 ? 'dataset' : 'datasets'} ${nameList(names)}: ${names.length === 1 ? 'its' : 'their'} live snapshots would point at objects that cannot be read`,
        `move ${names.length === 1 ? 'that dataset' : 'those datasets'} to a zone without archive, store ${names.length === 1 ? 'it' : 'them'} as parquet or json, or remove the archive`,
      );
    }
  },
};
