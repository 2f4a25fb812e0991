/**
 * HEAVY (npm install from the registry, about two minutes with a warm npm cache): the project
 * `lakec build` writes for the reference spec is a project of its own, as a team gets it.
 *
 * It is committed to a git repository and cloned (a real `git clone`): `lakec build --check`
 * passes on the clone. In the clone, the commands of the generated README's "Deploy" section run
 * in order, as written: `npm install` (public packages only: nothing named lakec), `npm test`
 * (type-check, synthesis with the functions bundled, cdk-nag, the handlers and processors) and
 * `npx cdk synth` through the real cdk CLI with the README's `--context lakec:admins=...`; only
 * `npm run deploy` (the preflight, then cdk deploy) is left out, and so is the step that builds the
 * Flink jar with the Kinesis profile (`mvn -Pkinesis package`), which cannot build here
 * (docs/build.md): the project's own stand-in jar (test/stand-in-jar.ts) is put where that step
 * leaves the jar. Synthesis without an administrator fails with lakec's message and no stack
 * trace. A processor runs on the vendored runtime into a DuckDB warehouse on two partition
 * workers (lakec/worker.js), with the packages the project installed. Afterwards `--check` still
 * passes and git sees no tracked file changed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sampleEvents } from '../../compiler/codegen/processors/sample.ts';
import { datasetSpec } from '../../compiler/codegen/processors/spec.ts';
import { compileAt, root } from '../support/compile.ts';

const work = mkdtempSync(join(tmpdir(), 'lakec-project-'));
afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

const lakec = join(root, 'compiler', 'dist', 'lakec.js');
const spec = join(root, 'examples', 'audit-surveillance.lake');
const account = '111122223333';

/** Runs a command without blocking the test worker (npm install and npm test take a while). */
function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string; output: string }> {
  // Without the parent `npm test`'s npm_* variables: the child npm works on its own project. Only
  // npm's own settings below (no audit, the local cache first); the commands are the README's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && !k.startsWith('AWS_') && k !== 'CDK_DEFAULT_ACCOUNT'));
  const settings = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  const git = { GIT_AUTHOR_NAME: 'lakec test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'lakec test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...env, ...settings, ...git, CI: 'true', CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

/** The shell commands of the README's "Deploy" section, comments removed. */
function deploySteps(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Deploy'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('the README has no sh block under "## Deploy"');
  return block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '');
}

it('a clone of the committed project passes --check; the README\'s steps install, test and synthesize it from the registry; --check still passes', async () => {
  const committed = join(work, 'committed');
  const built = await run(process.execPath, [lakec, 'build', spec, '-o', committed], root);
  expect(built.status, built.output).toBe(0);
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'the generated project']]) {
    const g = await run('git', args, committed);
    expect(g.status, g.output).toBe(0);
  }
  const tracked = (await run('git', ['ls-files'], committed)).stdout.split('\n');
  expect(tracked).toContain('.lakec/manifest.json');
  expect(tracked).toContain('lakec/runtime.js');

  const clone = join(work, 'clone');
  const cloned = await run('git', ['clone', '-q', committed, clone], work);
  expect(cloned.status, cloned.output).toBe(0);
  const check = (): Promise<{ status: number | null; output: string }> => run(process.execPath, [lakec, 'build', spec, '-o', clone, '--check'], root);
  const fresh = await check();
  expect(fresh.status, fresh.output).toBe(0);
  expect(fresh.output).toMatch(/is up to date/);

  const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((d) => /lakec/.test(d))).toEqual([]);

  const steps = deploySteps(readFileSync(join(clone, 'README.md'), 'utf8'));
  expect(steps.map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual(['npm install', 'npm test', '(cd flink &&', 'npx cdk synth', 'npm run deploy']);
  expect(steps[2]).toBe('(cd flink && mvn -Pkinesis package)');
  // Everything but the deployment (which needs an account; test/build/preflight.test.ts runs its preflight).
  for (const step of steps.filter((s) => !s.startsWith('npm run deploy'))) {
    if (step.includes('mvn -Pkinesis')) {
      // What the step builds, as a stand-in: the Kinesis connector's Flink-2 build does not resolve here.
      const jar = join(clone, 'flink', 'target', 'audit-surveillance-flink-0.1.0.jar');
      const script = join(work, 'stand-in-jar.mts');
      writeFileSync(script, [
        `import { renameSync, mkdirSync } from 'node:fs';`,
        `import { standInJar } from ${JSON.stringify(join(clone, 'test', 'stand-in-jar.ts'))};`,
        `import { lake } from ${JSON.stringify(join(clone, 'infra', 'lake.ts'))};`,
        `mkdirSync(${JSON.stringify(join(clone, 'flink', 'target'))}, { recursive: true });`,
        `renameSync(standInJar(lake.flink!.kinesisSourceEntry), ${JSON.stringify(jar)});`,
      ].join('\n'));
      const r = await run(join(clone, 'node_modules', '.bin', 'tsx'), [script], clone);
      expect(r.status, r.output).toBe(0);
      continue;
    }
    const r = await run('bash', ['-c', step.replace(/ACCOUNT/g, account)], clone);
    expect(r.status, `${step}\n${r.output.slice(-6000)}`).toBe(0);
    if (step === 'npm test') expect(r.output).toMatch(/# fail 0/);
  }
  // The real cdk CLI handed the README's admins over as a string; the stack read them as a list.
  const template = JSON.parse(readFileSync(join(clone, 'cdk.out', 'AuditSurveillanceLake.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
  const settings = Object.values(template.Resources).find((r) => r.Type === 'AWS::LakeFormation::DataLakeSettings')!;
  expect(settings.Properties['Admins'].slice(1)).toEqual([{ DataLakePrincipalIdentifier: `arn:aws:iam::${account}:role/YourLakeAdmin` }]);
  // Synthesized with bundling: each function (catalog resources, permissions check, Flink control,
  // catalog API) its own asset; the jar one too.
  const keys = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties['Code'].S3Key as string);
  expect(keys.length).toBe(4);
  expect(new Set(keys).size).toBe(4);
  expect(readdirSync(join(clone, 'cdk.out')).filter((f) => f.startsWith('asset.')).length).toBeGreaterThanOrEqual(5);
  expect(readdirSync(join(clone, 'cdk.out')).some((f) => /^asset\.[0-9a-f]{64}\.jar$/.test(f))).toBe(true);

  const noAdmin = await run('npx', ['cdk', 'synth'], clone);
  expect(noAdmin.status).not.toBe(0);
  expect(noAdmin.stderr).toContain('lakec: context lakec:admins: no Lake Formation administrator given');
  expect(noAdmin.stderr).not.toMatch(/^\s+at /m);

  // The vendored runtime runs a processor from a file into a warehouse, on two partition workers.
  const events = join(work, 'trades.jsonl');
  writeFileSync(events, sampleEvents(datasetSpec(compileAt('examples/audit-surveillance.lake').model!.datasets.find((d) => d.name === 'trades')!)).events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n');
  const script = join(work, 'run-trades.mts');
  writeFileSync(script, [
    `import { Processor } from ${JSON.stringify(join(clone, 'lakec', 'runtime.js'))};`,
    `import { trades } from ${JSON.stringify(join(clone, 'processors', 'trades.ts'))};`,
    `const result = await trades.run(Processor.file(${JSON.stringify(events)}), { warehouse: ${JSON.stringify(join(work, 'warehouse'))}, partitions: 2 });`,
    'process.stdout.write(JSON.stringify(result.run));',
  ].join('\n'));
  const ran = await run(join(clone, 'node_modules', '.bin', 'tsx'), [script], work);
  expect(ran.status, ran.output).toBe(0);
  expect(JSON.parse(ran.stdout)).toMatchObject({ recordsIn: 4, deadLetters: 1, duplicates: 1 });

  const after = await check();
  expect(after.status, after.output).toBe(0);
  // npm install, npm test and cdk synth changed no tracked file; npm wrote the lock (the team's).
  const status = await run('git', ['status', '--porcelain'], clone);
  expect(status.stdout.split('\n').filter((l) => l !== '')).toEqual(['?? package-lock.json']);
}, 900_000);
