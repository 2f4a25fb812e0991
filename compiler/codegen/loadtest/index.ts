/**
 * Target `loadtest`: a load test per dataset fed by a stream (docs/build.md, "Load tests"). The
 * generated files are thin: `loadtest/<dataset>.ts` describes the test (the dataset as its
 * processor reads it, its SLA, its stream, partition key and Kinesis name), `loadtest/run.ts`
 * is the command line (`npm run loadtest`), and everything they run (the generator, the
 * targets, the report) is lakec's runtime, vendored in `lakec/runtime.js` and tested in lakec.
 */
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import type { LoadTestSpec } from '../../../runtime/loadtest/report.ts';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { camel, kinesisStreamName } from '../plan/names.ts';
import { datasetSpec, streamDatasets } from '../processors/spec.ts';
import { flinkDatasets } from '../flink/index.ts';
import { addOpens } from '../flink/versions.ts';
import { render } from '../templates.ts';
import { tsLiteral, tsString } from '../tsLiteral.ts';

function fileOf(d: DatasetModel): string {
  return `${d.name.replace(/_/g, '-')}.ts`;
}

/** The load test's description of a dataset, as the runtime reads it. */
export function loadTestSpec(model: LakeModel, d: DatasetModel): LoadTestSpec {
  const stream = model.streams.find((s) => s.name === d.source!.stream)!;
  const burst = d.sla?.burst;
  const freshness = d.sla?.freshness;
  return {
    lake: model.lake.name,
    region: model.lake.region,
    dataset: datasetSpec(d),
    sla: {
      ...(burst !== undefined ? { burst: { records: burst.records, seconds: burst.within.seconds, text: `${burst.records} records within ${burst.within.text}` } } : {}),
      ...(freshness !== undefined ? { freshness: { seconds: freshness.seconds, text: freshness.text } } : {}),
    },
    stream: {
      name: stream.name,
      kinesisName: kinesisStreamName(model.lake.name, stream.name),
      ...(stream.partitionKey !== undefined ? { partitionKey: stream.partitionKey } : {}),
      shards: stream.capacity.mode === 'provisioned' ? stream.capacity.shards : 'on_demand',
      writeRecordsPerSecond: stream.writeCapacity.recordsPerSecond,
    },
    ...(flinkDatasets(model).some((x) => x.name === d.name) ? { flink: { runner: 'lakec.flink.LocalRunner', jvmArgs: addOpens() } } : {}),
  };
}

/** Datasets a load test is generated for: fed by a stream, with an `sla`. */
export function loadTestDatasets(model: LakeModel): DatasetModel[] {
  return streamDatasets(model).filter((d) => d.sla !== undefined);
}

export const loadtestTarget: Target = {
  name: 'loadtest',
  generate(ctx: GenContext): GeneratedFile[] {
    // A dataset with an SLA: the load test proves it (a lake without one gets no load test).
    const datasets = loadTestDatasets(ctx.model);
    if (datasets.length === 0) return [];
    const views = datasets.map((d) => {
      const spec = loadTestSpec(ctx.model, d);
      const { dataset: _dataset, ...rest } = spec;
      return {
        name: d.name,
        file: fileOf(d),
        exportName: `${camel(d.name)}LoadTest`,
        datasetConst: `${camel(d.name)}Dataset`,
        key: /^[A-Za-z_$][\w$]*$/.test(d.name) ? d.name : tsString(d.name),
        rest: tsLiteral(rest),
      };
    });
    return [
      ...views.map((v) => ({ path: `loadtest/${v.file}`, content: render('loadtest/dataset.ts.hbs', v), ownership: 'generated' as const })),
      { path: 'loadtest/run.ts', content: render('loadtest/run.ts.hbs', { tests: views }), ownership: 'generated' },
    ];
  },
};
