/**
 * Building generated projects for tests: OUT folders live under test/build/out/ (ignored by git)
 * so the generated app resolves aws-cdk-lib and friends from the repository's node_modules.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GenContext } from '../../../compiler/codegen/files.ts';
import { generate } from '../../../compiler/codegen/generate.ts';
import { apply, plan } from '../../../compiler/codegen/writer.ts';
import type { LakeModel } from '../../../compiler/model/model.ts';
import { compileAt, root } from '../../support/compile.ts';

export const outRoot = join(root, 'test', 'build', 'out');

export interface Template {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, any>; readonly Metadata?: Record<string, any>; readonly DependsOn?: string | string[]; readonly DeletionPolicy?: string; readonly UpdateReplacePolicy?: string }>;
}

/** Writes the project generated from `model` into test/build/out/<name> (emptied first). */
export function buildModel(model: LakeModel, name: string, specName = `${name}.lake`): string {
  const dir = join(outRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ctx: GenContext = { model, specName, lakecVersion: '0.1.0' };
  const files = generate(ctx);
  apply(dir, files, plan(dir, files));
  return dir;
}

export function buildExample(example: string): { dir: string; model: LakeModel } {
  const c = compileAt(example);
  if (c.model === undefined) throw new Error(`${example} does not compile`);
  const name = example.replace(/^examples\//, '').replace(/\.lake$/, '').replace(/\/$/, '');
  return { dir: buildModel(c.model, name, name.endsWith('telemetry') ? name : `${name}.lake`), model: c.model };
}

export interface Synthesized {
  /** The parent stack's template. */
  readonly template: Template;
  /** Every template of the app, parent and nested stacks, by file name in `outdir`. */
  readonly templates: ReadonlyMap<string, Template>;
  readonly stackName: string;
  /** Asset hash -> file in `outdir` (a nested stack's TemplateURL ends with `/<hash>.json`). */
  readonly assets: ReadonlyMap<string, string>;
  /** The cloud assembly folder (templates for cfn-lint, the validation report). */
  readonly outdir: string;
}

/**
 * All of an app's resources in one template: the parent's under their logical ids, a nested
 * stack's under `<nested stack resource id>/<logical id>`, with the nested stack's parameters
 * replaced by the values the parent passes (so references reach the parent's resources). As
 * CloudFormation orders them: a nested resource starts after what its nested stack resource
 * depends on (it inherits those dependencies), and the nested stack resource is complete, for
 * whatever depends on it, once every nested resource is (it depends on each).
 */
export function mergedTemplate(s: Synthesized): Template {
  const parent = s.template;
  const resources: Record<string, Template['Resources'][string]> = {};
  for (const [id, r] of Object.entries(parent.Resources)) resources[id] = r;
  const dependenciesOf = (r: Template['Resources'][string]): string[] => (r.DependsOn === undefined ? [] : typeof r.DependsOn === 'string' ? [r.DependsOn] : r.DependsOn);
  for (const [stackId, r] of Object.entries(parent.Resources)) {
    if (r.Type !== 'AWS::CloudFormation::Stack') continue;
    const hash = /\/([0-9a-f]{64})\.json"/.exec(JSON.stringify(r.Properties?.['TemplateURL']))?.[1];
    const file = hash !== undefined ? s.assets.get(hash) : undefined;
    const nested = file !== undefined ? s.templates.get(file) : undefined;
    if (nested === undefined) throw new Error(`no nested template ${file}`);
    const parameters = (r.Properties?.['Parameters'] ?? {}) as Record<string, unknown>;
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (typeof v !== 'object' || v === null) return v;
      const o = v as Record<string, unknown>;
      if (typeof o['Ref'] === 'string' && Object.keys(o).length === 1) {
        if (o['Ref'] in parameters) return parameters[o['Ref']];
        if (o['Ref'].startsWith('AWS::')) return o;
        return { Ref: `${stackId}/${o['Ref']}` };
      }
      if (Array.isArray(o['Fn::GetAtt']) && Object.keys(o).length === 1) {
        const [id, attr] = o['Fn::GetAtt'] as [string, string];
        return { 'Fn::GetAtt': [`${stackId}/${id}`, attr] };
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rewrite(x)]));
    };
    const stackDeps = dependenciesOf(r);
    for (const [id, nr] of Object.entries(nested.Resources)) {
      resources[`${stackId}/${id}`] = {
        ...nr,
        ...(nr.Properties !== undefined ? { Properties: rewrite(nr.Properties) as Record<string, unknown> } : {}),
        DependsOn: [...dependenciesOf(nr).map((d) => `${stackId}/${d}`), ...stackDeps],
      };
    }
    resources[stackId] = { ...r, DependsOn: [...stackDeps, ...Object.keys(nested.Resources).map((id) => `${stackId}/${id}`)] };
  }
  return { Resources: resources };
}

/** The Lake Formation administrator every test synthesis names (context `lakec:admins`). */
export const testAdmin = 'arn:aws:iam::111122223333:role/LakeAdmin';

/**
 * The context that hands a generated app a stand-in for the Flink applications' jar, when its
 * lake has Flink applications: the generated project's own test helper (test/stand-in-jar.ts, an
 * archive of empty files named as the real jar's classes) writes it into the project. The real jar
 * needs the Maven profile `kinesis`, which does not build here (docs/build.md).
 */
export async function standInJarContext(dir: string): Promise<Record<string, string>> {
  const helper = join(dir, 'test', 'stand-in-jar.ts');
  if (!existsSync(helper)) return {};
  const { standInJar } = (await import(pathToFileURL(helper).href)) as { standInJar(entry: string, dir: string): string };
  const { lake } = (await import(pathToFileURL(join(dir, 'infra', 'lake.ts')).href)) as { lake: { flink?: { kinesisSourceEntry: string } } };
  return { 'lakec:flinkJar': standInJar(lake.flink!.kinesisSourceEntry, dir) };
}

export interface SynthOptions {
  /** Bundle the Lambda functions (esbuild, the AWS SDK included), as `cdk synth` does. Default true. */
  readonly bundling?: boolean;
  /** Context besides `lakec:admins` (default `testAdmin`) and `lakec:flinkJar` (default `standInJarContext`). */
  readonly context?: Record<string, unknown>;
  /** The cloud assembly folder under the project (default cdk.out). */
  readonly outdir?: string;
}

/**
 * Synthesizes a generated app in this process, as its own `createApp` does: CloudFormation's
 * template validation and cdk-nag run and throw on any unacknowledged finding, and the functions
 * are bundled (their AWS SDK clients are lakec's development dependencies, at the versions the
 * generated package.json pins).
 */
export async function synthesize(dir: string, options: SynthOptions = {}): Promise<Synthesized> {
  const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as {
    createApp(o: { outdir: string; context: Record<string, unknown> }): { app: { synth(): { getStackByName(n: string): { template: Template } } }; stack: { stackName: string } };
  };
  const outdir = join(dir, options.outdir ?? 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  const context = { 'lakec:admins': [testAdmin], ...(await standInJarContext(dir)), ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}), ...options.context };
  const { app, stack } = createApp({ outdir, context });
  const assembly = app.synth();
  const templates = new Map<string, Template>();
  for (const f of readdirSync(outdir).filter((n) => n.endsWith('.template.json')).sort()) templates.set(f, JSON.parse(readFileSync(join(outdir, f), 'utf8')) as Template);
  const manifest = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const assets = new Map(Object.entries(manifest.files).map(([hash, f]) => [hash, f.source.path]));
  return { template: assembly.getStackByName(stack.stackName).template, templates, stackName: stack.stackName, assets, outdir };
}
