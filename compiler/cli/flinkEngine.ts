/**
 * `lakec replay --engine flink`: the dataset's generated Flink job (compiler/codegen/flink) built
 * with Maven and run in a local MiniCluster on a file of events, printing the stored rows as
 * `lakec replay` prints them. The build is cached by the hash of the generated project
 * (`$LAKEC_CACHE_DIR` or `~/.cache/lakec`, folder `flink/`), so only the first run of a spec pays
 * for Maven; a changed spec builds again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { LakeModel } from '../model/model.ts';
import { generate } from '../codegen/generate.ts';
import { flinkDatasets } from '../codegen/flink/index.ts';
import { addOpens } from '../codegen/flink/versions.ts';
import { UsageError } from './args.ts';
import { CommandFailure } from './runtimeCommands.ts';

/** A built generated Flink project: its folder and the class path of its local runner. */
export interface FlinkBuild {
  readonly dir: string;
  readonly classpath: string;
}

export function cacheRoot(): string {
  return process.env['LAKEC_CACHE_DIR'] ?? join(homedir(), '.cache', 'lakec');
}

/** The major version of the `java` on the PATH, or why there is none. */
function javaVersion(): number | string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error !== undefined) return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no java on the PATH' : r.error.message;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (m === null) return `cannot read the version of java (${(r.stderr || r.stdout).split('\n')[0]})`;
  const major = Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
  return major;
}

const toolsHelp = 'the Flink engine needs Java 17 or later and Maven 3.8 or later on the PATH (see docs/build.md, "Running the Flink job locally")';

/** Java 17+ (and Maven, to build), or a failure that says what to install. */
export function checkJavaAndMaven(maven: boolean): void {
  const v = javaVersion();
  if (typeof v === 'string') throw new CommandFailure(`${toolsHelp}: ${v}`);
  if (v < 17) throw new CommandFailure(`${toolsHelp}: java is version ${v}`);
  if (!maven) return;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error !== undefined) throw new CommandFailure(`${toolsHelp}: ${(mvn.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no mvn on the PATH' : mvn.error.message}`);
}

/** The generated flink/ files of a lake, and the hash that names their build. */
export function flinkProject(model: LakeModel, specName: string, lakecVersion: string): { files: { path: string; content: string }[]; hash: string } {
  const files = generate({ model, specName, lakecVersion })
    .filter((f) => f.path.startsWith('flink/'))
    .map((f) => ({ path: f.path.slice('flink/'.length), content: f.content }));
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update('\0').update(f.content).update('\0');
  return { files, hash: h.digest('hex').slice(0, 16) };
}

function mavenArgs(): string[] {
  return ['-B', '-q', ...(process.env['LAKEC_MAVEN_OFFLINE'] === '1' ? ['-o'] : [])];
}

/**
 * Builds (or finds built) the generated Flink project of `model`: `mvn compile` and the class
 * path of its runner. Builds in a fresh folder renamed into place, so two runs never share a
 * half-built project.
 */
export async function ensureFlinkBuild(model: LakeModel, specName: string, lakecVersion: string, notice: (m: string) => void): Promise<FlinkBuild> {
  const { files, hash } = flinkProject(model, specName, lakecVersion);
  const dir = join(cacheRoot(), 'flink', `${model.lake.name}-${hash}`);
  const classpathFile = join(dir, 'target', 'lakec-classpath.txt');
  if (existsSync(join(dir, 'target', '.lakec-built')) && existsSync(classpathFile)) {
    checkJavaAndMaven(false);
    return { dir, classpath: `${join(dir, 'target', 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}` };
  }
  checkJavaAndMaven(true);
  mkdirSync(dirname(dir), { recursive: true });
  const building = mkdtempSync(`${dir}.building-`);
  for (const f of files) {
    mkdirSync(dirname(join(building, f.path)), { recursive: true });
    writeFileSync(join(building, f.path), f.content);
  }
  notice(`building the Flink job of lake ${model.lake.name} with Maven (the first build of a machine downloads about 320 MB into ~/.m2; later builds of this spec are cached in ${dirname(dir)})`);
  const r = await capture('mvn', [...mavenArgs(), '-Dmaven.test.skip=true', 'compile', 'dependency:build-classpath', '-Dmdep.outputFile=target/lakec-classpath.txt', '-Dmdep.includeScope=test'], building);
  if (r.code !== 0) {
    const output = r.output.trim().split('\n').slice(-25).join('\n');
    rmSync(building, { recursive: true, force: true });
    throw new CommandFailure(`building the Flink job failed (mvn compile in the generated project):\n${output}`);
  }
  writeFileSync(join(building, 'target', '.lakec-built'), `${hash}\n`);
  try {
    renameSync(building, dir);
  } catch {
    // Another run built the same project meanwhile: use its folder.
    rmSync(building, { recursive: true, force: true });
  }
  return { dir, classpath: `${join(dir, 'target', 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}` };
}

/** Runs a command to its end without blocking the event loop; its output, interleaved. */
export function capture(command: string, args: readonly string[], cwd?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', (e) => resolveRun({ code: null, output: e.message }));
    child.on('close', (code) => resolveRun({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The java command line of the local runner. */
export function runnerCommand(build: FlinkBuild, args: readonly string[]): string[] {
  return [...addOpens(), '-Dorg.slf4j.simpleLogger.defaultLogLevel=off', '-cp', build.classpath, 'lakec.flink.LocalRunner', ...args];
}

export interface FlinkReplayFlags {
  readonly dataset: string;
  readonly events: string;
  readonly deadLetter?: string;
  readonly partitions?: string;
}

/** Runs the local runner with stdout and stderr passed through; resolves to its exit code. */
function runJava(args: readonly string[]): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? reject(new CommandFailure(`${toolsHelp}: no java on the PATH`)) : reject(e)));
    child.on('exit', (code, signal) => resolveRun(code ?? (signal !== null ? 1 : 0)));
  });
}

export async function flinkReplay(model: LakeModel, specPath: string, lakecVersion: string, flags: FlinkReplayFlags): Promise<number> {
  const d = model.datasets.find((x) => x.name === flags.dataset)!;
  if (!flinkDatasets(model).some((x) => x.name === d.name)) {
    throw new UsageError(`dataset '${d.name}' is a ${d.format} table: the Flink job covers Iceberg datasets only (${flinkDatasets(model).map((x) => x.name).join(', ') || 'none in this lake'}); replay it with --engine runtime`);
  }
  if (flags.partitions !== undefined && flags.partitions !== 'auto' && !/^[1-9]\d*$/.test(flags.partitions)) {
    throw new UsageError(`--partitions takes a positive whole number or auto, not '${flags.partitions}'`);
  }
  const build = await ensureFlinkBuild(model, basename(specPath.replace(/[\\/]+$/, '')), lakecVersion, (m) => process.stderr.write(`lakec replay: ${m}\n`));
  const work = mkdtempSync(join(tmpdir(), 'lakec-flink-'));
  try {
    const args = ['--dataset', d.name, '--events', flags.events, '--work', work];
    if (flags.deadLetter !== undefined) args.push('--dead-letter', flags.deadLetter);
    if (flags.partitions !== undefined && flags.partitions !== 'auto') args.push('--parallelism', flags.partitions);
    const code = await runJava(runnerCommand(build, args));
    if (code === 0) return 0;
    throw new CommandFailure(`the Flink job exited with code ${code} (its messages are above)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
