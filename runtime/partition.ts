/**
 * One partition of a processor: the row mapper, the operator with its keyed state (bi-temporal,
 * current-state or append-only), the dead-letter output and the metrics, for the keys that hash
 * to it. A job runs one partition on its own thread, or several on worker threads (parallel/);
 * either way the partition does the same work, and at a checkpoint writes its share: staged
 * rows for the table and a state file.
 */
import { join } from 'node:path';
import { CheckpointStore } from './checkpoint/store.ts';
import type { DatasetSpec } from './dataset.ts';
import { isBlank, isWellFormed, toWellFormed } from './json-text.ts';
import { isRejection, RowMapper } from './mapping.ts';
import { DEFAULT_DEDUP_WINDOW } from './bitemporal/key-state.ts';
import { emptyMetrics, type Metrics } from './metrics.ts';
import { AppendOperator } from './operators/append.ts';
import { BitemporalOperator, type LateEvent, type RestoredRows } from './operators/bitemporal.ts';
import { CurrentOperator } from './operators/current.ts';
import { FAST, FastMapper } from './engine/fast-mapper.ts';
import { TypedBitemporalOperator, UNKNOWN_KEY } from './engine/operator.ts';
import { csvQuote, StagedFile } from './sink/csv.ts';
import type { Position, RecordBatch } from './sources/source.ts';
import { formatTimestamp } from './time.ts';

export interface PartitionOptions {
  readonly partition: number;
  readonly partitions: number;
  /** Folder of the staged files (written as events come, committed at each checkpoint). */
  readonly stagingDir: string;
  /** Applied events remembered per key for duplicate detection (rule 4); default: the dataset's. */
  readonly dedupWindow?: number;
  /**
   * The bi-temporal operator: `typed` (the default: engine/operator.ts, the typed core, and the
   * fast mapping of events in plain forms) or `reference` (operators/bitemporal.ts, one object
   * per key, every event mapped by mapping.ts). Both write the same files; the reference is
   * what the typed one is tested and benchmarked against.
   */
  readonly core?: 'typed' | 'reference';
}

