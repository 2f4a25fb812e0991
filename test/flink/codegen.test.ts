/**
 * The flink/ target of lakec build, without running Maven: which datasets get an application,
 * what each dataset's job description says (identifier fields per mode, maxParallelism, the
 * dataset as the runtime reads it), that the shared Java runtime is written as it lives in
 * runtime/java, that every file carries the header and that two builds are byte-identical.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../compiler/codegen/generate.ts';
import { flinkDatasets, jobSpec, maxParallelism } from '../../compiler/codegen/flink/index.ts';
import { datasetSpec } from '../../compiler/codegen/processors/spec.ts';
import { packageFiles } from '../../compiler/codegen/templates.ts';
import { headerText } from '../../compiler/codegen/files.ts';
import { version } from '../../compiler/cli/commands.ts';
import type { LakeModel } from '../../compiler/model/model.ts';
import { compileAt, root } from '../support/compile.ts';

const examples = [
  { path: 'examples/audit-surveillance.lake', specName: 'audit-surveillance.lake' },
  { path: 'examples/retail-orders.lake', specName: 'retail-orders.lake' },
  { path: 'examples/iot-telemetry', specName: 'iot-telemetry' },
];

function modelOf(path: string): LakeModel {
  const c = compileAt(path);
  if (c.model === undefined) throw new Error(`${path} has errors`);
  return c.model;
}

function flinkFiles(path: string, specName: string): Map<string, string> {
  return new Map(generate({ model: modelOf(path), specName, lakecVersion: version }).filter((f) => f.path.startsWith('flink/')).map((f) => [f.path, f.content]));
}

describe.each(examples)('flink/ of $path', ({ path, specName }) => {
  const files = flinkFiles(path, specName);
  const model = modelOf(path);

  it('has an application for every Iceberg dataset with a stream, and a Maven project', () => {
    expect(files.has('flink/pom.xml')).toBe(true);
    const datasets = flinkDatasets(model).map((d) => d.name);
    expect(datasets.length).toBeGreaterThan(0);
    for (const d of datasets) expect(files.has(`flink/src/main/resources/lakec/datasets/${d}.json`)).toBe(true);
    expect(JSON.parse(files.get('flink/src/main/resources/lakec/lake.json')!)).toMatchObject({ lake: model.lake.name, datasets });
    // Every Java file is the same for every lake (formatted once, checked by runtime/java's FormattingTest).
    for (const p of files.keys()) if (p.endsWith('.java')) expect(p).toMatch(/^flink\/src\/(main|test|kinesis)\/java\/lakec\/(runtime|flink)\//);
  });

  it('writes the shared Java runtime and the shared fixtures exactly as they live in the repository', () => {
    for (const f of packageFiles('runtime/java/src/main/java')) expect(files.get(`flink/src/main/java/${f.path}`)).toBe(`// ${headerText({ specName, lakecVersion: version })}\n${f.content}`);
    for (const f of packageFiles('runtime/java/src/test/java')) {
      if (f.path.endsWith('/FormattingTest.java')) expect(files.has(`flink/src/test/java/${f.path}`)).toBe(false);
      else expect(files.get(`flink/src/test/java/${f.path}`)).toBe(`// ${headerText({ specName, lakecVersion: version })}\n${f.content}`);
    }
    const fixtures = packageFiles('test/vectors').filter((x) => x.path.endsWith('.json'));
    expect(fixtures.some((f) => f.path.startsWith('bitemporal/')) && fixtures.some((f) => f.path.startsWith('mapping/'))).toBe(true);
    for (const f of fixtures) {
      const copy = JSON.parse(files.get(`flink/src/test/resources/vectors/${f.path}`)!) as Record<string, unknown>;
      const { ['//']: header, ...rest } = copy;
      expect(header).toBe(headerText({ specName, lakecVersion: version }));
      expect(rest).toEqual(JSON.parse(f.content));
    }
  });

  it('describes each dataset: the runtime spec, the table, identifier fields by mode, a fixed maxParallelism', () => {
    for (const d of flinkDatasets(model)) {
      const job = JSON.parse(files.get(`flink/src/main/resources/lakec/datasets/${d.name}.json`)!) as Record<string, unknown>;
      expect(job).toMatchObject({ database: d.database, table: d.table, maxParallelism: maxParallelism(d) });
      expect(job['dataset']).toEqual(JSON.parse(JSON.stringify({ ...datasetSpec(d), mode: d.mode })));
      expect(job).toEqual({ '//': headerText({ specName, lakecVersion: version }), ...JSON.parse(JSON.stringify(jobSpec(model, d))) });
      if (d.mode === 'bitemporal') expect(job['identifierFields']).toEqual([...d.key, d.bitemporal!.validFrom, 'system_from']);
      else if (d.mode === 'current') expect(job['identifierFields']).toEqual([...d.key]);
      else expect(job['identifierFields']).toEqual([]);
      const kpu = Math.max(d.scaling?.baselineKpu ?? 1, ...(d.scaling?.peaks ?? []).map((p) => p.kpu));
      expect(maxParallelism(d)).toBeGreaterThanOrEqual(Math.max(128, 8 * kpu));
    }
  });

  it('puts the header on every file and builds byte-identical files twice', () => {
    for (const [p, content] of files) {
      const h = headerText({ specName, lakecVersion: version });
      if (p.endsWith('.json')) expect((JSON.parse(content) as Record<string, unknown>)['//'], p).toBe(h);
      else expect(content, p).toContain(h);
    }
    expect(flinkFiles(path, specName)).toEqual(files);
  });
});

describe('the reference spec', () => {
  it('sizes trades for its 64-KPU peak at up to 8 tasks per KPU, and keeps the raw JSON copy out', () => {
    const model = modelOf('examples/audit-surveillance.lake');
    expect(flinkDatasets(model).map((d) => d.name)).toEqual(['trades']);
    expect(maxParallelism(model.datasets.find((d) => d.name === 'trades')!)).toBe(512);
    const readme = flinkFiles('examples/audit-surveillance.lake', 'audit-surveillance.lake').get('flink/README.md')!;
    expect(readme).toContain('`trade_events_raw` (json)');
  });

  it('reads its pom versions from one place', () => {
    const pom = flinkFiles('examples/audit-surveillance.lake', 'audit-surveillance.lake').get('flink/pom.xml')!;
    expect(pom).toContain('<flink.version>2.2.0</flink.version>');
    expect((pom.match(/\$\{flink\.version\}/g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(readFileSync(join(root, 'templates/flink/pom.xml.hbs'), 'utf8')).not.toMatch(/<version>2\.2\.0<\/version>/);
  });
});
