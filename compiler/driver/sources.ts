/** Finding the spec: one `.lake` file, or every `.lake` file of a folder as one lake. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { SourceFile } from '../syntax/source.ts';

export interface LoadResult {
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

export function loadSources(path: string): LoadResult {
  const fail = (message: string, hint: string): LoadResult => ({
    files: [],
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
      const names = readdirSync(path).filter((n) => n.endsWith('.lake')).sort();
      if (names.length === 0) return fail(`the folder '${path}' holds no .lake files`, 'a lake is one .lake file or a folder of them');
      return { files: names.map((n) => read(join(path, n))), diagnostics: [] };
    }
    return { files: [read(path)], diagnostics: [] };
  } catch (e) {
    return fail(`cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`, 'check the permissions of the file');
  }
}

function read(path: string): SourceFile {
  const buf = readFileSync(path);
  // Tolerate a UTF-8 byte order mark; offsets then count from after it.
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  return { path, text };
}