/** Late events logged one by one per partition and checkpoint interval; the others are counted. */
export const LATE_EVENTS_LOGGED = 10;

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
  /** Bytes of the longest line of its staged files (csv.ts `StagedFile.longest`). */
  readonly longestLine: number;
  /** This partition's counters since the job started. */
  readonly metrics: Metrics;
  /** Log lines of the interval: late events (at most `LATE_EVENTS_LOGGED`, then a count). */
  readonly notices: readonly string[];
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
  private readonly bitemporal: BitemporalOperator | TypedBitemporalOperator | undefined;
  /** The typed operator's fast mapping, when the dataset's columns allow it. */
  private readonly fast: FastMapper | undefined;
  private readonly typed: TypedBitemporalOperator | undefined;
  /** Events the typed operator took from the fast mapping (the others went through mapping.ts), for tests and benchmarks. */
  fastEvents = 0;
  /** An event's UTF-8, for the fast mapping. */
  private utf8 = Buffer.alloc(1 << 16);
  private readonly current: CurrentOperator | undefined;
  private readonly append: AppendOperator | undefined;
  /** The operator with keyed state, if any (bi-temporal or current-state). */
  private readonly keyed: BitemporalOperator | TypedBitemporalOperator | CurrentOperator | undefined;
  private readonly dedupWindow: number | undefined;
  private dead!: StagedFile;
  /** This interval's staged files, whichever operator writes them. */
  private staged: StagedFile[] = [];
  /** Checkpoint intervals so far: names this interval's staged files. */
  private interval = 0;
  /** This interval's log lines, and the late events not logged one by one. */
  private notices: string[] = [];
  private lateNotLogged = 0;

  constructor(readonly spec: DatasetSpec, readonly options: PartitionOptions) {
    this.mapper = new RowMapper(spec);
    this.dedupWindow = options.dedupWindow ?? spec.dedupWindow;
    if (spec.mode === 'bitemporal') {
      const late = spec.bitemporal?.late;
      const operatorOptions = {
        ...(this.dedupWindow !== undefined ? { dedupWindow: this.dedupWindow } : {}),
        ...(late !== undefined ? { late } : {}),
      };
      if (options.core === 'reference') this.bitemporal = new BitemporalOperator(this.mapper.layout, this.metrics, operatorOptions);
      else {
        this.typed = new TypedBitemporalOperator(this.mapper.layout, this.metrics, operatorOptions);
        this.bitemporal = this.typed;
        const fast = new FastMapper(spec);
        if (fast.usable) this.fast = fast;
      }
      this.keyed = this.bitemporal;
    } else if (spec.mode === 'current') {
      this.current = new CurrentOperator(this.mapper.layout, this.metrics, this.dedupWindow);
      this.keyed = this.current;
    } else {
      this.append = new AppendOperator(this.mapper.layout, this.metrics);
    }
    this.startInterval();
  }

  /** Opens the staged files of the next checkpoint interval. */
  private startInterval(): void {
    const n = ++this.interval;
    this.staged = [];
    const file = (kind: string): StagedFile => {
      const f = new StagedFile(join(this.options.stagingDir, `p${this.options.partition}-${n}-${kind}.csv`));
      this.staged.push(f);
      return f;
    };
    if (this.bitemporal !== undefined) this.bitemporal.stageTo(file('history'), file('current-deletes'), file('current-rows'));
    else if (this.current !== undefined) this.current.stageTo(file('current-deletes'), file('current-rows'));
    else this.append!.stageTo(file('rows'));
    this.dead = file('dead');
  }

  get keyCount(): number {
    return this.keyed?.keyCount ?? 0;
  }

  /**
   * Restore, step 1: the state files of checkpoint `id` (the keys this partition owns). Step 2
   * hands it the current rows the warehouse committed with that checkpoint (`restoreRows`),
   * step 3 builds the key states (`finishRestore`).
   */
  restoreState(store: CheckpointStore, id: number): void {
    const op = this.keyed;
    if (op === undefined) return;
    const { partition, partitions } = this.options;
    store.forEachStateLine(id, (line) => op.restoreStateLine(line, (key) => partitionOf(key, partitions) === partition));
  }

  /** Restore, step 2: current rows as the warehouse returns them, in any order. */
  restoreRows(rows: RestoredRows): void {
    this.keyed?.restoreRows(rows);
  }

  finishRestore(): void {
    this.keyed?.finishRestore();
  }

  /**
   * Every record is accounted for: a blank one (no event) is counted in `blankLines`, an
   * unreadable one (not UTF-8, too long) and a rejected one are dead letters, and every other
   * event changed the table, changed nothing or was a duplicate.
   */
  process(batch: RecordBatch): void {
    const texts = batch.texts;
    const values = batch.values;
    const times = batch.ingestionTime;
    const unreadable = batch.unreadable;
    const m = this.metrics;
    const op = this.bitemporal ?? this.current ?? this.append!;
    const bitemporal = this.bitemporal;
    const fast = this.fast;
    for (let i = 0; i < texts.length; i++) {
      m.recordsIn++;
      const raw = texts[i]!;
      if (unreadable !== undefined) {
        const u = unreadable.get(i);
        if (u !== undefined) {
          this.deadLetter(u.reason, null, batch.position(i), raw, u.bytes);
          continue;
        }
      }
      if (isBlank(raw)) {
        m.blankLines++;
        continue;
      }
      const at = typeof times === 'number' ? times : times[i]!;
      // The fast mapping reads the event's bytes; it hands back every event it does not read
      // in a plain form (and the typed operator an event of a key it does not know yet).
      if (fast !== undefined && values === undefined && isWellFormed(raw)) {
        if (3 * raw.length > this.utf8.length) this.utf8 = Buffer.alloc(Math.max(3 * raw.length, 2 * this.utf8.length));
        const n = this.utf8.write(raw, 0, 'utf8');
        if (fast.map(this.utf8, 0, n, at) === FAST) {
          const rejected = this.typed!.applyFast(fast);
          if (rejected !== UNKNOWN_KEY) {
            this.fastEvents++;
            if (rejected !== null) this.deadLetter(rejected, null, batch.position(i), raw);
            if (this.typed!.late !== null) this.logLate(this.typed!.late, batch.position(i));
            continue;
          }
        }
      }
      const mapped = this.mapper.map(raw, at, values?.[i]);
      if (isRejection(mapped)) {
        this.deadLetter(mapped.reason, mapped.column ?? null, batch.position(i), raw);
        continue;
      }
      const rejected = op.apply(mapped);
      if (rejected !== null) this.deadLetter(rejected, null, batch.position(i), raw);
      if (bitemporal !== undefined && bitemporal.late !== null) this.logLate(bitemporal.late, batch.position(i));
    }
  }

  /** A late event's log line, or only its count once the interval has logged enough. */
  private logLate(late: LateEvent, position: Position): void {
    if (this.notices.length >= LATE_EVENTS_LOGGED) {
      this.lateNotLogged++;
      return;
    }
    const window = this.dedupWindow ?? DEFAULT_DEDUP_WINDOW;
    const what =
      late.appliedAt !== null
        ? `applied at ${formatTimestamp(late.appliedAt)} (late = apply)`
        : `rejected to the dead letters with the reason 'late' (late = dead_letter)`;
    this.notices.push(
      // A key of several columns is already a JSON array (mapping.ts keyOf).
      `late event for key ${this.spec.key.length === 1 ? JSON.stringify(late.key) : late.key} of '${this.spec.name}' (${positionText(position)}): it states system time ${formatTimestamp(late.stated)}, ` +
        `at or before ${formatTimestamp(late.forgotten)}, the latest stated time of the events this key no longer remembers (dedup_window = ${window}), ` +
        `so it may be a redelivery that cannot be recognized; ${what}`,
    );
  }

  /**
   * One dead letter, staged as `reason, column_name, position, event, event_bytes` (sink/duckdb.ts
   * `DEAD_LETTER_COLUMNS`): the text as read (valid Unicode: a lone surrogate in a text given
   * by code becomes U+FFFD) and, for bytes that are not UTF-8, the bytes exactly (base64).
   */
  private deadLetter(reason: string, column: string | null, position: Position, raw: string, bytes?: Uint8Array): void {
    this.metrics.deadLetters++;
    const event = isWellFormed(raw) ? raw : toWellFormed(raw);
    const exact = bytes === undefined ? '' : csvQuote(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
    this.dead.line(`${csvQuote(toWellFormed(reason))},${column === null ? '' : csvQuote(column)},${csvQuote(JSON.stringify(position))},${csvQuote(event)},${exact}`);
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
    const keyed = this.keyed;
    if (keyed !== undefined) {
      if (this.bitemporal !== undefined) {
        const t = this.bitemporal.drainTable();
        rows = t.history;
        currentDeletes = t.currentDeletes;
        currentRows = t.currentRows;
      } else {
        const t = this.current!.drainTable();
        rows = null;
        currentDeletes = t.currentDeletes;
        currentRows = t.currentRows;
      }
      if (checkpointTmp !== null) {
        const lines = keyed.drainState(full);
        const counted = (function* () {
          for (const l of lines) {
            keysWritten++;
            yield l;
          }
        })();
        statePart = join(checkpointTmp, CheckpointStore.writePart(checkpointTmp, p, counted).file);
      } else {
        keyed.discardStateChanges();
      }
    } else {
      rows = this.append!.drainTable().rows;
    }
    const deadLetters = this.dead.close();
    const longestLine = this.staged.reduce((n, f) => Math.max(n, f.longest), 0);
    this.startInterval();
    const notices = this.notices;
    if (this.lateNotLogged > 0) {
      notices.push(`${this.lateNotLogged.toLocaleString('en-US')} more late events of '${this.spec.name}' in this checkpoint interval (partition ${p}) were not logged one by one; the lateEvents metric counts every one`);
    }
    this.notices = [];
    this.lateNotLogged = 0;
    return { partition: p, rows, currentDeletes, currentRows, deadLetters, statePart, keysWritten, keysTotal: this.keyCount, longestLine, metrics: { ...this.metrics }, notices };
  }
}

/** Where an event came from, for a log line. */
function positionText(p: Position): string {
  if ('file' in p) return `${p.file} line ${p.line}`;
  if ('stream' in p) return `stream ${p.stream}, shard ${p.shard}, sequence number ${p.sequenceNumber}`;
  return `event ${p.index + 1}`;
}
