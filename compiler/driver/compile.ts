/**
 * The pipeline, in order: parse -> bind (names and decoding) -> validate (rules) -> lower (the
 * model). Lowering runs only on a lake without errors; every phase collects diagnostics.
 */
import { compareDiagnostics, DiagnosticBag, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { lower } from '../model/lower.ts';
import type { LakeModel } from '../model/model.ts';
import { bind } from '../semantic/bind.ts';
import type { BoundLake } from '../semantic/symbols.ts';
import { parseFile, type ParsedFile } from '../syntax/parse.ts';
import type { SourceFile } from '../syntax/source.ts';
import { validate } from '../validation/validate.ts';
import type { LakeFiles } from './sources.ts';

export interface Compilation {
  readonly sources: readonly SourceFile[];
  readonly parsed: readonly ParsedFile[];
  readonly lake: BoundLake;
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the lake has no errors. */
  readonly model?: LakeModel;
}

export interface CompileOptions {
  /**
   * Parses one source; the language server passes a cache that reparses only what changed.
   * It must return what `parseFile` would.
   */
  readonly parse?: (source: SourceFile) => ParsedFile;
  /** Binds the parsed files; the language server passes one that rebinds only changed declarations. It must return what `bind` would. */
  readonly bind?: (files: readonly ParsedFile['ast'][], bag: DiagnosticBag) => BoundLake;
  /** Build the model when there are no errors (default true; the editor only needs diagnostics). */
  readonly model?: boolean;
  /** Diagnostics found before parsing (how the lake's files were found), reported with the rest. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** Compiles one lake found by `findLakes` or `lakesOfFolder` (driver/sources.ts). */
export function compileLake(lake: LakeFiles, options: CompileOptions = {}): Compilation {
  const withFound = lake.diagnostics.length > 0 ? { ...options, diagnostics: [...(options.diagnostics ?? []), ...lake.diagnostics] } : options;
  // A file that is not text (LAKE0011) is no source, but stays among the lake's files for the
  // diagnostic that names it.
  const text = lake.files.filter((f) => f.problem === undefined);
  if (text.length === lake.files.length) return compile(lake.files, withFound);
  return { ...compile(text, withFound), sources: lake.files };
}

export function compile(sources: readonly SourceFile[], options: CompileOptions = {}): Compilation {
  const parse = options.parse ?? ((s: SourceFile) => parseFile(s.path, s.text));
  const parsed = sources.map(parse);
  const bag = new DiagnosticBag();
  for (const d of options.diagnostics ?? []) bag.add(d);
  for (const p of parsed) for (const d of p.diagnostics) bag.add(d);
  let lake: BoundLake;
  try {
    lake = (options.bind ?? bind)(parsed.map((p) => p.ast), bag);
    for (const d of validate(lake, undefined, sources)) bag.add(d);
  } catch (e) {
    // Never let a bug surface as a stack trace: report it as a diagnostic on the first file.
    bag.add(internal(sources, 'checking', e));
    lake = bind([], new DiagnosticBag());
  }
  const diagnostics = dedupe(bag.items).sort(compareDiagnostics);
  if (hasErrors(diagnostics) || options.model === false) return { sources, parsed, lake, diagnostics };
  try {
    return { sources, parsed, lake, diagnostics, model: lower(lake) };
  } catch (e) {
    return { sources, parsed, lake, diagnostics: [...diagnostics, internal(sources, 'building the model', e)] };
  }
}

function internal(sources: readonly SourceFile[], phase: string, e: unknown): Diagnostic {
  return {
    code: 'LAKE0000', severity: 'error',
    message: `internal error while ${phase}: ${e instanceof Error ? e.message : String(e)}`,
    span: { file: sources[0]?.path ?? '<input>', start: 0, end: 0 },
    hint: 'this is a bug in lakec; please report it with the spec that triggers it',
  };
}

function dedupe(items: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of items) {
    const k = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}
