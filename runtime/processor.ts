/**
 * A dataset's processor: what a generated `processors/<dataset>.ts` creates. It runs a source
 * into the durable local warehouse (`run`), or a few events through an empty in-memory table
 * (`replay`, for tests and tools). Both are jobs of job.ts.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DatasetSpec } from './dataset.ts';
import { removeQuietly } from './io/files.ts';
import { runJob, type CheckpointPolicy, type JobResult, type Progress } from './job.ts';
import type { Metrics } from './metrics.ts';
import { Warehouse } from './sink/duckdb.ts';
import { ArraySource } from './sources/array.ts';
import { FileSource } from './sources/file.ts';
import { KinesisSource, type KinesisSourceOptions } from './sources/kinesis.ts';
import type { Position, Source, SourceOffset } from './sources/source.ts';

export interface RunOptions {
  /** The warehouse folder: `<lake>.duckdb`, checkpoints and staging live there. */
  readonly warehouse: string;
  /** The database file's name without `.duckdb` (default `lake`). */
  readonly database?: string;
  readonly partitions?: number;
  readonly checkpoints?: CheckpointPolicy;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Notices for the user: a restarted source, late events (job.ts `JobOptions.onNotice`). */
  readonly onNotice?: (message: string) => void;
  /** Each committed checkpoint (its rows are queryable from then on): its id, the table's counters, the source position it covers. */
  readonly onCommit?: (checkpoint: number, metrics: Metrics, position: SourceOffset) => void;
}

/**
 * A rejected event as `replay` returns it: a row of the dead-letter table (docs/runtime.md,
 * "Dead letters"), in TypeScript's terms: `column` is the table's `column_name` (absent when
 * null), `eventBytes` its `event_bytes` (absent when null).
 */
export interface DeadLetterRecord {
  readonly reason: string;
  readonly column?: string;
  readonly position: Position;
  /** The event's text as received. */
  readonly event: string;
  /** The event's bytes exactly, when they are not UTF-8 text (`event` then shows them decoded, U+FFFD for each bad byte). */
  readonly eventBytes?: Buffer;
}

export interface ReplayResult {
  /** Stored rows, sorted as `lakec replay` prints them; timestamps ISO-8601 with milliseconds. */
  readonly rows: Record<string, unknown>[];
  readonly deadLetters: DeadLetterRecord[];
  readonly metrics: Metrics;
  /** What the run logged: late events (the first ten per checkpoint interval, then a count). */
  readonly notices: string[];
}

export class Processor {
  constructor(readonly dataset: DatasetSpec) {}

  /** Runs `source` into the warehouse, resuming from its last checkpoint, until the source ends or `signal` stops it. */
  async run(source: Source, options: RunOptions): Promise<JobResult> {
    const dir = resolve(options.warehouse);
    mkdirSync(dir, { recursive: true });
    const warehouse = await Warehouse.open(join(dir, `${options.database ?? 'lake'}.duckdb`));
    try {
      return await runJob({
        spec: this.dataset,
        source,
        warehouse,
        checkpointDir: join(dir, 'checkpoints', this.dataset.name),
        stagingDir: join(dir, 'staging', this.dataset.name),
        ...(options.partitions !== undefined ? { partitions: options.partitions } : {}),
        ...(options.checkpoints !== undefined ? { checkpoints: options.checkpoints } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
        ...(options.onNotice !== undefined ? { onNotice: options.onNotice } : {}),
        ...(options.onCommit !== undefined ? { onCommit: options.onCommit } : {}),
      });
    } finally {
      warehouse.close();
    }
  }

  /**
   * Applies `events` (JSON values or texts as published, or any source) to an empty in-memory
   * table and returns what it holds. `clock` gives the arrival time of each batch of array
   * events (`batchSize` of them, default 1024): with a ticking clock and batches of one, each
   * event arrives at its own time (`ingestion_time()`, `system = ingestion`).
   */
  async replay(events: readonly unknown[] | Source, options: { clock?: () => number; batchSize?: number } = {}): Promise<ReplayResult> {
    const source = Array.isArray(events)
      ? new ArraySource(events, { ...(options.clock !== undefined ? { clock: options.clock } : {}), ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}) })
      : (events as Source);
    const staging = mkdtempSync(join(tmpdir(), 'lakec-replay-'));
    const warehouse = await Warehouse.open(':memory:');
    try {
      const notices: string[] = [];
      const result = await runJob({ spec: this.dataset, source, warehouse, checkpointDir: null, stagingDir: staging, onNotice: (m) => notices.push(m) });
      const rows: Record<string, unknown>[] = [];
      for await (const chunk of warehouse.stream(warehouse.rowsSql(this.dataset))) {
        for (const r of chunk.rows) {
          const o: Record<string, unknown> = {};
          chunk.columns.forEach((c, i) => (o[c] = r[i]));
          rows.push(o);
        }
      }
      const deadLetters: DeadLetterRecord[] = [];
      for await (const chunk of warehouse.stream(warehouse.deadLettersSql(this.dataset.name))) {
        for (const [reason, column, position, event, bytes] of chunk.rows) {
          deadLetters.push({
            reason: String(reason),
            ...(column !== null ? { column: String(column) } : {}),
            position: position as Position,
            event: String(event),
            ...(bytes !== null ? { eventBytes: Buffer.from(String(bytes), 'base64') } : {}),
          });
        }
      }
      return { rows, deadLetters, metrics: result.metrics, notices };
    } finally {
      warehouse.close();
      removeQuietly(staging);
    }
  }

  /** A source reading a JSON-lines file. */
  static file(path: string): FileSource {
    return new FileSource(path);
  }

  /** A source reading a Kinesis stream (the SDK's default credentials and endpoint unless a client is given). */
  static kinesis(options: KinesisSourceOptions): KinesisSource {
    return new KinesisSource(options);
  }
}
