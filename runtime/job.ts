/**
 * A job: one dataset's processor from its source to the warehouse table, with periodic
 * checkpoints, restore from the last committed one, and a savepoint on a clean stop.
 *
 * Exactly-once, by a two-phase commit (as Flink's TwoPhaseCommitSinkFunction):
 *
 * 1. Prepare checkpoint n: every partition writes its staged rows (CSV) and its state file;
 *    the checkpoint folder is published (fsync + rename). Nothing is visible yet.
 * 2. Commit: one DuckDB transaction inserts the staged rows and dead letters and records
 *    (n, source position, metrics) in `lakec.checkpoints`. The commit record is the single
 *    source of truth.
 *
 * On start the job reads the last commit record, discards checkpoint folders newer than it
 * (prepared, never committed), restores the state of that checkpoint and resumes the source at
 * its position. A crash anywhere leaves the table and the restored state at the same event:
 * nothing is lost and nothing applied twice. Commits run on DuckDB's threads while the job goes
 * on reading; checkpoint n + 1 commits only after n.
 */
import { mkdirSync } from 'node:fs';
import { CheckpointStore, STATE_FORMAT, STATE_FORMAT_CHANGES, type CheckpointManifest } from './checkpoint/store.ts';
import { isKeyed, type DatasetSpec } from './dataset.ts';
import { removeQuietly } from './io/files.ts';
import { addMetrics, emptyMetrics, type Lag, type Metrics } from './metrics.ts';
import type { RestoredRows } from './operators/bitemporal.ts';
import { Partition, type PartitionCheckpoint } from './partition.ts';
import { WarehouseError, type Warehouse } from './sink/duckdb.ts';
import type { RecordBatch, Source, SourceOffset } from './sources/source.ts';

export interface CheckpointPolicy {
  /** Take a checkpoint after this many events (default 1,000,000). */
  readonly events?: number;
  /** ... or after this many milliseconds (default 60,000, Managed Service for Apache Flink's default interval). */
  readonly ms?: number;
  /** A delta chain longer than this is closed by a full checkpoint (default 16). */
  readonly maxChain?: number;
}

export interface Progress {
  readonly recordsIn: number;
  readonly elapsedMs: number;
  readonly lag: Lag;
  readonly metrics: Metrics;
  /** File sources: bytes read and the file's size. */
  readonly bytes?: { readonly read: number; readonly total: number };
}

export interface JobOptions {
  readonly spec: DatasetSpec;
  readonly source: Source;
  readonly warehouse: Warehouse;
  /** Folder of the state checkpoints; null runs without them (a throw-away table, `lakec replay`). */
  readonly checkpointDir: string | null;
  /** Folder for the staged files: the rows of the current checkpoint interval and of commits in flight. */
  readonly stagingDir: string;
  readonly checkpoints?: CheckpointPolicy;
  /** Partitions on worker threads; 1 (the default) runs on the calling thread. */
  readonly partitions?: number;
  /** Worker script and its Node options (parallel/pool.ts); set by the lakec CLI bundle. */
  readonly worker?: { readonly url: URL; readonly execArgv?: readonly string[] };
  /** Applied events each key remembers (rule 4); default: the dataset's `dedup_window` (32 unless set). */
  readonly dedupWindow?: number;
  /** The bi-temporal operator (partition.ts `PartitionOptions.core`): the typed one unless the reference is asked for (tests, benchmarks). */
  readonly core?: 'typed' | 'reference';
  /** Stops the job cleanly (with a savepoint) once the current batch is done. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly progressEveryMs?: number;
  /** For tests of crash safety: stop right after this many events, without a last checkpoint. */
  readonly haltAfterEvents?: number;
  /**
   * Notices for the user: a restarted source, late events (each checkpoint passes on its
   * partitions' lines: the first ten late events per partition, then their count).
   */
  readonly onNotice?: (message: string) => void;
  /**
   * Called once checkpoint `checkpoint` is committed (durable: a crash from now on resumes after
   * it; its rows are queryable from then on), with the table's counters and the source position
   * the checkpoint covers (everything read before it).
   */
  readonly onCommit?: (checkpoint: number, metrics: Metrics, position: SourceOffset) => void;
}

