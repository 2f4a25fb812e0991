/**
 * Building generated projects for tests: OUT folders live under test/build/out/ (ignored by git)
 * so the generated app resolves aws-cdk-lib and friends from the repository's node_modules.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GenContext } from '../../../compiler/codegen/files.ts';
import { generate } from '../../../compiler/codegen/generate.ts';
import { apply, plan } from '../../../compiler/codegen/writer.ts';
import type { LakeModel } from '../../../compiler/model/model.ts';
import { compileAt, root } from '../../support/compile.ts';

export const outRoot = join(root, 'test', 'build', 'out');

export interface Template {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, any>; readonly Metadata?: Record<string, any>; readonly DependsOn?: string | string[] }>;
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
  readonly template: Template;
  readonly stackName: string;
  /** The cloud assembly folder (templates for cfn-lint, the validation report). */
  readonly outdir: string;
}

/**
 * Synthesizes a generated app in this process, as its own `createApp` does: CloudFormation's
 * template validation and cdk-nag run and throw on any unacknowledged finding. Functions are not
 * bundled here (the repository does not install the SDK clients they bundle); the generated
 * project's own tests bundle them (test/build/project.test.ts).
 */
export async function synthesize(dir: string): Promise<Synthesized> {
  const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as {
    createApp(o: { outdir: string; context: Record<string, unknown> }): { app: { synth(): { getStackByName(n: string): { template: Template } } }; stack: { stackName: string } };
  };
  const outdir = join(dir, 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  const { app, stack } = createApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const assembly = app.synth();
  return { template: assembly.getStackByName(stack.stackName).template, stackName: stack.stackName, outdir };
}
