/**
 * HEAVY (npm install, about a minute with a warm npm cache): the project generated from the
 * reference spec is a project of its own. It is copied outside this repository, lakec is
 * installed into it from `npm pack` of this repository (as docs/build.md tells a team to do until
 * lakec is published), and its own `npm test` must pass: type-check, synthesis with the Lambda
 * functions bundled (AWS SDK included), cdk-nag, the security properties and the handlers' tests.
 * The repository's TypeScript then type-checks every generated file, SDK entry points included.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generate } from '../../compiler/codegen/generate.ts';
import { apply, plan } from '../../compiler/codegen/writer.ts';
import { compileAt, root } from '../support/compile.ts';

const work = mkdtempSync(join(tmpdir(), 'lakec-project-'));
afterAll(() => rm(work, { recursive: true, force: true }), 120_000);

/** Runs a command without blocking the test worker (npm install and npm test take a while). */
function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; stdout: string; output: string }> {
  // Without the parent `npm test`'s npm_* variables: the child npm works on its own project.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...env, CI: 'true', CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, output: `${stdout}\n${stderr}` }));
  });
}

it('installs lakec from npm pack, and its own npm test passes', async () => {
  const out = join(work, 'audit-surveillance');
  const files = generate({ model: compileAt('examples/audit-surveillance.lake').model!, specName: 'audit-surveillance.lake', lakecVersion: '0.1.0' });
  apply(out, files, plan(out, files));

  const packed = await run('npm', ['pack', '--silent', '--pack-destination', work], root);
  expect(packed.status, packed.output).toBe(0);
  const tarball = readdirSync(work).find((f) => /^lakec-.*\.tgz$/.test(f))!;
  const pkgPath = join(out, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies: Record<string, string> };
  expect(pkg.dependencies['lakec']).toBe('0.1.0');
  pkg.dependencies['lakec'] = `file:${join(work, tarball)}`;
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');

  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], out);
  expect(install.status, install.output).toBe(0);
  // The lakec CLI of the installed package checks the project it generated.
  const check = await run(join(out, 'node_modules', '.bin', 'lakec'), ['build', join(root, 'examples', 'audit-surveillance.lake'), '-o', out, '--check'], out);
  // Only the lakec dependency was rewritten above.
  expect(check.stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim()), check.output).toEqual(['changed  package.json']);

  const test = await run('npm', ['test'], out);
  expect(test.status, test.output.slice(-6000)).toBe(0);
  expect(test.output).toMatch(/# fail 0/);

  const tsc = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(out, 'tsconfig.json'), '--noEmit'], out);
  expect(tsc.status, tsc.output).toBe(0);
}, 600_000);
