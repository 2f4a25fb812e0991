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

/** A file as read from disk: its text, or, when it is not UTF-8 text, no text and why (LAKE0011). */
export interface LakeSource extends SourceFile {
  readonly problem?: Diagnostic;
}

/** One lake: the files checked together. */
export interface LakeFiles {
  /** What names the lake: its folder when the folder is one lake, otherwise its one file. */
  readonly root: string;
  readonly kind: 'folder' | 'file';
  /** Sorted by path; a file that is not text has an empty text (its LAKE0011 is in `diagnostics`). */
  readonly files: readonly LakeSource[];
  /** What finding the files has to say (LAKE0010, LAKE0011), reported with the lake's own diagnostics. */
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
export function lakesOfFolder(folder: string, sources: readonly LakeSource[], parse: Parse = defaultParse): LakeFiles[] {
  const files = [...sources].sort(byPath);
  if (files.length === 0) return [];
  const counts = files.map((f) => (f.problem !== undefined ? 0 : lakeDeclarations(parse(f))));
  const total = counts.reduce((a, b) => a + b, 0);
  const problems = (fs: readonly LakeSource[]): Diagnostic[] => fs.flatMap((f) => (f.problem !== undefined ? [f.problem] : []));
  if (total <= 1) return [{ root: folder, kind: 'folder', files, diagnostics: problems(files) }];
  const declaring = files.filter((_f, i) => counts[i]! > 0).map((f) => basename(f.path));
  return files.map((f, i) => ({
    root: f.path,
    kind: 'file' as const,
    files: [f],
    diagnostics: f.problem !== undefined ? [f.problem] : counts[i] === 0 ? [alone(f, declaring)] : [],
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
    if (!path.endsWith('.lake')) return { lakes: [{ root: path, kind: 'file', files: [file], diagnostics: file.problem !== undefined ? [file.problem] : [] }], diagnostics: [] };
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

function readQuietly(path: string): LakeSource[] {
  try {
    return statSync(path).isFile() ? [read(path)] : [];
  } catch {
    // A sibling that vanished or cannot be read does not stop the check of the file asked for.
    return [];
  }
}

/** Reads a spec file: UTF-8 text (a byte order mark is dropped), or a LAKE0011 saying why it is not text. */
export function read(path: string): LakeSource {
  return decode(path, readFileSync(path));
}

export function decode(path: string, bytes: Uint8Array): LakeSource {
  const bad = firstNonText(bytes);
  if (bad !== undefined) {
    const at = bad.offset.toLocaleString('en-US');
    const message = bad.nul
      ? `this file is not text: a NUL byte at byte offset ${at} (a binary file?)`
      : `this file is not UTF-8 text: invalid UTF-8 at byte offset ${at} (0x${bytes[bad.offset]!.toString(16).toUpperCase().padStart(2, '0')})`;
    return {
      path, text: '',
      problem: {
        code: 'LAKE0011', severity: 'error', message, span: { file: path, start: 0, end: 0 },
        hint: bad.nul ? 'a spec is UTF-8 text; is this the right file?' : 'save the file as UTF-8 (a spec in another encoding, such as Latin-1 or UTF-16, is read as nothing else)',
      },
    };
  }
  // Offsets then count from after the byte order mark.
  return { path, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').replace(/^\uFEFF/, '') };
}

/** The first NUL byte, or the start of the first byte sequence that is not well-formed UTF-8 (RFC 3629). */
export function firstNonText(b: Uint8Array): { offset: number; nul: boolean } | undefined {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      if (c === 0) return { offset: i, nul: true };
      i++;
      continue;
    }
    // The length of the sequence and the range of its second byte (no overlong forms, no surrogates, at most U+10FFFF).
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return { offset: i, nul: false };
    if (i + len > n) return { offset: i, nul: false };
    const second = b[i + 1]!;
    if (second < lo || second > hi) return { offset: i, nul: false };
    for (let k = 2; k < len; k++) {
      const x = b[i + k]!;
      if (x < 0x80 || x > 0xbf) return { offset: i, nul: false };
    }
    i += len;
  }
  return undefined;
}