export interface JobResult {
  /** Counters over the life of the table (continued across restores). */
  readonly metrics: Metrics;
  /** Counters of this run only. */
  readonly run: Metrics;
  readonly lastCheckpoint: number | null;
  readonly restoredFrom: number | null;
  readonly restoreMs: number;
  readonly elapsedMs: number;
  /** Where the time went on the job's thread: reading, processing, writing checkpoints, waiting for commits. */
  readonly phases: { readMs: number; processMs: number; checkpointMs: number; commitWaitMs: number };
  readonly stopped: 'end' | 'signal' | 'halted';
}

/**
 * Where a job's partitions run: on this thread, or on worker threads. A restore reads the state
 * files of checkpoint `id` (when there is a store), then the current rows the warehouse holds.
 */
export interface Engine {
  restore(store: CheckpointStore | null, id: number, rows: AsyncIterable<RestoredRows>): Promise<void>;
  /** Hands a batch to the partitions; may wait when they are busy (back pressure). */
  process(batch: RecordBatch): Promise<void>;
  checkpoint(checkpointTmp: string | null, full: boolean): Promise<PartitionCheckpoint[]>;
  close(): Promise<void>;
}

class InlineEngine implements Engine {
  private readonly partition: Partition;
  constructor(spec: DatasetSpec, stagingDir: string, dedupWindow: number | undefined, core: 'typed' | 'reference' | undefined) {
    this.partition = new Partition(spec, { partition: 0, partitions: 1, stagingDir, ...(dedupWindow !== undefined ? { dedupWindow } : {}), ...(core !== undefined ? { core } : {}) });
  }
  async restore(store: CheckpointStore | null, id: number, rows: AsyncIterable<RestoredRows>): Promise<void> {
    if (store !== null) this.partition.restoreState(store, id);
    for await (const chunk of rows) this.partition.restoreRows(chunk);
    this.partition.finishRestore();
  }
  async process(batch: RecordBatch): Promise<void> {
    this.partition.process(batch);
  }
  async checkpoint(checkpointTmp: string | null, full: boolean): Promise<PartitionCheckpoint[]> {
    return [this.partition.checkpoint(checkpointTmp, full)];
  }
  async close(): Promise<void> {}
}

/** DuckDB's memory limit while a job runs on a warehouse file. */
export const JOB_DUCKDB_MEMORY_MB = 1024;

