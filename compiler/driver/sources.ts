/**
 * How a lake's files are found: the one rule `lakec check`, `build`, `fmt` and the language
 * server share (docs/language.md, section 1).
 *
 * The `.lake` files directly in one folder form one lake when they hold at most one `lake`
 * declaration between them. When they hold several (a folder of examples, a spec beside its
 * draft copies), every file is a lake of its own; a file among them that declares no lake is
 * checked alone too, with LAKE0010 saying why. A path names a folder's lakes, or, for a file,
 * the one lake the file belongs to.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseFile, type ParsedFile } from '../syntax/parse.ts';
import type { SourceFile } from '../syntax/source.ts';

/** One lake: the files checked together. */
export interface LakeFiles {
  /** What names the lake: its folder when the folder is one lake, otherwise its one file. */
  readonly root: string;
  readonly kind: 'folder' | 'file';
  /** Sorted by path. */
  readonly files: readonly SourceFile[];
  /** What finding the files has to say (LAKE0010), reported with the lake's own diagnostics. */
  readonly diagnostics: readonly Diagnostic[];
}

export type Parse = (source: SourceFile) => ParsedFile;

export const defaultParse: Parse = (s) => parseFile(s.path, s.text);

/** A parser that parses each source once, for callers that find lakes and then compile them. */
export function parseOnce(parse: Parse = defaultParse): Parse {
  const seen = new Map<SourceFile, ParsedFile>();
  return (s) => {
    let p = seen.get(s);
    if (p === undefined) {
      p = parse(s);
      seen.set(s, p);
    }
    return p;
  };
}

/** How many `lake` declarations a file holds. */
function lakeDeclarations(parsed: ParsedFile): number {
  let n = 0;
  for (const d of parsed.ast.declarations) if (d.kind === 'Lake') n++;
  return n;
}

const byPath = (a: SourceFile, b: SourceFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The lakes formed by the `.lake` files of one folder (the rule above). */
export function lakesOfFolder(folder: string, sources: readonly SourceFile[], parse: Parse = defaultParse): LakeFiles[] {
  const files = [...sources].sort(byPath);
  if (files.length === 0) return [];
  const counts = files.map((f) => lakeDeclarations(parse(f)));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 1) return [{ root: folder, kind: 'folder', files, diagnostics: [] }];
  const declaring = files.filter((_f, i) => counts[i]! > 0).map((f) => basename(f.path));
  return files.map((f, i) => ({
    root: f.path,
    kind: 'file' as const,
    files: [f],
    diagnostics: counts[i] === 0 ? [alone(f, declaring)] : [],
  }));
}

/** LAKE0010: a file that declares no lake, in a folder that holds several. */
function alone(f: SourceFile, declaring: readonly string[]): Diagnostic {
  const shown = declaring.length <= 4 ? declaring.join(', ') : `${declaring.slice(0, 4).join(', ')} and ${declaring.length - 4} more`;
  return {
    code: 'LAKE0010', severity: 'warning',
    message: `${basename(f.path)} declares no lake and is checked on its own: its folder holds ${declaring.length} lakes (${shown}), so no lake includes it`,
    span: { file: f.path, start: 0, end: 0 },
    hint: `a folder is one lake when its .lake files declare one lake between them; put ${basename(f.path)} in a folder with the lake it belongs to, or move the other lakes (and draft copies) out of this folder`,
  };
}

/** The lake of `lakes` that holds the file `path`. */
export function lakeHolding(lakes: readonly LakeFiles[], path: string): LakeFiles | undefined {
  return lakes.find((l) => l.files.some((f) => f.path === path));
}

export interface FoundLakes {
  /** The lakes PATH names: those of a folder, or the one a file belongs to. */
  readonly lakes: LakeFiles[];
  /** Why PATH could not be read (LAKE0004); no lakes then. */
  readonly diagnostics: Diagnostic[];
}

/** The lakes a path names, read from disk. */
export function findLakes(path: string, parse: Parse = defaultParse): FoundLakes {
  const fail = (message: string, hint: string): FoundLakes => ({
    lakes: [],
    diagnostics: [{ code: 'LAKE0004', severity: 'error', message, hint, span: { file: path, start: 0, end: 0 } }],
  });
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return fail(`cannot find '${path}'`, 'give the path of a .lake file or of a folder holding .lake files');
  }
  try {
    if (stat.isDirectory()) {
      const folder = path.replace(/(.)[\\/]+$/, '$1');
      const names = lakeFileNames(folder);
      if (names.length === 0) return fail(`the folder '${path}' holds no .lake files`, 'a lake is one .lake file or a folder of them');
      return { lakes: lakesOfFolder(folder, names.map((n) => read(join(folder, n))), parse), diagnostics: [] };
    }
    const file = read(path);
    // A file the folder listing would not name (another extension): a lake of its own.
    if (!path.endsWith('.lake')) return { lakes: [{ root: path, kind: 'file', files: [file], diagnostics: [] }], diagnostics: [] };
    const folder = dirname(path);
    const siblings = lakeFileNames(folder).map((n) => join(folder, n)).filter((p) => p !== file.path && sameFile(p, path) === false);
    const lakes = lakesOfFolder(folder, [file, ...siblings.flatMap(readQuietly)], parse);
    return { lakes: [lakeHolding(lakes, file.path)!], diagnostics: [] };
  } catch (e) {
    return fail(`cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`, 'check the permissions of the file');
  }
}

/** The names of the `.lake` files directly in a folder, sorted. */
export function lakeFileNames(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.name.endsWith('.lake') && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
}

/** `dirname('spec.lake')` is `.`: the sibling `./spec.lake` is the file itself. */
function sameFile(a: string, b: string): boolean {
  return join(a) === join(b);
}

function readQuietly(path: string): SourceFile[] {
  try {
    return statSync(path).isFile() ? [read(path)] : [];
  } catch {
    // A sibling that vanished or cannot be read does not stop the check of the file asked for.
    return [];
  }
}

export function read(path: string): SourceFile {
  const buf = readFileSync(path);
  // Tolerate a UTF-8 byte order mark; offsets then count from after it.
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  return { path, text };
}
