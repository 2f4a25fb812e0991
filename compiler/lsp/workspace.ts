/**
 * The lakes the editor has open. A lake is the folder of an open `.lake` document: every `.lake`
 * file in it, read from disk, except the open documents, whose unsaved text wins (an unsaved
 * buffer that is not a file is a lake of its own). Each lake keeps its last compilation; files
 * are reparsed only where they changed (incremental.ts) and the rest of the pipeline is the
 * CLI's `compile`, so the editor shows exactly what `lakec check` reports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compile, type Compilation } from '../driver/compile.ts';
import type { ParsedFile } from '../syntax/parse.ts';
import type { SourceFile } from '../syntax/source.ts';
import { bindCached } from './bindCache.ts';
import { reparse, type ParseState } from './incremental.ts';
import { pathToUri, uriToPath } from './positions.ts';

export interface LakeState {
  /** The folder, or the URI of a document that is not a file. */
  readonly key: string;
  readonly compilation: Compilation;
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Increases with every check. */
  readonly generation: number;
}

export interface CheckStats {
  /** Files parsed in full (the others were reused or reparsed in part). */
  fullParses: number;
}

export class Workspace {
  private readonly parseStates = new Map<string, ParseState>();
  private readonly disk = new Map<string, { mtimeMs: number; size: number; text: string }>();
  private readonly lakes = new Map<string, LakeState>();
  private readonly dirty = new Set<string>();
  private generation = 0;
  readonly stats: CheckStats = { fullParses: 0 };

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  /** The lake a document belongs to. */
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

  /** Keys of lakes that have been checked (or are waiting to be). */
  keys(): string[] {
    return [...new Set([...this.lakes.keys(), ...this.dirty])];
  }

  forget(key: string): LakeState | undefined {
    const state = this.lakes.get(key);
    this.lakes.delete(key);
    this.dirty.delete(key);
    if (state !== undefined) for (const p of state.files.keys()) if (this.documentOf(p) === undefined) this.parseStates.delete(p);
    return state;
  }

  /** The last compilation of the lake, without checking again (may lag the latest keystroke). */
  cached(key: string): LakeState | undefined {
    return this.lakes.get(key);
  }

  /** The lake, checked again first if anything changed since its last check. */
  current(key: string): LakeState {
    const state = this.lakes.get(key);
    if (state !== undefined && !this.dirty.has(key)) return state;
    return this.check(key);
  }

  isDirty(key: string): boolean {
    return this.dirty.has(key) || !this.lakes.has(key);
  }

  check(key: string): LakeState {
    this.dirty.delete(key);
    const sources = this.sources(key);
    const compilation = compile(sources, { parse: (s) => this.parse(s), bind: bindCached, model: false });
    const state: LakeState = { key, compilation, files: new Map(sources.map((s) => [s.path, s])), generation: ++this.generation };
    this.lakes.set(key, state);
    return state;
  }

  /** The source files of a lake: the folder's `.lake` files, open documents first. */
  sources(key: string): SourceFile[] {
    const open = this.documents.all().filter((d) => this.keyOf(d.uri) === key);
    if (!isFolderKey(key)) {
      // A document that is not a file: a lake of its own.
      return open.map((d) => ({ path: d.uri, text: d.getText() }));
    }
    const byPath = new Map<string, SourceFile>();
    let names: string[] = [];
    try {
      names = readdirSync(key).filter((n) => n.endsWith('.lake'));
    } catch {
      // The folder is gone or unreadable: the open documents are the lake.
    }
    for (const n of names) {
      const path = join(key, n);
      const text = this.readDisk(path);
      if (text !== undefined) byPath.set(path, { path, text });
    }
    for (const d of open) {
      const path = uriToPath(d.uri);
      byPath.set(path, { path, text: d.getText() });
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private readDisk(path: string): string | undefined {
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      const cached = this.disk.get(path);
      if (cached !== undefined && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached.text;
      const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
      this.disk.set(path, { mtimeMs: st.mtimeMs, size: st.size, text });
      return text;
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
