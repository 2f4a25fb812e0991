/** OUT/README.md: what was generated, the lake, the access matrix, the acknowledged findings, how to deploy. */
import type { GenContext } from '../files.ts';
import { acknowledgementsMarkdown } from '../cdk/acknowledgements.ts';
import { datasetAlarms, defaultBytesScannedCutoff, defaultManifestMaxDays, grouped, maintenanceJobs } from '../cdk/definition.ts';
import { accessMatrixFromModel, describeGrant } from '../plan/access.ts';
import * as N from '../plan/names.ts';
import { accessMatrixMarkdown } from '../lakeformation/matrix.ts';
import { render } from '../templates.ts';
import { flinkApplication, lakeFlink } from '../cdk/flink.ts';
import { lakeContext } from './context.ts';
import { loadTestDatasets } from '../loadtest/index.ts';

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

export function readme(ctx: GenContext): string {
  const m = ctx.model;
  const lake = m.lake.name;
  const region = m.lake.region;
  const matrix = accessMatrixMarkdown(m, accessMatrixFromModel(m))
    .split('\n')
    .slice(1) // the file's own title
    .map((l) => (l.startsWith('## ') ? `#${l}` : l))
    .join('\n')
    .trim();
  const view = {
    lake,
    description: m.lake.description,
    specName: ctx.specName,
    lakecVersion: ctx.lakecVersion,
    region,
    stackName: N.stackName(lake),
    zones: m.zones.map((z) => ({
      name: z.name, layer: z.layer, database: z.database, bucket: N.bucketName(lake, z.name, region),
      retention: z.retention?.text ?? 'kept', archive: z.archive !== undefined ? `${z.archive.storageClass} after ${z.archive.after.text}` : '',
      description: oneLine(z.description),
    })),
    streams: m.streams.map((s) => ({
      name: s.name, streamName: N.kinesisStreamName(lake, s.name),
      capacity: s.capacity.mode === 'provisioned' ? `${s.capacity.shards} shards (${grouped(s.writeCapacity.recordsPerSecond)} records/s)` : 'on demand',
      retention: s.retention.text, readers: s.readers.join(', '),
    })),
    datasets: m.datasets.map((d) => ({
      name: d.name, table: `${d.database}.${d.table}`, format: d.format, mode: d.mode,
      source: d.source?.stream ?? '(external)',
      partitioning: d.partitioning.map((p) => (p.width !== undefined ? `${p.transform}(${p.width}, ${p.column})` : `${p.transform}(${p.column})`)).join(', '),
      sla: [d.sla?.burst !== undefined ? `burst ${grouped(d.sla.burst.records)} records within ${d.sla.burst.within.text}` : '', d.sla?.freshness !== undefined ? `freshness ${d.sla.freshness.text}` : ''].filter((x) => x !== '').join('; '),
      description: oneLine(d.description),
    })),
    personas: m.personas.map((p) => ({
      name: p.name, access: p.access.join(', '),
      identity: p.identity.kind === 'iam_role' ? `IAM role \`${p.identity.arn}\`` : `IAM Identity Center group \`${p.identity.group}\``,
      role: N.personaRoleName(lake, p.name), workgroup: N.workgroupName(lake, p.name), description: oneLine(p.description),
    })),
    grants: m.grants.map((g) => describeGrant(g)),
    matrix,
    alarms: m.datasets.flatMap((d) => datasetAlarms(m, d)).map((a) => ({ name: a.name, description: oneLine(a.description) })),
    maintenance: m.datasets.flatMap((d) => maintenanceJobs(lake, d)).map((j) => ({ name: j.name, schedule: j.schedule, query: j.query })),
    hasApi: m.personas.some((p) => p.access.includes('api')),
    hasQuickSight: m.personas.some((p) => p.access.includes('quicksight')),
    hasSso: m.personas.some((p) => p.identity.kind === 'sso_group'),
    processed: m.datasets.filter((d) => d.source !== undefined).map((d) => ({ name: d.name, application: N.applicationName(lake, d.name) })),
    loadTests: loadTestDatasets(m).map((d) => {
      const burst = d.sla?.burst;
      const stream = m.streams.find((s) => s.name === d.source!.stream)!;
      return {
        name: d.name,
        kinesisName: N.kinesisStreamName(lake, stream.name),
        sla: [burst !== undefined ? `burst ${grouped(burst.records)} records within ${burst.within.text}` : '', d.sla?.freshness !== undefined ? `freshness ${d.sla.freshness.text}` : ''].filter((x) => x !== '').join('; '),
        defaults: burst !== undefined ? `${grouped(burst.records)} records at ${grouped(Math.round(burst.records / burst.within.seconds))} records/s (\`--scale\` and \`--records\`, \`--rate\` change them)` : 'no burst: give `--records`',
      };
    }),
    flink: lakeFlink(m),
    applications: m.datasets.flatMap((d) => {
      const f = flinkApplication(m, d);
      return f === undefined ? [] : [{
        name: d.name, application: f.applicationName, parallelism: f.parallelism, autoScaling: f.autoScaling ? 'on' : 'off', reader: f.reader === 'efo' ? 'enhanced fan-out' : 'polling',
        peaks: f.peaks.length === 0 ? 'none' : f.peaks.map((p) => `\`${p.cron}\` (${p.timeZone}) at ${p.kpu} KPU for ${p.durationSeconds / 3600} h`).join('; '),
      }];
    }),
    acknowledgements: acknowledgementsMarkdown(),
    context: Object.keys(lakeContext).map((k) => `\`${k}\``).join(', '),
    bytesScannedGiB: defaultBytesScannedCutoff / 1024 ** 3,
    bytesScanned: defaultBytesScannedCutoff,
    maintainerRole: N.tableMaintainerRoleName(lake),
    auditorRole: N.permissionsAuditorRoleName(lake),
    manifestMaxDays: defaultManifestMaxDays,
  };
  return render('project/README.md.hbs', view);
}
