/**
 * Sources, in the Flink model: a source hands out batches of records (the events as published,
 * as text) and can say where it stands (`offset`), so that a checkpoint stores it and a restore
 * resumes exactly after the last event the table committed.
 */
import type { Lag } from '../metrics.ts';

/** Where one event came from, for the dead-letter output. */
export type Position =
  | { readonly file: string; readonly line: number }
  | { readonly stream: string; readonly shard: string; readonly sequenceNumber: string }
  | { readonly index: number };

/** Where a source resumes: JSON, stored in checkpoints and the table's commit records. */
export type SourceOffset =
  | { readonly kind: 'file'; readonly path: string; readonly offset: number; readonly line: number; readonly fingerprint: string }
  | { readonly kind: 'kinesis'; readonly stream: string; readonly shards: Readonly<Record<string, string>> }
  | { readonly kind: 'array'; readonly index: number };

export interface RecordBatch {
  /** The events' text as received. */
  readonly texts: readonly string[];
  /** Their parsed JSON values, when the source has them already (saves a parse). */
  readonly values?: readonly unknown[];
  /** Arrival time (epoch ms) of the whole batch, or per record. */
  readonly ingestionTime: number | readonly number[];
  position(i: number): Position;
  /** For a file: record i is line `firstLine + i` of `file` (lets the router ship positions compactly). */
  readonly lines?: { readonly file: string; readonly firstLine: number };
}

export interface Source {
  /** For messages: the file path, the stream name. */
  readonly description: string;
  /** Positions the source after `offset` (from the last committed checkpoint), or at its start. */
  restore(offset: SourceOffset | undefined): Promise<void>;
  /** The next batch, or null when a bounded source is exhausted. */
  next(): Promise<RecordBatch | null>;
  /** The offset just after the last batch `next` returned. */
  offset(): SourceOffset;
  lag(): Lag;
  close(): Promise<void>;
}
