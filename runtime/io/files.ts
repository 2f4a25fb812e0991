/**
 * Durable file writes: a file is written whole, flushed to disk (fsync) and only then made
 * visible under its name by a rename, so a reader finds either the old version or the new one,
 * never a torn one. A folder is published the same way.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** fsync of a folder, so that a rename inside it is durable. Not every platform allows it. */
export function fsyncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder; its renames are durable once the call returns.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `pieces` to `path` (created or truncated), then fsyncs it. Returns the bytes written. */
export function writeDurably(path: string, pieces: Iterable<string>): number {
  return writePieces(path, pieces, true);
}

/** Writes `pieces` to `path` without waiting for the disk: for files that can be rebuilt. */
export function writeQuickly(path: string, pieces: Iterable<string>): number {
  return writePieces(path, pieces, false);
}

function writePieces(path: string, pieces: Iterable<string>, durable: boolean): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let pending = '';
    for (const p of pieces) {
      pending += p;
      if (pending.length >= 1 << 20) {
        bytes += writeSync(fd, pending);
        pending = '';
      }
    }
    if (pending.length > 0) bytes += writeSync(fd, pending);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Writes a whole file atomically: temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeDurably(tmp, [content]);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Publishes a folder written under `tmp` as `path` (replacing nothing: `path` must not exist). */
export function publishDir(tmp: string, path: string): void {
  fsyncDir(tmp);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

export function removeQuietly(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Calls `onLine` with each line of a (possibly huge) UTF-8 file, reading it in chunks. */
export function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 22);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const text = rest + decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        if (nl > start) onLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest.length > 0) onLine(rest);
  } finally {
    closeSync(fd);
  }
}
