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

/**
 * A record the source could not read as text: bytes that are not UTF-8 (`bytes`: exactly as
 * received), or a line longer than the longest event read (its text is then the line's
 * beginning). It becomes a dead letter with `reason`.
 */
export interface Unreadable {
  readonly reason: string;
  readonly bytes?: Uint8Array;
}

export interface RecordBatch {
  /**
   * The events' text as received (an unreadable record's text decoded as well as it can be:
   * invalid bytes as U+FFFD).
   */
  readonly texts: readonly string[];
  /** The records of `texts` the source could not read, by index (absent: none). */
  readonly unreadable?: ReadonlyMap<number, Unreadable>;
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

/**
 * An `Unreadable` for bytes that are not UTF-8 (undefined when they are): the reason names the
 * first bad byte, and the dead letter keeps the bytes exactly.
 */
export function notUtf8(bytes: Uint8Array): Unreadable | undefined {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return undefined;
  return { reason: `the event is not UTF-8 text (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte ${bad + 1}); the dead letter keeps its bytes`, bytes: Uint8Array.from(bytes) };
}

/** The index of the first byte of `b` that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Sequence length and the range of the second byte (no overlong forms, no surrogates, at most U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}
