/**
 * Writing OUT: generated files are (re)written when they differ, user files only when missing,
 * and files an earlier build generated that this one does not are removed. A manifest,
 * `.lakec/manifest.json`, remembers what was generated. `check` compares without writing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from './files.ts';
import { headerText, stableJson } from './files.ts';

export const manifestPath = '.lakec/manifest.json';

export interface Manifest {
  readonly lakec: string;
  readonly spec: string;
  /** Generated files and the sha256 of their content. */
  readonly files: Readonly<Record<string, string>>;
  /** Files created once for the user to own. */
  readonly userFiles: readonly string[];
}

export interface OutputPlan {
  readonly write: string[];
  readonly create: string[];
  readonly remove: string[];
  readonly unchanged: string[];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readManifest(outDir: string): Manifest | undefined {
  const p = join(outDir, manifestPath);
  if (!existsSync(p)) return undefined;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
    return typeof m.files === 'object' && m.files !== null ? m : undefined;
  } catch {
    return undefined;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function manifestFor(files: readonly GeneratedFile[], spec: string, lakecVersion: string): GeneratedFile {
  const generated: Record<string, string> = {};
  for (const f of files) if (f.ownership === 'generated') generated[f.path] = sha256(f.content);
  const manifest = {
    '//': headerText({ specName: spec, lakecVersion }),
    lakec: lakecVersion,
    spec,
    files: generated,
    userFiles: files.filter((f) => f.ownership === 'user').map((f) => f.path),
  };
  return { path: manifestPath, content: stableJson(manifest), ownership: 'generated' };
}

/** What a build would do to OUT. */
export function plan(outDir: string, files: readonly GeneratedFile[]): OutputPlan {
  const out: OutputPlan = { write: [], create: [], remove: [], unchanged: [] };
  const wanted = new Set(files.map((f) => f.path));
  for (const f of files) {
    const current = readIfExists(join(outDir, f.path));
    if (f.ownership === 'user') {
      if (current === undefined) out.create.push(f.path);
      else out.unchanged.push(f.path);
    } else if (current !== f.content) {
      out.write.push(f.path);
    } else {
      out.unchanged.push(f.path);
    }
  }
  const previous = readManifest(outDir);
  for (const p of Object.keys(previous?.files ?? {})) {
    if (!wanted.has(p) && existsSync(join(outDir, p))) out.remove.push(p);
  }
  for (const list of [out.write, out.create, out.remove, out.unchanged]) list.sort();
  return out;
}

export function apply(outDir: string, files: readonly GeneratedFile[], p: OutputPlan): void {
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const path of [...p.write, ...p.create]) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, byPath.get(path)!.content);
  }
  for (const path of p.remove) {
    rmSync(join(outDir, path), { force: true });
    pruneEmptyDirs(outDir, dirname(path));
  }
}

function pruneEmptyDirs(outDir: string, rel: string): void {
  let dir = rel;
  while (dir !== '.' && dir !== '') {
    const abs = join(outDir, dir);
    try {
      if (readdirSync(abs).length > 0) return;
      rmdirSync(abs);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}
