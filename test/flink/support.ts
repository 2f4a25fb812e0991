/**
 * Helpers of the Flink tests: the generated flink/ project of a spec, written to a folder, and
 * Maven runs. These tests need Java 17 and Maven (test/setup.sh installs them and warms ~/.m2).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from '../../compiler/codegen/generate.ts';
import type { LakeModel } from '../../compiler/model/model.ts';
import { version } from '../../compiler/cli/commands.ts';
import { capture } from '../../compiler/cli/flinkEngine.ts';
import { root } from '../support/compile.ts';

/** Writes the flink/ files of a lake's build into `dir` (which becomes the Maven project). */
export function writeFlinkProject(model: LakeModel, specName: string, dir: string): number {
  const files = generate({ model, specName, lakecVersion: version }).filter((f) => f.path.startsWith('flink/'));
  for (const f of files) {
    const target = join(dir, f.path.slice('flink/'.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
  return files.length;
}

export interface MavenRun {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

/** Runs Maven in `cwd` (batch mode, without blocking the test worker); the output is kept for failure messages. */
export async function mvn(cwd: string, args: readonly string[]): Promise<MavenRun> {
  const started = Date.now();
  const r = await capture('mvn', ['-B', ...args], cwd);
  if (r.code === null) throw new Error(`cannot run Maven (test/setup.sh installs it): ${r.output}`);
  return { code: r.code, output: r.output, seconds: (Date.now() - started) / 1000 };
}

/** `lakec ARGS` as a real process (the built CLI), without blocking the test worker. */
export function lakecAsync(args: readonly string[], options: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(root, 'compiler/dist/lakec.js'), ...args], { cwd: options.cwd ?? root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolveRun({ code: null, stdout: '', stderr: e.message }));
    child.on('close', (code) => resolveRun({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** The end of a Maven output and its test summary lines, for an assertion message. */
export function mavenTail(output: string): string {
  const lines = output.split('\n');
  const summary = lines.filter((l) => /Tests run:|FAIL|ERROR\]/.test(l)).slice(0, 60);
  return [...summary, '...', ...lines.slice(-40)].join('\n');
}
