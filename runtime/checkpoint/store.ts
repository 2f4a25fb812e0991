/**
 * Checkpoints on disk. A checkpoint is a folder `chk-<id>/` holding one state file per partition
 * and a manifest; it is written under `chk-<id>.tmp/`, every file fsynced, and published by one
 * rename, so it exists whole or not at all.
 *
 * State is incremental, as in Flink's incremental RocksDB checkpoints: a checkpoint holds the
 * keys whose state changed since the previous one and names that one as its `base`; a full
 * checkpoint (every key) starts a new chain. Restoring reads the chain from its full checkpoint
 * on, later lines winning. A checkpoint only counts once the table has committed it (the
 * two-phase protocol of job.ts): the store never decides on its own which one is latest.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachLine, publishDir, removeQuietly, writeDurably, writeFileAtomic } from '../io/files.ts';

/**
 * The layout and meaning of the state files (operators/bitemporal.ts and operators/current.ts
 * `StateLine`): since format 2 a remembered payload key is a csv.ts template prefix, since 3 an
 * event that opened a current row is written as the row's index, since 4 a key's time is its
 * clock (the time of its last applied event, not of its last row change: rule 5) and a
 * line may end with the latest stated time the key has forgotten (late events). A chain in
 * another format is not restored (job.ts says why, from `STATE_FORMAT_CHANGES`).
 */
export const STATE_FORMAT = 4;

/** What each format changed, for the message that refuses an older chain. */
export const STATE_FORMAT_CHANGES: Readonly<Record<number, string>> = {
  2: 'remembered payloads as row templates',
  3: 'remembered events written by row index',
  4: "each key's clock moves with every applied event, even one that changes no row, and keys remember what their dedup window forgot; the older state cannot tell when a key's events stopped changing rows, so continuing from it could apply a later event before a time already read",
};

export interface CheckpointManifest {
  readonly id: number;
  /** `STATE_FORMAT` when written; absent before format 2. */
  readonly stateFormat?: number;
  readonly dataset: string;
  /** Every key is in this checkpoint's files (no base needed). */
  readonly full: boolean;
  /** The previous checkpoint of the chain; null for a full one. */
  readonly base: number | null;
  /** A savepoint: written on a clean stop. */
  readonly savepoint: boolean;
  /** State files, one per partition that wrote one. */
  readonly parts: readonly string[];
  /** Keys in this checkpoint's files, and in the whole state. */
  readonly keysWritten: number;
  readonly keysTotal: number;
  /** The source position this state belongs to (the table's commit record is authoritative). */
  readonly position: unknown;
}

const NAME = /^chk-(\d+)$/;

export class CheckpointStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(id: number): string {
    return join(this.dir, `chk-${String(id).padStart(8, '0')}`);
  }

  /** Starts checkpoint `id`: an empty temporary folder the partitions write their files into. */
  begin(id: number): string {
    const tmp = `${this.path(id)}.tmp`;
    removeQuietly(tmp);
    removeQuietly(this.path(id));
    mkdirSync(tmp, { recursive: true });
    return tmp;
  }

  /** Writes one partition's state lines into the temporary folder (fsynced). */
  static writePart(tmpDir: string, partition: number, lines: Iterable<string>): { file: string; bytes: number } {
    const file = `part-${partition}.state`;
    const withNewlines = (function* () {
      for (const l of lines) yield l + '\n';
    })();
    const bytes = writeDurably(join(tmpDir, file), withNewlines);
    return { file, bytes };
  }

  /** Publishes checkpoint `id` with its manifest. */
  finish(manifest: CheckpointManifest): void {
    const tmp = `${this.path(manifest.id)}.tmp`;
    writeFileAtomic(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    publishDir(tmp, this.path(manifest.id));
  }

  manifest(id: number): CheckpointManifest | undefined {
    const file = join(this.path(id), 'manifest.json');
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as CheckpointManifest;
  }

  /** The published checkpoint ids, ascending. */
  ids(): number[] {
    return readdirSync(this.dir)
      .map((n) => NAME.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** The manifests from the full checkpoint to `id`, oldest first; throws if one is missing. */
  chain(id: number): CheckpointManifest[] {
    const out: CheckpointManifest[] = [];
    for (let at: number | null = id; at !== null; ) {
      const m = this.manifest(at);
      if (m === undefined) throw new Error(`checkpoint ${at} is missing from ${this.dir} (needed to restore checkpoint ${id})`);
      out.push(m);
      at = m.base;
    }
    return out.reverse();
  }

  /** Every state line of the chain ending at `id`, in the order they must be applied. */
  forEachStateLine(id: number, onLine: (line: string) => void): void {
    for (const m of this.chain(id)) for (const part of m.parts) forEachLine(join(this.path(m.id), part), onLine);
  }

  /**
   * On start: removes what a crash left behind, unfinished folders and checkpoints newer than
   * the committed one (written, but the table never committed them).
   */
  discardUncommitted(committed: number | null): void {
    for (const name of readdirSync(this.dir)) {
      const m = NAME.exec(name);
      if (m === null ? name.endsWith('.tmp') : committed === null || Number(m[1]) > committed) removeQuietly(join(this.dir, name));
    }
  }

  /**
   * After a commit: removes the checkpoints older than `committed` that its chain does not
   * need. Newer ones (the next checkpoint, being written) are left alone.
   */
  prune(committed: number): void {
    const keep = new Set(this.chain(committed).map((m) => m.id));
    for (const name of readdirSync(this.dir)) {
      const m = NAME.exec(name);
      if (m !== null && Number(m[1]) < committed && !keep.has(Number(m[1]))) removeQuietly(join(this.dir, name));
    }
  }
}
