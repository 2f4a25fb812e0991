/**
 * Helpers of the Flink tests: the generated flink/ project of a spec, written to a folder, and
 * Maven runs. These tests need Java 17 and Maven (test/setup.sh installs them and warms ~/.m2).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from '../../compiler/codegen/generate.ts';
import type { LakeModel } from '../../compiler/model/model.ts';
import { version } from '../../compiler/cli/commands.ts';

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

/** Runs Maven in `cwd` (batch mode); the whole output is kept for the failure message. */
export function mvn(cwd: string, args: readonly string[]): MavenRun {
  const started = Date.now();
  const r = spawnSync('mvn', ['-B', ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error !== undefined) throw new Error(`cannot run Maven (test/setup.sh installs it): ${r.error.message}`);
  return { code: r.status, output: `${r.stdout}${r.stderr}`, seconds: (Date.now() - started) / 1000 };
}

/** The end of a Maven output and its test summary lines, for an assertion message. */
export function mavenTail(output: string): string {
  const lines = output.split('\n');
  const summary = lines.filter((l) => /Tests run:|FAIL|ERROR\]/.test(l)).slice(0, 60);
  return [...summary, '...', ...lines.slice(-40)].join('\n');
}
