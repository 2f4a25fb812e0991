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
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Lag } from '../metrics.ts';
import type { RecordBatch, Source, SourceOffset } from './source.ts';

const HEAD = 4096;

export interface FileSourceOptions {
  /** Bytes read per batch (default 1 MiB). */
  readonly chunkBytes?: number;
  /** Arrival time of each batch (default the wall clock). */
  readonly clock?: () => number;
}

/** A batch of complete lines as bytes, for the partitioned router. */
export interface LineChunk {
  /** Complete lines, each ended by `\n` except possibly the very last line of the file. */
  readonly bytes: Buffer;
  /** Line number of the first line (1-based). */
  readonly firstLine: number;
  readonly ingestionTime: number;
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
    this.readAt = this.at;
    this.pending = Buffer.alloc(0);
    this.done = false;
  }

  /** The next chunk of complete lines as bytes, or null at the end of the file. */
  async nextChunk(): Promise<LineChunk | null> {
    if (this.handle === undefined) await this.restore(undefined);
    const handle = this.handle!;
    const size = this.options.chunkBytes ?? 1 << 20;
    for (;;) {
      if (this.done) return null;
      const buf = Buffer.allocUnsafe(this.pending.length + size);
      this.pending.copy(buf, 0);
      const { bytesRead } = await handle.read(buf, this.pending.length, size, this.readAt);
      this.readAt += bytesRead;
      const filled = this.pending.length + bytesRead;
      let end: number;
      if (bytesRead === 0) {
        // End of file: a last line without a line break is a line too.
        this.done = true;
        end = filled;
      } else {
        end = buf.lastIndexOf(10, filled - 1) + 1;
      }
      if (end === 0) {
        // No complete line yet (a line longer than the chunk): read on.
        this.pending = buf.subarray(0, filled);
        continue;
      }
      this.pending = Buffer.from(buf.subarray(end, filled));
      const bytes = buf.subarray(0, end);
      const firstLine = this.lines + 1;
      this.at += end;
      let count = 0;
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) count++;
      if (bytes[end - 1] !== 10) count++;
      this.lines += count;
      return { bytes, firstLine, ingestionTime: (this.options.clock ?? Date.now)() };
    }
  }

  async next(): Promise<RecordBatch | null> {
    const chunk = await this.nextChunk();
    if (chunk === null) return null;
    const texts = splitLines(chunk.bytes);
    const file = this.path;
    const first = chunk.firstLine;
    return { texts, ingestionTime: chunk.ingestionTime, position: (i) => ({ file, line: first + i }), lines: { file, firstLine: first } };
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

/** The lines of a chunk of complete lines, without their line breaks (`\r\n` too). */
export function splitLines(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}
