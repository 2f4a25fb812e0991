/**
 * A JSON-lines file source: one event per line, read in chunks (a file of any size, never one
 * huge string), with the file and line of each event as its position. Bounded: it ends at the
 * end of the file.
 *
 * The offset is the byte offset and line count after the last line handed out, plus a
 * fingerprint of the file's first bytes (up to 4 KiB). Resuming with a file whose beginning
 * differs (another batch of events) reads that file from its start; with the same file it
 * continues after the committed line, also when the file has grown since.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Lag } from '../metrics.ts';
import { notUtf8, type RecordBatch, type Source, type SourceOffset, type Unreadable } from './source.ts';

const HEAD = 4096;
/** The UTF-8 byte-order mark: skipped at the start of a file (it is not part of line 1's event). */
const BOM = [0xef, 0xbb, 0xbf];
/** The longest line read as an event, by default (64 MiB); a longer line is a dead letter. */
export const MAX_LINE_BYTES = 64 << 20;
/** What a dead letter keeps of a line longer than the limit: its first 64 KiB. */
const CUT_PREFIX = 64 << 10;

export interface FileSourceOptions {
  /** Bytes read per batch (default 1 MiB). */
  readonly chunkBytes?: number;
  /** Arrival time of each batch (default the wall clock). */
  readonly clock?: () => number;
  /** The longest line read as an event (default `MAX_LINE_BYTES`); a longer line is a dead letter with its beginning. */
  readonly maxLineBytes?: number;
}

/** A batch of complete lines as bytes, for the partitioned router. */
export interface LineChunk {
  /** Complete lines, each ended by `\n` except possibly the very last line of the file. */
  readonly bytes: Buffer;
  /** Line number of the first line (1-based). */
  readonly firstLine: number;
  readonly ingestionTime: number;
  /**
   * Set when the chunk is one line longer than the limit: `bytes` is its beginning only and
   * `length` its whole length in bytes (line break excluded).
   */
  readonly cut?: { readonly length: number; readonly limit: number };
}

export class FileSource implements Source {
  private handle: FileHandle | undefined;
  private head = Buffer.alloc(0);
  private size = 0;
  /** Byte offset and line count after what was handed out. */
  private at = 0;
  private lines = 0;
  /** Bytes read but not handed out (an incomplete last line). */
  private pending = Buffer.alloc(0);
  private readAt = 0;
  private done = false;
  /** Set by restore when the checkpointed file was another one. */
  restartedBecause: string | undefined;

  constructor(readonly path: string, private readonly options: FileSourceOptions = {}) {}

  get description(): string {
    return this.path;
  }

  private fingerprint(upTo: number): string {
    return createHash('sha256').update(this.head.subarray(0, Math.min(upTo, HEAD))).digest('hex').slice(0, 32);
  }

  async restore(offset: SourceOffset | undefined): Promise<void> {
    this.handle ??= await open(this.path, 'r');
    const stat = await this.handle.stat();
    if (!stat.isFile()) throw new Error(`'${this.path}' is not a file`);
    this.size = stat.size;
    const head = Buffer.alloc(Math.min(HEAD, this.size));
    if (head.length > 0) await this.handle.read(head, 0, head.length, 0);
    this.head = head;
    this.at = 0;
    this.lines = 0;
    this.restartedBecause = undefined;
    if (offset !== undefined) {
      if (offset.kind !== 'file') throw new Error(`cannot resume a file source from a ${offset.kind} offset`);
      if (offset.offset > this.size || this.fingerprint(offset.offset) !== offset.fingerprint) {
        this.restartedBecause = `'${this.path}' is not the file the last checkpoint read (${offset.path}); reading it from the start`;
      } else {
        this.at = offset.offset;
        this.lines = offset.line;
      }
    }
    // A byte-order mark opens the file, it is not part of line 1.
    if (this.at === 0 && BOM.every((b, i) => head[i] === b)) this.at = BOM.length;
    this.readAt = this.at;
    this.pending = Buffer.alloc(0);
    this.done = false;
  }

  /** The next chunk of complete lines as bytes, or null at the end of the file. */
  async nextChunk(): Promise<LineChunk | null> {
    if (this.handle === undefined) await this.restore(undefined);
    const handle = this.handle!;
    const chunk = this.options.chunkBytes ?? 1 << 20;
    const limit = this.options.maxLineBytes ?? MAX_LINE_BYTES;
    for (;;) {
      if (this.done) return null;
      // A line longer than a chunk is read on in growing pieces (linear, not quadratic).
      const size = Math.max(chunk, this.pending.length);
      const buf = Buffer.allocUnsafe(this.pending.length + size);
      this.pending.copy(buf, 0);
      const { bytesRead } = await handle.read(buf, this.pending.length, size, this.readAt);
      this.readAt += bytesRead;
      const filled = this.pending.length + bytesRead;
      // End of file: a last line without a line break is a line too.
      if (bytesRead === 0) this.done = true;
      const end = this.done ? filled : buf.lastIndexOf(10, filled - 1) + 1;
      if (end === 0) {
        // No complete line yet: read on, unless the line is already too long.
        if (filled > limit) return this.cutLine(buf.subarray(0, filled), false);
        this.pending = buf.subarray(0, filled);
        continue;
      }
      // Count the lines, stopping before the first one longer than the limit.
      let count = 0;
      let from = 0;
      let longAt = -1;
      while (from < end) {
        const nl = buf.indexOf(10, from);
        const lineEnd = nl < 0 || nl >= end ? end : nl;
        if (lineEnd - from > limit) {
          longAt = from;
          break;
        }
        count++;
        from = lineEnd + 1;
      }
      if (longAt === 0) return this.cutLine(buf.subarray(0, filled), true);
      const taken = longAt > 0 ? longAt : end;
      if (longAt > 0) this.done = false;
      this.pending = Buffer.from(buf.subarray(taken, filled));
      const firstLine = this.lines + 1;
      this.at += taken;
      this.lines += count;
      return { bytes: buf.subarray(0, taken), firstLine, ingestionTime: (this.options.clock ?? Date.now)() };
    }
  }

