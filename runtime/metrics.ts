/**
 * Metrics of a processor. Counters are cumulative over the life of the table (a restore
 * continues from the checkpointed values); partitions add theirs up.
 */
export interface Metrics {
  /**
   * Records read from the source (lines of a file, records of a stream). Each is counted once
   * more: recordsIn = changed + unchanged + duplicates + deadLetters + blankLines.
   */
  recordsIn: number;
  /** Row writes to the table: history rows, current rows added or updated, appended rows. */
  rowsOut: number;
  /** Events rejected to the dead-letter output. */
  deadLetters: number;
  /** Events that changed the table. */
  changed: number;
  /** Well-formed new events that changed nothing (a put of the value already current). */
  unchanged: number;
  /** Events recognized as already applied (rule 4). */
  duplicates: number;
  /** Records that hold no event (empty or whitespace-only lines), skipped. */
  blankLines: number;
  /** Events whose system time was raised to keep a key's history monotonic (rule 5). */
  adjustedSystemTimes: number;
  /**
   * Late events: not recognized as duplicates, yet stated at or before a time their key's
   * dedup window has forgotten. Counted whatever the dataset's `late` policy does with them
   * (applied: also in changed or unchanged; dead-lettered: also in deadLetters).
   */
  lateEvents: number;
  /** Committed checkpoints. */
  checkpoints: number;
}

export function emptyMetrics(): Metrics {
  return { recordsIn: 0, rowsOut: 0, deadLetters: 0, changed: 0, unchanged: 0, duplicates: 0, blankLines: 0, adjustedSystemTimes: 0, lateEvents: 0, checkpoints: 0 };
}

export function addMetrics(into: Metrics, from: Partial<Metrics>): Metrics {
  for (const k of Object.keys(into) as (keyof Metrics)[]) into[k] += from[k] ?? 0;
  return into;
}

/** How far behind the source the processor is, as the source can tell. */
export interface Lag {
  /** Kinesis: the largest MillisBehindLatest over the shards read. */
  millisBehindLatest?: number;
  /** A file: bytes not read yet. */
  bytesBehind?: number;
}
