/**
 * The lakes the editor has open. The unit of work is a folder: the `.lake` files in the folder of
 * an open document, read from disk, except the open documents, whose unsaved text wins (an
 * unsaved buffer that is not a file is a folder of its own). The folder's files are split into
 * lakes by the CLI's own rule (driver/sources.ts: one lake when they declare at most one `lake`,
 * otherwise one lake per file), and each lake that holds an open document is compiled with the
 * CLI's `compile`; files are reparsed only where they changed (incremental.ts). So the editor
 * shows exactly what `lakec check` reports for the same path.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compileLake, type Compilation } from '../driver/compile.ts';
import { decode, lakeFileNames, lakeHolding, lakesOfFolder, type LakeSource } from '../driver/sources.ts';
import type { ParsedFile } from '../syntax/parse.ts';
import type { SourceFile } from '../syntax/source.ts';
import { bindCached } from './bindCache.ts';
import { reparse, type ParseState } from './incremental.ts';
import { pathToUri, uriToPath } from './positions.ts';

export interface LakeState {
  /** The lake's root: its folder, its one file, or the URI of a document that is not a file. */
  readonly key: string;
  readonly compilation: Compilation;
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Increases with every check. */
  readonly generation: number;
}

/** One check of a folder: its lakes that hold an open document. */
export interface FolderState {
  /** The folder, or the URI of a document that is not a file. */
  readonly key: string;
  readonly lakes: readonly LakeState[];
  /** Increases with every check. */
  readonly generation: number;
}

export interface CheckStats {
  /** Files parsed in full (the others were reused or reparsed in part). */
  fullParses: number;
}

export class Workspace {
  private readonly parseStates = new Map<string, ParseState>();
  private readonly disk = new Map<string, { mtimeMs: number; size: number; file: LakeSource }>();
  private readonly folders = new Map<string, FolderState>();
  private readonly dirty = new Set<string>();
  private generation = 0;
  readonly stats: CheckStats = { fullParses: 0 };

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The folder a document belongs to (the unit that is checked). */
  keyOf(uri: string): string {
    const path = uriToPath(uri);
    return path === uri ? uri : dirname(path);
  }

  /** The URI to publish a file's diagnostics under: the open document's own URI when there is one. */
  uriOf(path: string): string {
    for (const d of this.documents.all()) if (uriToPath(d.uri) === path) return d.uri;
    return pathToUri(path);
  }

  documentOf(path: string): TextDocument | undefined {
    for (const d of this.documents.all()) if (uriToPath(d.uri) === path) return d;
    return undefined;
  }

  hasOpenDocuments(key: string): boolean {
    return this.documents.all().some((d) => this.keyOf(d.uri) === key);
  }

  markDirty(key: string): void {
    this.dirty.add(key);
  }

  /** Keys of folders that have been checked (or are waiting to be). */
  keys(): string[] {
    return [...new Set([...this.folders.keys(), ...this.dirty])];
  }

  forget(key: string): FolderState | undefined {
    const state = this.folders.get(key);
    this.folders.delete(key);
    this.dirty.delete(key);
    for (const lake of state?.lakes ?? []) for (const p of lake.files.keys()) if (this.documentOf(p) === undefined) this.parseStates.delete(p);
    return state;
  }

  /** The folder, checked again first if anything changed since its last check. */
  current(key: string): FolderState {
    const state = this.folders.get(key);
    if (state !== undefined && !this.dirty.has(key)) return state;
    return this.check(key);
  }

  /** The checked lake that holds a document (`cached`: as of the last check, if there was one). */
  lakeOf(uri: string, cached = false): LakeState | undefined {
    const key = this.keyOf(uri);
    const path = uriToPath(uri);
    const last = cached ? this.folders.get(key)?.lakes.find((l) => l.files.has(path)) : undefined;
    return last ?? this.current(key).lakes.find((l) => l.files.has(path));
  }

  isDirty(key: string): boolean {
    return this.dirty.has(key) || !this.folders.has(key);
  }

  check(key: string): FolderState {
    this.dirty.delete(key);
    const sources = this.sources(key);
    const parse = (s: SourceFile): ParsedFile => this.parse(s);
    const lakes = lakesOfFolder(key, sources, parse);
    const open = this.documents.all().filter((d) => this.keyOf(d.uri) === key).map((d) => uriToPath(d.uri));
    const wanted = lakes.filter((l) => open.some((p) => lakeHolding([l], p) !== undefined));
    const generation = ++this.generation;
    const checked = wanted.map((l): LakeState => ({
      key: l.root,
      compilation: compileLake(l, { parse, bind: bindCached, model: false }),
      files: new Map(l.files.map((s) => [s.path, s])),
      generation,
    }));
    const state: FolderState = { key, lakes: checked, generation };
    this.folders.set(key, state);
    return state;
  }

  /** The source files of a folder: its `.lake` files, with the open documents' text. */
  sources(key: string): LakeSource[] {
    const open = this.documents.all().filter((d) => this.keyOf(d.uri) === key);
    if (!isFolderKey(key)) {
      // A document that is not a file: a lake of its own.
      return open.map((d) => ({ path: d.uri, text: d.getText() }));
    }
    const byPath = new Map<string, LakeSource>();
    let names: string[] = [];
    try {
      names = lakeFileNames(key);
    } catch {
      // The folder is gone or unreadable: the open documents are the lake.
    }
    for (const n of names) {
      const path = join(key, n);
      const file = this.readDisk(path);
      if (file !== undefined) byPath.set(path, file);
    }
    for (const d of open) {
      const path = uriToPath(d.uri);
      const text = d.getText();
      // The editor decoded the bytes of a file that is not text (NULs kept, bad bytes as U+FFFD):
      // report it as lakec check does, from the bytes on disk.
      const disk = /[\u0000\uFFFD]/.test(text) ? this.readDisk(path) : undefined;
      byPath.set(path, disk?.problem !== undefined ? disk : { path, text });
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private readDisk(path: string): LakeSource | undefined {
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      const cached = this.disk.get(path);
      if (cached !== undefined && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.file;
      const file = decode(path, readFileSync(path));
      this.disk.set(path, { mtimeMs: st.mtimeMs, size: st.size, file });
      return file;
    } catch {
      this.disk.delete(path);
      return undefined;
    }
  }

  /** Parses a source, reusing what is unchanged since its last parse. */
  parse(source: SourceFile): ParsedFile {
    const r = reparse(source.path, this.parseStates.get(source.path), source.text);
    if (!r.incremental) this.stats.fullParses++;
    this.parseStates.set(source.path, { text: source.text, parsed: r.parsed });
    return r.parsed;
  }
}

/** Folder keys are paths; the key of a document that is not a file is its URI (`untitled:...`). */
function isFolderKey(key: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(key) || /^[a-z]:[\\/]/i.test(key);
}