  /**
   * The line at the start of `buf` is longer than the limit: skips to its end (reading on when
   * `complete` is false: its line break is not read yet) and hands out its beginning alone.
   */
  private async cutLine(buf: Buffer, complete: boolean): Promise<LineChunk> {
    const limit = this.options.maxLineBytes ?? MAX_LINE_BYTES;
    const prefix = Buffer.from(buf.subarray(0, Math.min(CUT_PREFIX, limit)));
    let length: number;
    let ended = false;
    const lineBreak = complete ? buf.indexOf(10) : -1;
    if (lineBreak >= 0) {
      length = lineBreak;
      ended = true;
      this.pending = Buffer.from(buf.subarray(lineBreak + 1));
    } else {
      // Complete without a break: the file's last line.
      length = buf.length;
      this.pending = Buffer.alloc(0);
      const piece = Buffer.allocUnsafe(this.options.chunkBytes ?? 1 << 20);
      while (!this.done) {
        const { bytesRead } = await this.handle!.read(piece, 0, piece.length, this.readAt);
        if (bytesRead === 0) {
          this.done = true;
          break;
        }
        this.readAt += bytesRead;
        const at = piece.subarray(0, bytesRead).indexOf(10);
        if (at >= 0) {
          length += at;
          ended = true;
          this.pending = Buffer.from(piece.subarray(at + 1, bytesRead));
          break;
        }
        length += bytesRead;
      }
    }
    // More may follow the cut line: read on after it.
    if (ended) this.done = false;
    const firstLine = this.lines + 1;
    this.at += length + (ended ? 1 : 0);
    this.lines++;
    return { bytes: prefix, firstLine, ingestionTime: (this.options.clock ?? Date.now)(), cut: { length, limit } };
  }

  async next(): Promise<RecordBatch | null> {
    const chunk = await this.nextChunk();
    if (chunk === null) return null;
    const file = this.path;
    const first = chunk.firstLine;
    const position = (i: number): { file: string; line: number } => ({ file, line: first + i });
    const lines = { file, firstLine: first };
    if (chunk.cut !== undefined) {
      const unreadable = new Map<number, Unreadable>([[0, { reason: `the line is ${chunk.cut.length.toLocaleString('en-US')} bytes long, longer than the longest event read (${chunk.cut.limit.toLocaleString('en-US')} bytes); the dead letter holds its first ${chunk.bytes.length.toLocaleString('en-US')} bytes` }]]);
      return { texts: [chunk.bytes.toString('utf8')], unreadable, ingestionTime: chunk.ingestionTime, position, lines };
    }
    const { texts, unreadable } = splitLines(chunk.bytes);
    return { texts, ...(unreadable !== undefined ? { unreadable } : {}), ingestionTime: chunk.ingestionTime, position, lines };
  }

  offset(): SourceOffset {
    return { kind: 'file', path: this.path, offset: this.at, line: this.lines, fingerprint: this.fingerprint(this.at) };
  }

  lag(): Lag {
    return { bytesBehind: Math.max(0, this.size - this.at) };
  }

  /** Bytes of the file read so far and in total, for progress. */
  progress(): { bytes: number; total: number; lines: number } {
    return { bytes: this.at, total: this.size, lines: this.lines };
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * The lines of a chunk of complete lines, without their line breaks (`\r\n` too), and the lines
 * that are not UTF-8 (with their bytes exactly). The common chunk is checked as a whole, once.
 */
export function splitLines(bytes: Buffer): { texts: string[]; unreadable?: Map<number, Unreadable> } {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  if (isUtf8(bytes)) return { texts: lines };
  const unreadable = new Map<number, Unreadable>();
  let start = 0;
  for (let i = 0; start < bytes.length; i++) {
    const nl = bytes.indexOf(10, start);
    const end = nl < 0 ? bytes.length : nl;
    let line = bytes.subarray(start, end);
    if (line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    const bad = notUtf8(line);
    if (bad !== undefined) unreadable.set(i, bad);
    start = end + 1;
  }
  return { texts: lines, unreadable };
}
