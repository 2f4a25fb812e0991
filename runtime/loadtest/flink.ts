/**
 * The `flink` target: the dataset's generated Flink job (the project's flink/, the Managed Flink
 * application's code) in a local MiniCluster, through its local runner
 * (`lakec.flink.LocalRunner`): RocksDB state, checkpoints, the Iceberg sink on a local
 * HadoopCatalog folder, dead letters as files. The project is compiled with Maven (`mvn
 * compile`, incremental), the generator's events are written to a file, and the runner reads
 * that file as its source (as `lakec replay --engine flink` does).
 *
 * What it measures: the job's intake rate over the whole run (the MiniCluster's start and the
 * last Iceberg commit included, so it understates a running application's rate), and every
 * count: events, dead letters, duplicates, rule-5 raises, late events, the table's rows. The
 * runner reports no per-checkpoint commit times, so latency from arrival to queryable is not
 * measured here (every event was queryable once the run ended, which the report says); the
 * local and kinesis targets measure it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { emptyMetrics } from '../metrics.ts';
import { measureGenerator, newGenerator, phase, type GeneratorSettings } from './local.ts';
import type { ProgressLine } from './progress.ts';
import { buildReport, type LoadTestReport, type LoadTestSpec, type Phase } from './report.ts';

export class FlinkTargetError extends Error {
  override readonly name = 'FlinkTargetError';
}

export interface FlinkOptions extends GeneratorSettings {
  /** The generated project's root (its flink/ folder is built). */
  readonly root: string;
  readonly partitions: number;
  readonly checkpointMs: number;
  /** A work folder (emptied first). */
  readonly work: string;
  readonly progress?: ProgressLine;
}