export async function runJob(o: JobOptions): Promise<JobResult> {
  const started = performance.now();
  const { spec, source, warehouse } = o;
  const policy = { events: o.checkpoints?.events ?? 1_000_000, ms: o.checkpoints?.ms ?? 60_000, maxChain: o.checkpoints?.maxChain ?? 16 };
  await warehouse.ensureDataset(spec);
  // DuckDB's default is 80% of the machine: a job's keyed state is what needs the memory, and a
  // commit's queries spill to disk (at 10M events: 0.46 GB less peak memory, no slower).
  await warehouse.limitMemory(JOB_DUCKDB_MEMORY_MB);
  const last = await warehouse.lastCommit(spec.name);
  const store = o.checkpointDir !== null ? new CheckpointStore(o.checkpointDir) : null;
  store?.discardUncommitted(last?.checkpoint ?? null);
  // Staged files a crash left behind were never committed: the source will produce them again.
  removeQuietly(o.stagingDir);
  mkdirSync(o.stagingDir, { recursive: true });

  const partitions = o.partitions ?? 1;
  let engine: Engine;
  if (partitions > 1) {
    const { WorkerEngine } = await import('./parallel/pool.ts');
    engine = await WorkerEngine.start(spec, partitions, { stagingDir: o.stagingDir, dedupWindow: o.dedupWindow, core: o.core, worker: o.worker });
  } else {
    engine = new InlineEngine(spec, o.stagingDir, o.dedupWindow, o.core);
  }

  // The chain of incremental checkpoints the next one builds on.
  let chain: CheckpointManifest[] = [];
  const restoreStart = performance.now();
  let restoredFrom: number | null = null;
  try {
    if (last !== undefined) {
      if (isKeyed(spec)) {
        if (store !== null) {
          try {
            chain = store.chain(last.checkpoint);
          } catch (e) {
            throw new WarehouseError(
              `the warehouse committed checkpoint ${last.checkpoint} of '${spec.name}', but its state files are missing (${e instanceof Error ? e.message : String(e)}); ` +
                'the keyed state cannot be restored: start over with an empty warehouse',
            );
          }
        }
        const old = chain.find((m) => (m.stateFormat ?? 1) !== STATE_FORMAT);
        if (old !== undefined) {
          const format = old.stateFormat ?? 1;
          const why = format < STATE_FORMAT ? ` (since format ${STATE_FORMAT}: ${STATE_FORMAT_CHANGES[STATE_FORMAT]})` : '';
          throw new WarehouseError(
            `the keyed state of '${spec.name}' (checkpoint ${old.id}) was written by another version of lakec (state format ${format}, this one reads ${STATE_FORMAT}${why}); ` +
              'replay the events into a new warehouse (--warehouse DIR) to continue with this version',
          );
        }
        await engine.restore(store, last.checkpoint, warehouse.currentRows(spec, o.stagingDir));
      }
      restoredFrom = last.checkpoint;
    }
  } catch (e) {
    await engine.close();
    throw e;
  }
  const restoreMs = performance.now() - restoreStart;
  await source.restore(last?.position as SourceOffset | undefined);
  const restarted = (source as { restartedBecause?: string }).restartedBecause;
  if (restarted !== undefined) o.onNotice?.(restarted);

  const base = last?.metrics ?? emptyMetrics();
  let nextId = (last?.checkpoint ?? 0) + 1;
  let lastCommitted: number | null = last?.checkpoint ?? null;
  let runMetrics = emptyMetrics();
  let pendingCommit: Promise<void> | null = null;
  let eventsSinceCheckpoint = 0;
  let lastCheckpointAt = performance.now();
  let lastProgress = performance.now();
  let recordsIn = 0;
  let stopped: JobResult['stopped'] = 'end';
  let committedCount = 0;
  const phases = { readMs: 0, processMs: 0, checkpointMs: 0, commitWaitMs: 0 };

  const total = (): Metrics => addMetrics(addMetrics(emptyMetrics(), base), runMetrics);

  const checkpoint = async (savepoint: boolean): Promise<void> => {
    const id = nextId++;
    const keysTotalBefore = chain.length > 0 ? chain[chain.length - 1]!.keysTotal : 0;
    const deltaKeys = chain.filter((m) => !m.full).reduce((n, m) => n + m.keysWritten, 0);
    const full = savepoint || chain.length === 0 || chain.length >= policy.maxChain || deltaKeys > keysTotalBefore;
    const tmp = store !== null && isKeyed(spec) ? store.begin(id) : null;
    const tc = performance.now();
    const parts = await engine.checkpoint(tmp, full);
    for (const p of parts) for (const n of p.notices) o.onNotice?.(n);
    const position = source.offset();
    runMetrics = parts.reduce((m, p) => addMetrics(m, p.metrics), emptyMetrics());
    let manifest: CheckpointManifest | null = null;
    if (store !== null && tmp !== null) {
      manifest = {
        id, stateFormat: STATE_FORMAT, dataset: spec.name, full, base: full ? null : chain[chain.length - 1]?.id ?? null, savepoint,
        parts: parts.filter((p) => p.statePart !== null).map((p) => p.statePart!.slice(tmp.length + 1)),
        keysWritten: parts.reduce((n, p) => n + p.keysWritten, 0),
        keysTotal: parts.reduce((n, p) => n + p.keysTotal, 0),
        position,
      };
      store.finish(manifest);
      chain = full ? [manifest] : [...chain, manifest];
    }
    const files = {
      rows: parts.map((p) => p.rows).filter((f): f is string => f !== null),
      currentDeletes: parts.map((p) => p.currentDeletes).filter((f): f is string => f !== null),
      currentRows: parts.map((p) => p.currentRows).filter((f): f is string => f !== null),
      deadLetters: parts.map((p) => p.deadLetters).filter((f): f is string => f !== null),
      longestLine: parts.reduce((n, p) => Math.max(n, p.longestLine), 0),
    };
    phases.checkpointMs += performance.now() - tc;
    // One commit at a time, in order.
    const tw = performance.now();
    if (pendingCommit !== null) await pendingCommit;
    phases.commitWaitMs += performance.now() - tw;
    committedCount++;
    const metrics = total();
    metrics.checkpoints = base.checkpoints + committedCount;
    pendingCommit = warehouse.commit(spec, files, { dataset: spec.name, checkpoint: id, position, metrics }).then(() => {
      lastCommitted = id;
      o.onCommit?.(id, metrics, position);
      for (const f of [...files.rows, ...files.currentDeletes, ...files.currentRows, ...files.deadLetters]) removeQuietly(f);
      if (store !== null && manifest !== null) store.prune(id);
    });
    // A failed commit surfaces where it is awaited (the next checkpoint, or the end), not as an
    // unhandled rejection while events are still being read.
    pendingCommit.catch(() => undefined);
    eventsSinceCheckpoint = 0;
    lastCheckpointAt = performance.now();
  };

  try {
    for (;;) {
      if (o.signal?.aborted === true) {
        stopped = 'signal';
        break;
      }
      const tr = performance.now();
      const batch = await source.next();
      phases.readMs += performance.now() - tr;
      if (batch === null) break;
      if (o.haltAfterEvents !== undefined && recordsIn + batch.texts.length > o.haltAfterEvents) {
        const keep = o.haltAfterEvents - recordsIn;
        await engine.process(sliceBatch(batch, keep));
        recordsIn += keep;
        stopped = 'halted';
        break;
      }
      const tp = performance.now();
      await engine.process(batch);
      phases.processMs += performance.now() - tp;
      recordsIn += batch.texts.length;
      eventsSinceCheckpoint += batch.texts.length;
      const now = performance.now();
      if (eventsSinceCheckpoint >= policy.events || now - lastCheckpointAt >= policy.ms) await checkpoint(false);
      if (o.onProgress !== undefined && now - lastProgress >= (o.progressEveryMs ?? 1000)) {
        lastProgress = now;
        const bytes = (source as { progress?: () => { bytes: number; total: number } }).progress?.();
        o.onProgress({
          recordsIn,
          elapsedMs: now - started,
          lag: source.lag(),
          metrics: total(),
          ...(bytes !== undefined ? { bytes: { read: bytes.bytes, total: bytes.total } } : {}),
        });
      }
    }
    if (stopped !== 'halted') await checkpoint(true);
    const tw = performance.now();
    if (pendingCommit !== null) await pendingCommit;
    phases.commitWaitMs += performance.now() - tw;
  } finally {
    // On an error, let a commit in flight finish before the caller closes the warehouse.
    if (pendingCommit !== null) await (pendingCommit as Promise<void>).catch(() => undefined);
    await engine.close();
    await source.close();
  }
  const metrics = total();
  metrics.checkpoints = base.checkpoints + committedCount;
  return {
    metrics,
    run: { ...runMetrics, checkpoints: committedCount },
    lastCheckpoint: lastCommitted,
    restoredFrom,
    restoreMs,
    elapsedMs: performance.now() - started,
    phases,
    stopped,
  };
}

function sliceBatch(batch: RecordBatch, n: number): RecordBatch {
  return {
    texts: batch.texts.slice(0, n),
    ...(batch.unreadable !== undefined ? { unreadable: batch.unreadable } : {}),
    ...(batch.values !== undefined ? { values: batch.values.slice(0, n) } : {}),
    ingestionTime: typeof batch.ingestionTime === 'number' ? batch.ingestionTime : batch.ingestionTime.slice(0, n),
    position: batch.position,
  };
}
