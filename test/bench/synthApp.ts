/**
 * Synthesizes one generated app in a fresh process and prints its timings as JSON: what a
 * developer waits for on `cdk synth` (template validation and cdk-nag included; the Lambda
 * functions are not bundled). Used by test/bench/build.ts: `tsx test/bench/synthApp.ts OUT`.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2]!;
const t0 = performance.now();
const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as {
  createApp(o: { outdir: string; context: Record<string, unknown> }): { app: { synth(): unknown } };
};
const outdir = join(dir, 'cdk.out');
rmSync(outdir, { recursive: true, force: true });
const { app } = createApp({ outdir, context: { 'aws:cdk:bundling-stacks': [], 'lakec:admins': ['arn:aws:iam::111122223333:role/LakeAdmin'] } });
const t1 = performance.now();
app.synth();
const t2 = performance.now();
const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json')).length;
process.stdout.write(JSON.stringify({ loadMs: t1 - t0, synthMs: t2 - t1, templates }) + '\n');