function run(command: string, args: readonly string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', (e) => resolve({ code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tools = 'the flink target needs Java 17 or later and Maven 3.8 or later on the PATH';

function checkTools(): void {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined) throw new FlinkTargetError(`${tools}: no java on the PATH`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${java.stderr}${java.stdout}`);
  const major = m === null ? 0 : Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
  if (major < 17) throw new FlinkTargetError(`${tools}: java is version ${major || 'unknown'}`);
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error !== undefined) throw new FlinkTargetError(`${tools}: no mvn on the PATH`);
}

/**
 * What the runner's summary line counts. It is `lakec replay`'s accounting line (docs/runtime.md,
 * "Dead letters"): `trades: 1,000 lines read: 900 changed the table, 80 changed nothing, 10
 * duplicates, 9 dead letters, 1 blank line skipped; 5 adjusted system times, 2 late events`.
 */
export interface RunnerSummary {
  lines: number;
  changed: number;
  unchanged: number;
  duplicates: number;
  deadLetters: number;
  blankLines: number;
  adjusted: number;
  late: number;
}

/** The last summary line for `dataset` in the runner's stderr, or undefined when it printed none. */
export function parseRunnerSummary(dataset: string, stderr: string): RunnerSummary | undefined {
  const n = (s: string): number => Number(s.replace(/,/g, ''));
  const re =
    /^(.+): ([\d,]+) lines? read: ([\d,]+) changed the table, ([\d,]+) changed nothing, ([\d,]+) duplicates?, ([\d,]+) dead letters?(?: \(.*?\))?, ([\d,]+) blank lines? skipped; ([\d,]+) adjusted system times?, ([\d,]+) late events?$/;
  for (const line of stderr.split('\n').reverse()) {
    const m = re.exec(line.trim());
    if (m !== null && m[1] === dataset) {
      const [lines, changed, unchanged, duplicates, deadLetters, blankLines, adjusted, late] = m.slice(2).map(n) as [number, number, number, number, number, number, number, number];
      return { lines, changed, unchanged, duplicates, deadLetters, blankLines, adjusted, late };
    }
  }
  return undefined;
}

export async function runFlink(test: LoadTestSpec, o: FlinkOptions): Promise<LoadTestReport> {
  if (test.flink === undefined) {
    throw new FlinkTargetError(`dataset '${test.dataset.name}' has no Flink application (the Flink build covers Iceberg datasets fed by a stream); load test it with --target local or kinesis`);
  }
  const project = join(o.root, 'flink');
  if (!existsSync(join(project, 'pom.xml'))) throw new FlinkTargetError(`the Flink project is missing (${project}/pom.xml): run lakec build for this lake`);
  checkTools();
  const phases: Phase[] = [];
  const loadStart = loadavg();
  const startedAt = Date.now();
  const alone = await measureGenerator(test, o, phases, o.progress);
  rmSync(o.work, { recursive: true, force: true });
  mkdirSync(o.work, { recursive: true });
  const classpathFile = join(o.work, 'classpath.txt');
  const build = await phase(phases, 'build the Flink job (mvn compile)', undefined, () =>
    run('mvn', ['-B', '-q', ...(process.env['LAKEC_MAVEN_OFFLINE'] === '1' ? ['-o'] : []), '-Dmaven.test.skip=true', 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`, '-Dmdep.includeScope=test'], project),
    true,
  );
  if (build.code !== 0) throw new FlinkTargetError(`building the Flink job failed (mvn compile in ${project}):\n${`${build.stdout}${build.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
  const classpath = `${join(project, 'target', 'classes')}:${readFileSync(classpathFile, 'utf8').trim()}`;

  // The events, as a file the runner's source reads.
  const events = join(o.work, 'events.jsonl');
  const generator = newGenerator(test, o);
  await phase(phases, 'write the events file', o.records, () => {
    const fd = openSync(events, 'w');
    try {
      const batch: string[] = [];
      for (let done = 0; done < o.records; ) {
        const n = Math.min(4096, o.records - done);
        batch.length = 0;
        generator.fill(n, batch);
        writeSync(fd, `${batch.join('\n')}\n`);
        done += n;
        o.progress?.update({ phase: 'events file', done, total: o.records });
      }
    } finally {
      closeSync(fd);
    }
    o.progress?.done();
  });
  const rows = join(o.work, 'rows.jsonl');
  const deadLetters = join(o.work, 'dead-letters.jsonl');
  const jvm = [...test.flink.jvmArgs, '-Dorg.slf4j.simpleLogger.defaultLogLevel=off', '-cp', classpath, test.flink.runner];
  const args = ['--dataset', test.dataset.name, '--events', events, '--work', join(o.work, 'job'), '--rows', rows, '--dead-letter', deadLetters, '--parallelism', String(o.partitions), '--checkpoint-ms', String(o.checkpointMs)];
  const runStart = Date.now();
  const job = await phase(phases, 'process (MiniCluster)', o.records, () => run('java', [...jvm, ...args]), true);
  const runEnd = Date.now();
  if (job.code !== 0) throw new FlinkTargetError(`the Flink job failed (exit ${job.code}):\n${job.stderr.trim().split('\n').slice(-20).join('\n')}`);
  const summary = parseRunnerSummary(test.dataset.name, job.stderr);
  if (summary === undefined) throw new FlinkTargetError(`the Flink runner printed no summary line:\n${job.stderr.trim().split('\n').slice(-10).join('\n')}`);
  const tableRows = readFileSync(rows, 'utf8').split('\n').filter((l) => l !== '').length;
  const deadLetterLines = existsSync(deadLetters) ? readFileSync(deadLetters, 'utf8').split('\n').filter((l) => l !== '').length : 0;
  const metrics = emptyMetrics();
  metrics.recordsIn = summary.lines;
  metrics.changed = summary.changed;
  metrics.unchanged = summary.unchanged;
  metrics.duplicates = summary.duplicates;
  metrics.deadLetters = summary.deadLetters;
  metrics.blankLines = summary.blankLines;
  metrics.adjustedSystemTimes = summary.adjusted;
  metrics.lateEvents = summary.late;
  metrics.rowsOut = tableRows;
  const notes = [
    `the MiniCluster reads the events from a file as fast as it can: the offered rate is not applied, and the intake rate includes the cluster's start and the last Iceberg commit (${((runEnd - runStart) / 1000).toFixed(1)} s for the whole job)`,
    'latency to queryable is not measured on this target (the runner reports no commit times): every event was queryable when the job ended',
  ];
  writeFileSync(join(o.work, 'runner-stderr.txt'), job.stderr);
  return buildReport({
    test,
    target: 'flink',
    startedAt,
    seed: o.seed,
    scale: o.scale,
    rate: null,
    mix: o.mix,
    generator,
    generatorAlone: alone,
    metrics,
    tracker: null,
    intake: { records: summary.lines, firstAt: runStart, lastAt: runEnd },
    phases,
    queryable: `Not measured per event: the Flink job (local MiniCluster, parallelism ${o.partitions}, a checkpoint every ${o.checkpointMs} ms with an Iceberg commit) ran from its start to its last commit in ${((runEnd - runStart) / 1000).toFixed(1)} s, after which every row was queryable in the Iceberg table.`,
    checkpointPolicy: { events: Number.MAX_SAFE_INTEGER, ms: o.checkpointMs },
    verified: { table_rows: tableRows, dead_letter_rows: deadLetterLines },
    notes,
    loadStart,
  });
}
