/**
 * Target `flink`: `flink/`, a Maven project with one Managed Service for Apache Flink application
 * per Iceberg dataset fed by a stream (runtime FLINK-2_2), all in one shaded jar whose main class
 * runs the dataset the application property `lakec/dataset` names.
 *
 * What lives where (docs/build.md, "The Flink applications"):
 * - lakec's Java runtime (`runtime/java`: the bi-temporal core, JSON, mapping and validation,
 *   plain Java with no Flink dependency) and its tests, written as they are into
 *   `src/main/java/lakec/runtime` and `src/test/java/lakec/runtime`, with the shared fixtures of
 *   `test/vectors` as test resources;
 * - the Flink job, the same for every lake (`templates/flink/java`, package `lakec.flink`),
 *   and the Kinesis source behind its seam (`templates/flink/kinesis`, Maven profile `kinesis`);
 * - what depends on the spec, as data: `lakec/lake.json` (the datasets) and one JSON resource per dataset
 *   (`src/main/resources/lakec/datasets/D.json`: the dataset as the runtime reads it, its
 *   Iceberg table, stream, maxParallelism), plus the sample events of the project's own test.
 */
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { stableJson } from '../files.ts';
import { applicationName, kebab, kinesisStreamName } from '../plan/names.ts';
import { deadLetterPrefix, icebergNativeProperties, identifierFields } from '../plan/tables.ts';
import { sampleEvents } from '../processors/sample.ts';
import { datasetSpec, streamDatasets } from '../processors/spec.ts';
import { packageFiles, render } from '../templates.ts';
import { addOpens, flinkVersions } from './versions.ts';

/** Datasets a Flink application runs for: fed by a stream and stored as Iceberg (the sink's format). */
export function flinkDatasets(model: LakeModel): DatasetModel[] {
  return streamDatasets(model).filter((d) => d.format === 'iceberg');
}

/** Datasets fed by a stream that the Flink project does not cover yet (Parquet and JSON tables). */
export function flinkSkipped(model: LakeModel): DatasetModel[] {
  return streamDatasets(model).filter((d) => d.format !== 'iceberg');
}

/**
 * The fixed maxParallelism (key groups) of a dataset's job: at least the largest parallelism its
 * scaling schedule can reach at up to 8 parallel tasks per KPU (the service's maximum
 * ParallelismPerKPU), rounded up to a power of two, and at least Flink's default of 128. It must
 * never change once the application runs: state is partitioned by it.
 */
export function maxParallelism(d: DatasetModel): number {
  const kpu = Math.max(d.scaling?.baselineKpu ?? 1, ...(d.scaling?.peaks ?? []).map((p) => p.kpu));
  let n = 128;
  while (n < kpu * 8) n *= 2;
  return Math.min(n, 32768);
}

/** The Maven artifact of a lake's Flink project, and the shaded jar `mvn package` builds. */
export function flinkArtifact(lake: string): string {
  return `${kebab(lake)}-flink`;
}

export function flinkJar(lake: string): string {
  return `flink/target/${flinkArtifact(lake)}-0.1.0.jar`;
}

export function jobSpec(model: LakeModel, d: DatasetModel): Record<string, unknown> {
  const stream = model.streams.find((s) => s.name === d.source!.stream)!;
  const spec = datasetSpec(d);
  return {
    dataset: { ...spec, mode: d.mode },
    application: applicationName(model.lake.name, d.name),
    stream: kinesisStreamName(model.lake.name, stream.name),
    streamReaders: stream.readers.length,
    database: d.database,
    table: d.table,
    partitioning: d.partitioning.map((p) => ({ transform: p.transform, column: p.column, ...(p.width !== undefined ? { width: p.width } : {}) })),
    identifierFields: identifierFields(d),
    tableProperties: icebergNativeProperties(d),
    maxParallelism: maxParallelism(d),
    deadLetterPrefix: deadLetterPrefix(d),
  };
}

export const flinkTarget: Target = {
  name: 'flink',
  generate(ctx: GenContext): GeneratedFile[] {
    const model = ctx.model;
    const datasets = flinkDatasets(model);
    if (datasets.length === 0) return [];
    const lake = model.lake.name;
    const files: GeneratedFile[] = [];
    const add = (path: string, content: string): void => {
      files.push({ path: `flink/${path}`, content, ownership: 'generated' });
    };
    add('pom.xml', render('flink/pom.xml.hbs', {
      lake,
      artifactId: flinkArtifact(lake),
      version: '0.1.0',
      flinkVersion: flinkVersions.flink,
      icebergVersion: flinkVersions.iceberg,
      icebergFlinkArtifact: flinkVersions.icebergFlinkArtifact,
      hadoopVersion: flinkVersions.hadoop,
      kinesisAnalyticsRuntimeVersion: flinkVersions.kinesisAnalyticsRuntime,
      kinesisConnectorVersion: flinkVersions.kinesisConnector,
      junitVersion: flinkVersions.junit,
      slf4jVersion: flinkVersions.slf4j,
      addOpens: addOpens().join(' '),
    }));
    add('README.md', render('flink/README.md.hbs', {
      lake,
      runtime: flinkVersions.runtimeEnvironment,
      flinkVersion: flinkVersions.flink,
      artifactId: flinkArtifact(lake),
      datasets: datasets.map((d) => ({ name: d.name, application: applicationName(lake, d.name), mode: d.mode, maxParallelism: maxParallelism(d), stream: d.source!.stream })),
      skipped: flinkSkipped(model).map((d) => ({ name: d.name, format: d.format })),
    }));
    add('.gitignore', 'target/\n');
    for (const f of packageFiles('runtime/java/src/main/java')) add(`src/main/java/${f.path}`, f.content);
    // FormattingTest checks lakec's own sources with google-java-format: not the project's concern.
    for (const f of packageFiles('runtime/java/src/test/java')) if (!f.path.endsWith('/FormattingTest.java')) add(`src/test/java/${f.path}`, f.content);
    // Every shared fixture (bitemporal/, current/, mapping/), as the runtime's tests read them.
    for (const f of packageFiles('test/vectors')) if (f.path.endsWith('.json')) add(`src/test/resources/vectors/${f.path}`, stableJson(JSON.parse(f.content)));
    for (const f of packageFiles('templates/flink/java')) add(`src/main/java/${f.path}`, f.content);
    for (const f of packageFiles('templates/flink/test')) add(`src/test/java/${f.path}`, f.content);
    for (const f of packageFiles('templates/flink/kinesis')) add(`src/kinesis/java/${f.path}`, f.content);
    add('src/main/resources/lakec/lake.json', stableJson({ lake, datasets: datasets.map((d) => d.name) }));
    for (const d of datasets) {
      add(`src/main/resources/lakec/datasets/${d.name}.json`, stableJson(jobSpec(model, d)));
      const sample = sampleEvents(datasetSpec(d));
      add(`src/test/resources/lakec/samples/${d.name}.json`, stableJson({
        events: sample.events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
        rows: sample.expect.rows,
        duplicates: sample.expect.duplicates,
        deadLetters: sample.expect.deadLetters,
        deadLetterReason: sample.expect.deadLetterReason,
      }));
    }
    add('src/test/resources/simplelogger.properties', 'org.slf4j.simpleLogger.defaultLogLevel=warn\n');
    return files;
  },
};
