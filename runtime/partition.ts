/**
 * One partition of a processor: the row mapper, the operator with its keyed state (bi-temporal
 * or append-only), the dead-letter output and the metrics, for the keys that hash to it. A job
 * runs one partition on its own thread, or several on worker threads (parallel/); either way
 * the partition does the same work, and at a checkpoint writes its share: staged rows for the
 * table and a state file.
 */
import { join } from 'node:path';
import { CheckpointStore } from './checkpoint/store.ts';
import type { DatasetSpec } from './dataset.ts';
import { isRejection, RowMapper } from './mapping.ts';
import { emptyMetrics, type Metrics } from './metrics.ts';
import { AppendOperator } from './operators/append.ts';
import { BitemporalOperator, type RestoredRows } from './operators/bitemporal.ts';
import { csvQuote, StagedFile } from './sink/csv.ts';
import type { Position, RecordBatch } from './sources/source.ts';

export interface PartitionOptions {
  readonly partition: number;
  readonly partitions: number;
  /** Folder of the staged files (written as events come, committed at each checkpoint). */
  readonly stagingDir: string;
  /** Applied events remembered per key for duplicate detection (rule 4). */
  readonly dedupWindow?: number;
}

/** What a partition wrote for one checkpoint. */
export interface PartitionCheckpoint {
  readonly partition: number;
  /**
   * Staged CSV files for the table (absolute paths; null when there is nothing of the kind):
   * history rows (append-only: the new rows), identities of current rows to delete, current
   * rows to insert, dead letters.
   */
  readonly rows: string | null;
  readonly currentDeletes: string | null;
  readonly currentRows: string | null;
  readonly deadLetters: string | null;
  /** The state file in the checkpoint folder, if the dataset has keyed state. */
  readonly statePart: string | null;
  readonly keysWritten: number;
  readonly keysTotal: number;
  /** This partition's counters since the job started. */
  readonly metrics: Metrics;
}

/** FNV-1a over the key's UTF-16 code units: which partition owns a key. */
export function partitionOf(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export class Partition {
  readonly metrics: Metrics = emptyMetrics();
  private readonly mapper: RowMapper;
  private readonly bitemporal: BitemporalOperator | undefined;
  private readonly append: AppendOperator | undefined;
  private dead!: StagedFile;
  /** Checkpoint intervals so far: names this interval's staged files. */
  private interval = 0;

  constructor(readonly spec: DatasetSpec, readonly options: PartitionOptions) {
    this.mapper = new RowMapper(spec);
    if (spec.mode === 'bitemporal') {
      this.bitemporal = new BitemporalOperator(this.mapper.layout, this.metrics, options.dedupWindow !== undefined ? { dedupWindow: options.dedupWindow } : {});
    } else {
      this.append = new AppendOperator(this.mapper.layout, this.metrics);
    }
    this.startInterval();
  }

  /** Opens the staged files of the next checkpoint interval. */
  private startInterval(): void {
    const n = ++this.interval;
    const file = (kind: string): StagedFile => new StagedFile(join(this.options.stagingDir, `p${this.options.partition}-${n}-${kind}.csv`));
    if (this.bitemporal !== undefined) this.bitemporal.stageTo(file('history'), file('current-deletes'), file('current-rows'));
    else this.append!.stageTo(file('rows'));
    this.dead = file('dead');
  }

  get keyCount(): number {
    return this.bitemporal?.keyCount ?? 0;
  }

  /**
   * Restore, step 1: the state files of checkpoint `id` (the keys this partition owns). Step 2
   * hands it the current rows the warehouse committed with that checkpoint (`restoreRows`),
   * step 3 builds the key states (`finishRestore`).
   */
  restoreState(store: CheckpointStore, id: number): void {
    const op = this.bitemporal;
    if (op === undefined) return;
    const { partition, partitions } = this.options;
    store.forEachStateLine(id, (line) => op.restoreStateLine(line, (key) => partitionOf(key, partitions) === partition));
  }

  /** Restore, step 2: current rows as the warehouse returns them, in any order. */
  restoreRows(rows: RestoredRows): void {
    const op = this.bitemporal;
    if (op === undefined) return;
    op.restoreRows(rows);
  }

  finishRestore(): void {
    this.bitemporal?.finishRestore();
  }

  process(batch: RecordBatch): void {
    const texts = batch.texts;
    const values = batch.values;
    const times = batch.ingestionTime;
    const m = this.metrics;
    const op = this.bitemporal ?? this.append!;
    for (let i = 0; i < texts.length; i++) {
      m.recordsIn++;
      const raw = texts[i]!;
      const at = typeof times === 'number' ? times : times[i]!;
      const mapped = this.mapper.map(raw, at, values?.[i]);
      if (isRejection(mapped)) {
        this.deadLetter(mapped.reason, mapped.column ?? null, batch.position(i), raw);
        continue;
      }
      const rejected = op.apply(mapped);
      if (rejected !== null) this.deadLetter(rejected, null, batch.position(i), raw);
    }
  }

  private deadLetter(reason: string, column: string | null, position: Position, raw: string): void {
    this.metrics.deadLetters++;
    this.dead.line(`${csvQuote(reason)},${column === null ? '' : csvQuote(column)},${csvQuote(JSON.stringify(position))},${csvQuote(raw)}`);
  }

  /**
   * Ends this checkpoint interval: closes its staged files for the table and, with keyed state
   * and a checkpoint folder, writes the state file (`full`: every key, else the keys changed).
   */
  checkpoint(checkpointTmp: string | null, full: boolean): PartitionCheckpoint {
    const p = this.options.partition;
    let rows: string | null;
    let currentDeletes: string | null = null;
    let currentRows: string | null = null;
    let statePart: string | null = null;
    let keysWritten = 0;
    if (this.bitemporal !== undefined) {
      const t = this.bitemporal.drainTable();
      rows = t.history;
      currentDeletes = t.currentDeletes;
      currentRows = t.currentRows;
      if (checkpointTmp !== null) {
        const lines = this.bitemporal.drainState(full);
        const counted = (function* () {
          for (const l of lines) {
            keysWritten++;
            yield l;
          }
        })();
        statePart = join(checkpointTmp, CheckpointStore.writePart(checkpointTmp, p, counted).file);
      } else {
        this.bitemporal.discardStateChanges();
      }
    } else {
      rows = this.append!.drainTable().rows;
    }
    const deadLetters = this.dead.close();
    this.startInterval();
    return { partition: p, rows, currentDeletes, currentRows, deadLetters, statePart, keysWritten, keysTotal: this.keyCount, metrics: { ...this.metrics } };
  }
}
