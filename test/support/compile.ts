/** Test helpers over the compiler core. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compile, type Compilation } from '../../compiler/driver/compile.ts';
import { positionAt, type SourceFile } from '../../compiler/syntax/source.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';

export const root = join(import.meta.dirname, '..', '..');

/** Compiles a file or folder; paths in diagnostics are relative to the project root. */
export function compileAt(path: string): Compilation {
  const abs = join(root, path);
  const files = statSync(abs).isDirectory()
    ? readdirSync(abs).filter((n) => n.endsWith('.lake')).sort().map((n) => join(abs, n))
    : [abs];
  return compile(files.map((f): SourceFile => ({ path: relative(root, f), text: readFileSync(f, 'utf8') })));
}

export function compileText(text: string, path = 'test.lake'): Compilation {
  return compile([{ path, text }]);
}

/** `LAKE1003 error test.lake:12:5-12:14` lines: codes and spans, not wording. */
export function diagnosticLines(c: Compilation): string {
  const files = new Map(c.sources.map((s) => [s.path, s]));
  return c.diagnostics.map((d) => diagnosticLine(d, files)).join('\n') + (c.diagnostics.length > 0 ? '\n' : '');
}

export function diagnosticLine(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
  const f = files.get(d.span.file);
  const s = f ? positionAt(f, d.span.start) : { line: 0, column: 0 };
  const e = f ? positionAt(f, d.span.end) : { line: 0, column: 0 };
  const name = d.span.file.split('/').pop();
  return `${d.code} ${d.severity} ${name}:${s.line}:${s.column}-${e.line}:${e.column}`;
}

export const examples = ['examples/audit-surveillance.lake', 'examples/retail-orders.lake', 'examples/iot-telemetry'];
