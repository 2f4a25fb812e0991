/**
 * `lakec run`, `lakec replay` and `lakec query`: the local runtime on the command line. Loaded
 * only when one of them runs (commands.ts imports this file lazily), and DuckDB, a native
 * module, only once a warehouse is opened, so that `lakec check` starts as fast as before.
 */
import { accessSync, constants, createReadStream, existsSync, fstatSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { dirname, join, resolve } from 'node:path';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import type { Progress } from '../../runtime/job.ts';
import type { Metrics } from '../../runtime/metrics.ts';
import type { Warehouse } from '../../runtime/sink/duckdb.ts';
import { counted } from '../diagnostics/render.ts';
import { closest } from '../diagnostics/suggest.ts';
import type { LakeModel } from '../model/model.ts';
import { datasetSpec, streamDatasets } from '../codegen/processors/spec.ts';
import { UsageError } from './args.ts';
import { compilePath, printDiagnostics } from './commands.ts';

/** A failure the user can act on, reported as one message with exit code 1 (not a bug). */
export class CommandFailure extends Error {}

/** The spec's model, or the exit code after printing why there is none. */
export function loadModel(path: string, command: string): LakeModel | number {
  const result = compilePath(path, command);
  if (result.sources.length === 0) {
    printDiagnostics(result.diagnostics, result.sources, 'text', process.stderr);
    return 2;
  }
  if (!('model' in result) || result.model === undefined) {
    printDiagnostics(result.diagnostics, result.sources, 'text', process.stderr);
    process.stderr.write('the spec has errors; fix them first (lakec check)\n');
    return 1;
  }
  return result.model;
}

/** The runtime description of the dataset NAME, or a usage error naming the choices. */
export function streamDataset(model: LakeModel, name: string | undefined): DatasetSpec {
  const runnable = streamDatasets(model).map((d) => d.name);
  if (name === undefined) throw new UsageError(`--dataset is required (datasets fed by a stream: ${runnable.join(', ') || 'none'})`);
  const d = model.datasets.find((x) => x.name === name);
  if (d === undefined) {
    const guess = closest(name, model.datasets.map((x) => x.name));
    throw new UsageError(`no dataset '${name}' in lake '${model.lake.name}'${guess !== undefined ? `; did you mean '${guess}'?` : ''} (datasets fed by a stream: ${runnable.join(', ') || 'none'})`);
  }
  if (d.mode === 'external') {
    throw new UsageError(`dataset '${name}' is not fed by a stream (other tools load it); the runtime processes ${runnable.join(', ') || 'no dataset of this lake'}`);
  }
  return datasetSpec(d);
}

/** Default warehouse: `.lakec/warehouse` beside the spec (inside a spec folder). */
export function warehouseDir(specPath: string, flag: string | undefined): string {
  if (flag !== undefined) return resolve(flag);
  const abs = resolve(specPath.replace(/[\\/]+$/, ''));
  const base = existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
  return join(base, '.lakec', 'warehouse');
}

function readableFile(path: string | undefined, flag: string): string {
  if (path === undefined) throw new UsageError(`${flag} FILE is required`);
  try {
    if (!statSync(path).isFile()) throw new UsageError(`'${path}' is not a file`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return path;
}

/** Files this large are worth the partition workers' start-up (a few hundred milliseconds). */
const PARTITION_FROM_BYTES = 64 * 1024 * 1024;

/** `--partitions`: a number, or `auto` (the default): one for small files, one per core beyond 64 MiB. */
function partitionsFor(value: string | undefined, events: string): number {
  if (value === undefined || value === 'auto') return statSync(events).size >= PARTITION_FROM_BYTES ? Math.max(1, availableParallelism()) : 1;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--partitions takes a positive whole number or auto, not '${value}'`);
  return Number(value);
}

/**
 * A larger young generation for the thread that processes events (the workers get theirs from
 * the pool): most of an event's objects then die young instead of being promoted, which cuts
 * the garbage collector's share by about half (docs/runtime.md). Set before the job allocates.
 */
function tuneHeap(): void {
  setFlagsFromString('--max-semi-space-size=64');
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} takes a positive whole number, not '${value}'`);
  return Number(value);
}

/** Opens a warehouse database, turning DuckDB's lock error into a message. */
async function openWarehouse(path: string, readOnly: boolean): Promise<Warehouse> {
  const { Warehouse } = await import('../../runtime/sink/duckdb.ts');
  try {
    return await Warehouse.open(path, { readOnly });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(message)) throw new CommandFailure(`the warehouse ${path} is in use by another process (a running lakec run?): ${message.split('\n')[0]}`);
    throw new CommandFailure(`cannot open the warehouse ${path}: ${message.split('\n')[0]}`);
  }
}

/**
 * The worker script of the bundled CLI (compiler/dist/lakec-worker.js, beside the entry point;
 * this code may sit in a chunk one folder down); the sources use the runtime's default.
 */
function workerOption(): { worker: { url: URL } } | Record<string, never> {
  if (!import.meta.url.endsWith('.js')) return {};
  const inChunk = new URL('.', import.meta.url).pathname.endsWith('/chunks/');
  return { worker: { url: new URL(inChunk ? '../lakec-worker.js' : './lakec-worker.js', import.meta.url) } };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Progress on stderr: one rewritten line on a terminal, a line every 10 seconds otherwise; and
 * a line per committed checkpoint (what a restart would resume from).
 */
function progressReporter(dataset: string): { onProgress: (p: Progress) => void; onCommit: (checkpoint: number, m: Metrics) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let lastLine = 0;
  return {
    onCommit(checkpoint, m) {
      process.stderr.write(`${shown ? '\r\u001b[2K' : ''}lakec run: ${dataset}: checkpoint ${checkpoint} committed (${fmt(m.recordsIn)} lines in all)\n`);
      shown = false;
    },
    onProgress(p) {
      const now = Date.now();
      if (!tty && now - lastLine < 10_000) return;
      lastLine = now;
      const pct = p.bytes !== undefined && p.bytes.total > 0 ? ` (${((100 * p.bytes.read) / p.bytes.total).toFixed(0)}%)` : '';
      const line = `${dataset}: ${counted(p.recordsIn, 'line')}${pct}, ${fmt(p.recordsIn / (p.elapsedMs / 1000))} lines/s, ${counted(p.metrics.deadLetters, 'dead letter')}`;
      if (tty) {
        process.stderr.write(`\r\u001b[2K${line}`);
        shown = true;
      } else {
        process.stderr.write(line + '\n');
      }
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[2K');
    },
  };
}

/**
 * Where every line read went (docs/runtime.md, "Dead letters"): lines read = changed +
 * unchanged + duplicates + dead letters + blank lines.
 */
function accounting(m: Metrics, keepHint = ''): string {
  return (
    `${fmt(m.changed)} changed the table, ${fmt(m.unchanged)} changed nothing, ${counted(m.duplicates, 'duplicate')}, ` +
    `${counted(m.deadLetters, 'dead letter')}${keepHint}, ${counted(m.blankLines, 'blank line')} skipped; ${counted(m.adjustedSystemTimes, 'adjusted system time')}, ${counted(m.lateEvents, 'late event')}`
  );
}

function summary(dataset: string, m: Metrics, run: Metrics, elapsedMs: number): string {
  return (
    `${dataset}: ${counted(run.recordsIn, 'line')} read (${fmt(run.recordsIn / Math.max(elapsedMs / 1000, 0.001))}/s): ${accounting(run)}; ` +
    `${counted(run.rowsOut, 'row write')}. Table totals: ${counted(m.recordsIn, 'line')}, ${counted(m.deadLetters, 'dead letter')}, ${counted(m.checkpoints, 'checkpoint')}.`
  );
}

export interface RunFlags {
  readonly dataset?: string;
  readonly events?: string;
  readonly warehouse?: string;
  readonly partitions?: string;
  readonly checkpointEvery?: string;
}

export async function runCommand(path: string, flags: RunFlags): Promise<number> {
  const model = loadModel(path, 'run');
  if (typeof model === 'number') return model;
  const spec = streamDataset(model, flags.dataset);
  const events = readableFile(flags.events, '--events');
  const partitions = partitionsFor(flags.partitions, events);
  const every = positiveInt(flags.checkpointEvery, '--checkpoint-every');
  tuneHeap();
  const dir = warehouseDir(path, flags.warehouse);
  mkdirSync(dir, { recursive: true });
  const warehouse = await openWarehouse(join(dir, `${model.lake.name}.duckdb`), false);
  const { runJob } = await import('../../runtime/job.ts');
  const { FileSource } = await import('../../runtime/sources/file.ts');
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = progressReporter(spec.name);
  try {
    const result = await runJob({
      spec,
      source: new FileSource(events),
      warehouse,
      checkpointDir: join(dir, 'checkpoints', spec.name),
      stagingDir: join(dir, 'staging', spec.name),
      partitions,
      ...workerOption(),
      ...(every !== undefined ? { checkpoints: { events: every } } : {}),
      signal: stop.signal,
      onProgress: progress.onProgress,
      onCommit: progress.onCommit,
      onNotice: (m) => process.stderr.write(`lakec run: ${m}\n`),
    });
    progress.done();
    process.stdout.write(summary(spec.name, result.metrics, result.run, result.elapsedMs) + '\n');
    if (result.stopped === 'signal') process.stdout.write(`stopped on request; savepoint ${result.lastCheckpoint} taken, 'lakec run' resumes from it\n`);
    return 0;
  } catch (e) {
    progress.done();
    const { WarehouseError } = await import('../../runtime/sink/duckdb.ts');
    if (e instanceof WarehouseError) throw new CommandFailure(e.message);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    warehouse.close();
  }
}

export interface ReplayFlags {
  readonly dataset?: string;
  readonly events?: string;
  readonly deadLetter?: string;
  readonly partitions?: string;
  /** `runtime` (default): lakec's TypeScript runtime; `flink`: the generated Flink job in a MiniCluster. */
  readonly engine?: string;
}

/** Writes to standard output, waiting for it to drain; nothing once its reader has gone (main.ts: a closed pipe). */
function write(text: string | Buffer): Promise<void> {
  if (process.stdout.destroyed) return Promise.resolve();
  return new Promise((resolveWrite) => {
    if (process.stdout.write(text)) {
      resolveWrite();
      return;
    }
    const done = (): void => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      resolveWrite();
    };
    process.stdout.once('drain', done);
    process.stdout.once('close', done);
  });
}

/** Rows as JSON lines, an object per row with the columns in order. */
function jsonLines(columns: readonly string[], rows: readonly unknown[][]): string {
  let text = '';
  for (const row of rows) {
    const o: Record<string, unknown> = {};
    columns.forEach((c, i) => (o[c] = row[i]));
    text += JSON.stringify(o) + '\n';
  }
  return text;
}

/**
 * Standard output as a path DuckDB can write to itself, when it is a pipe or a terminal
 * (`/dev/stdout` opens the same pipe again); undefined for a file (opening it again would
 * write over what a `>>` redirection keeps) or a socket (which cannot be opened by path).
 */
function stdoutPath(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return undefined;
  try {
    const s = fstatSync(1);
    return s.isFIFO() || s.isCharacterDevice() ? '/dev/stdout' : undefined;
  } catch {
    return undefined;
  }
}

/** The replayed rows on standard output: written by DuckDB where it writes lakec's bytes (Warehouse.exportRows), else printed here. */
async function printRows(warehouse: Warehouse, spec: DatasetSpec, staging: string): Promise<void> {
  const direct = stdoutPath();
  if (direct !== undefined) {
    try {
      if (await warehouse.exportRows(spec, direct)) return;
    } catch (e) {
      // The reader stopped early (`| head`): the rest is not wanted.
      if (/broken pipe/i.test(e instanceof Error ? e.message : String(e))) return;
      throw e;
    }
  } else {
    const rows = join(staging, 'rows.jsonl');
    if (await warehouse.exportRows(spec, rows)) {
      for await (const chunk of createReadStream(rows, { highWaterMark: 1 << 20 })) {
        if (process.stdout.destroyed) break;
        await write(chunk as Buffer);
      }
      return;
    }
  }
  for await (const chunk of warehouse.stream(warehouse.rowsSql(spec))) {
    if (process.stdout.destroyed) break;
    await write(jsonLines(chunk.columns, chunk.rows));
  }
}

export async function replayCommand(path: string, flags: ReplayFlags): Promise<number> {
  const model = loadModel(path, 'replay');
  if (typeof model === 'number') return model;
  const spec = streamDataset(model, flags.dataset);
  const events = readableFile(flags.events, '--events');
  if (flags.deadLetter !== undefined) {
    try {
      writeFileSync(flags.deadLetter, '');
    } catch (e) {
      throw new UsageError(`cannot write the dead-letter file '${flags.deadLetter}': ${(e as Error).message}`);
    }
  }
  if (flags.engine === 'flink') {
    const { flinkReplay } = await import('./flinkEngine.ts');
    const { version } = await import('./commands.ts');
    return flinkReplay(model, path, version, { dataset: spec.name, events, ...(flags.deadLetter !== undefined ? { deadLetter: flags.deadLetter } : {}), ...(flags.partitions !== undefined ? { partitions: flags.partitions } : {}) });
  }
  const partitions = partitionsFor(flags.partitions, events);
  tuneHeap();
  const { runJob } = await import('../../runtime/job.ts');
  const { FileSource } = await import('../../runtime/sources/file.ts');
  const { removeQuietly } = await import('../../runtime/io/files.ts');
  const staging = mkdtempSync(join(tmpdir(), 'lakec-replay-'));
  const warehouse = await openWarehouse(':memory:', false);
  try {
    const result = await runJob({
      spec, source: new FileSource(events), warehouse, checkpointDir: null, stagingDir: staging, partitions, ...workerOption(),
      onNotice: (m) => process.stderr.write(`lakec replay: ${m}\n`),
    });
    await printRows(warehouse, spec, staging);
    if (flags.deadLetter !== undefined) {
      const lines: string[] = [];
      // The dead-letter table's rows, as `lakec query` prints them.
      for await (const chunk of warehouse.stream(warehouse.deadLettersSql(spec.name))) {
        for (const row of chunk.rows) lines.push(JSON.stringify(Object.fromEntries(chunk.columns.map((c, i) => [c, row[i]]))));
      }
      writeFileSync(flags.deadLetter, lines.length > 0 ? lines.join('\n') + '\n' : '');
    }
    const m = result.run;
    process.stderr.write(`${spec.name}: ${counted(m.recordsIn, 'line')} read: ${accounting(m, m.deadLetters > 0 && flags.deadLetter === undefined ? ` (pass --dead-letter FILE to keep ${m.deadLetters === 1 ? 'it' : 'them'})` : '')}\n`);
    return 0;
  } finally {
    warehouse.close();
    removeQuietly(staging);
  }
}

export interface QueryFlags {
  readonly warehouse?: string;
  readonly format?: string;
}

export async function queryCommand(path: string, sql: string, flags: QueryFlags): Promise<number> {
  const model = loadModel(path, 'query');
  if (typeof model === 'number') return model;
  const dir = warehouseDir(path, flags.warehouse);
  const file = join(dir, `${model.lake.name}.duckdb`);
  if (!existsSync(file)) throw new CommandFailure(`no warehouse at ${dir} (lakec run fills it; --warehouse names another)`);
  const warehouse = await openWarehouse(file, true);
  try {
    let result;
    try {
      result = await warehouse.query(sql);
    } catch (e) {
      throw new CommandFailure(queryError((e instanceof Error ? e.message : String(e)).trim(), model, path));
    }
    const format = flags.format ?? (process.stdout.isTTY === true ? 'table' : 'json');
    if (format === 'table') {
      await write(table(result.columns, result.rows));
    } else {
      await write(jsonLines(result.columns, result.rows));
    }
    return 0;
  } finally {
    warehouse.close();
  }
}

/**
 * DuckDB's "Table with name X does not exist! Did you mean pg_tables?" in the lake's terms: a
 * dataset that no run has filled yet (and the command that fills it), an external dataset (the
 * runtime holds none), or the dataset the name is closest to. DuckDB's pointer into the SQL is kept.
 */
export function queryError(message: string, model: LakeModel, specPath: string): string {
  const m = /^Catalog Error: Table(?: Function)? with name "?([^\s"!]+)"? does not exist!/.exec(message);
  if (m === null) return message;
  const name = m[1]!;
  const pointer = /\n\n(LINE \d+:[\s\S]*)$/.exec(message)?.[1];
  const base = model.datasets.find((d) => d.name === name || `${d.name}_as_of` === name || `${d.name}_known_at` === name);
  let text: string;
  if (base === undefined) {
    const names = model.datasets.flatMap((d) => (d.mode === 'bitemporal' ? [d.name, `${d.name}_as_of`, `${d.name}_known_at`] : [d.name]));
    const guess = closest(name, names);
    text = `no table '${name}'${guess !== undefined ? `; did you mean '${guess}'?` : ''} (the lake's datasets: ${model.datasets.map((d) => d.name).join(', ') || 'none'})`;
  } else if (base.mode === 'external') {
    text = `'${base.name}' is an external dataset (no stream): the local runtime holds no table for it; lakec run fills the datasets fed by a stream`;
  } else {
    text = `the dataset '${base.name}' has no table in the warehouse yet: no events were run for it. Fill it with: lakec run ${specPath} --dataset ${base.name} --events FILE.jsonl`;
  }
  return pointer !== undefined ? `${text}\n${pointer}` : text;
}

/** A plain text table, cells cut at 60 characters. */
export function table(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    const s = v === null ? 'null' : typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  };
  const cells = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (parts: readonly string[]): string => parts.map((p, i) => p.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  out.push(`(${counted(rows.length, 'row')})`);
  return out.join('\n') + '\n';
}
