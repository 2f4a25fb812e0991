/** The commands of `lakec`; each parses its flags and calls the compiler core. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { allCodes } from '../diagnostics/codes.ts';
import { compareDiagnostics, hasErrors, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { counted, renderText, summary, toJson } from '../diagnostics/render.ts';
import { compileLake, type Compilation } from '../driver/compile.ts';
import { findLakes, lakeFileNames, parseOnce, type LakeFiles } from '../driver/sources.ts';
import { firstDifference } from '../syntax/formatDiff.ts';
import { formatSource } from '../syntax/printer.ts';
import type { SourceFile } from '../syntax/source.ts';
import { helpText, parseArgs, UsageError, type FlagSpec } from './args.ts';

export const version = '0.1.0';

export interface Command {
  readonly summary: string;
  help(): string;
  run(argv: readonly string[]): Promise<number> | number;
}

const formatFlag = (choices: string[], description: string): FlagSpec => ({ name: 'format', short: 'f', value: true, choices, description });

export interface Checked {
  readonly compilations: readonly Compilation[];
  /** Each compilation's lake: its folder, or its file. */
  readonly lakes: readonly LakeFiles[];
  /** Every diagnostic of every lake, sorted. */
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: readonly SourceFile[];
  /** PATH could not be read (its LAKE0004 is in `diagnostics`). */
  readonly unreadable: boolean;
}

/** Finds the lakes PATH names (driver/sources.ts, shared with the language server) and compiles each. */
export function checkPath(path: string): Checked {
  const parse = parseOnce();
  const found = findLakes(path, parse);
  if (found.diagnostics.length > 0) return { compilations: [], lakes: [], diagnostics: found.diagnostics, sources: [], unreadable: true };
  const compilations = found.lakes.map((l) => compileLake(l, { parse }));
  return {
    compilations,
    lakes: found.lakes,
    diagnostics: compilations.flatMap((c) => c.diagnostics).sort(compareDiagnostics),
    sources: compilations.flatMap((c) => c.sources),
    unreadable: false,
  };
}

/**
 * The one lake PATH names, compiled; diagnostics of loading become the compilation's diagnostics.
 * A folder that holds several lakes is a usage error that names them.
 */
export function compilePath(path: string, command: string): Compilation | { diagnostics: Diagnostic[]; sources: SourceFile[] } {
  const parse = parseOnce();
  const found = findLakes(path, parse);
  if (found.diagnostics.length > 0) return { diagnostics: found.diagnostics, sources: [] };
  if (found.lakes.length > 1) throw new UsageError(severalLakes(path, found.lakes, command));
  return compileLake(found.lakes[0]!, { parse });
}

function severalLakes(path: string, lakes: readonly LakeFiles[], command: string): string {
  const names = lakes.map((l) => basename(l.root));
  const shown = names.length <= 6 ? names.join(', ') : `${names.slice(0, 6).join(', ')} and ${names.length - 6} more`;
  return `'${path}' holds ${lakes.length} lakes, one per file (${shown}), and ${command} takes one: name its file, for instance ${lakes[0]!.root}`;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], sources: readonly SourceFile[], format: string, stream: NodeJS.WriteStream): void {
  const files = new Map(sources.map((s) => [s.path, s]));
  if (format === 'json') {
    stream.write(JSON.stringify({ diagnostics: diagnostics.map((d) => toJson(d, files)) }, null, 2) + '\n');
    return;
  }
  const colour = stream.isTTY === true && process.env['NO_COLOR'] === undefined;
  for (const d of diagnostics) stream.write(renderText(d, files, colour) + '\n\n');
  if (diagnostics.length > 0) stream.write(summary(diagnostics) + '\n');
}

function onePath(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `${command} needs the path of a .lake file or folder` : `${command} takes one path, got ${positionals.length}`);
  return positionals[0]!;
}

const checkFlags: FlagSpec[] = [
  formatFlag(['text', 'json', 'yaml'], 'diagnostics as text (default) or json; with --emit-model: the model as json (default) or yaml'),
  { name: 'emit-model', description: 'print the checked lake model (diagnostics go to stderr)' },
];

const check: Command = {
  summary: 'check a spec and report diagnostics',
  help: () => helpText('lakec check PATH [--format text|json] [--emit-model [--format json|yaml]]',
    'Checks PATH and prints its diagnostics. PATH is a folder, whose .lake files form one lake when they\n' +
    'declare one lake between them (otherwise each file is a lake of its own), or a .lake file, which is\n' +
    'checked with the lake it belongs to (docs/language.md, section 1).\n' +
    'Exit code: 0 no errors (warnings allowed), 1 errors, 2 usage error.', checkFlags),
  async run(argv) {
    const { positionals, flags } = parseArgs(argv, checkFlags);
    const path = onePath(positionals, 'check');
    const emit = flags.get('emit-model') === true;
    const format = (flags.get('format') as string | undefined) ?? (emit ? 'json' : 'text');
    if (!emit && format === 'yaml') throw new UsageError("--format yaml applies to --emit-model; diagnostics are text or json");
    if (emit && format === 'text') throw new UsageError('--emit-model prints json or yaml');
    const result = checkPath(path);
    if (emit) {
      if (result.lakes.length > 1) throw new UsageError(severalLakes(path, result.lakes, 'check --emit-model'));
      printDiagnostics(result.diagnostics, result.sources, 'text', process.stderr);
      const model = result.compilations[0]?.model;
      if (model !== undefined) {
        if (format === 'yaml') {
          // yaml is CommonJS: bundled, its exports sit on `default`.
          const mod = await import('yaml');
          const stringify = mod.stringify ?? (mod as unknown as { default: typeof mod }).default.stringify;
          process.stdout.write(stringify(model, { lineWidth: 0 }));
        } else {
          process.stdout.write(JSON.stringify(model, null, 2) + '\n');
        }
      }
    } else {
      printDiagnostics(result.diagnostics, result.sources, format, process.stdout);
      if (format === 'text' && result.diagnostics.length === 0) process.stdout.write(`${path}: no problems found${scope(path, result)}\n`);
    }
    // A path that cannot be read is a usage error (2), not an error in a spec (1).
    if (result.unreadable) return 2;
    return hasErrors(result.diagnostics) ? 1 : 0;
  },
};

/** What was checked, when PATH alone does not say it: the folder a file's lake is, or a folder's several lakes. */
function scope(path: string, result: Checked): string {
  const [first] = result.lakes;
  if (result.lakes.length > 1) return ` (${result.lakes.length} lakes, one per file)`;
  if (first === undefined || first.kind !== 'folder' || first.root === path.replace(/(.)[\\/]+$/, '$1')) return '';
  return ` (checked with the lake of its folder ${first.root}: ${counted(first.files.length, 'file')})`;
}

const explain: Command = {
  summary: 'explain a diagnostic code with an example',
  help: () => helpText('lakec explain CODE', 'Prints the documentation of a diagnostic code (for instance LAKE1003), with an example and its fix.\n`lakec explain --list` lists every code.', [{ name: 'list', description: 'list every code with its title' }]),
  run(argv) {
    const { positionals, flags } = parseArgs(argv, [{ name: 'list', description: '' }]);
    const codes = allCodes();
    if (flags.get('list') === true) {
      for (const c of codes) process.stdout.write(`${c.code}  ${c.severity.padEnd(7)}  ${c.title}\n`);
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0
        ? "explain needs a diagnostic code, for instance lakec explain LAKE1003 ('lakec explain --list' lists them)"
        : `explain takes one diagnostic code, got ${positionals.length}`);
    }
    const wanted = positionals[0]!.toUpperCase();
    const doc = codes.find((c) => c.code === wanted || c.code === `LAKE${wanted.padStart(4, '0')}`);
    if (doc === undefined) throw new UsageError(`no diagnostic code '${wanted}' (see 'lakec explain --list')`);
    const indent = (s: string): string => s.split('\n').map((l) => `    ${l}`).join('\n');
    const parts = [`${doc.code} (${doc.severity}): ${doc.title}`, '', doc.description, '', 'Example:', '', indent(doc.example)];
    if (doc.fixed !== undefined) parts.push('', 'Fixed:', '', indent(doc.fixed));
    process.stdout.write(parts.join('\n') + '\n');
    return 0;
  },
};

const buildFlags: FlagSpec[] = [
  { name: 'out', short: 'o', value: true, description: 'the output folder (default: out)' },
  { name: 'check', description: 'write nothing; exit 1 listing the files that differ from what would be generated' },
  formatFlag(['text', 'json'], 'diagnostics as text (default) or json'),
];

const build: Command = {
  summary: 'generate the project (infrastructure, tables, grants, processors) from a spec',
  help: () => helpText('lakec build PATH [-o OUT] [--check]',
    'Checks PATH and, when it has no errors, writes the generated project to OUT. The same spec always\ngives byte-identical files; files you own are created once and never overwritten; files an earlier\nbuild generated that this one does not are removed. With --check nothing is written and the exit\ncode is 1 when OUT is stale (for CI of committed output).', buildFlags),
  async run(argv) {
    const { positionals, flags } = parseArgs(argv, buildFlags);
    const path = onePath(positionals, 'build');
    const outDir = (flags.get('out') as string | undefined) ?? 'out';
    const notFolder = fileOnTheWay(outDir);
    if (notFolder !== undefined) throw new UsageError(`-o ${outDir}: '${notFolder}' is a file, not a folder; give the folder to write the project to (it is created when missing)`);
    const format = (flags.get('format') as string | undefined) ?? 'text';
    const result = compilePath(path, 'build');
    if (result.sources.length === 0) {
      printDiagnostics(result.diagnostics, result.sources, format, process.stderr);
      return 2;
    }
    if (!('model' in result) || result.model === undefined) {
      printDiagnostics(result.diagnostics, result.sources, format, process.stderr);
      process.stderr.write('lakec build: the spec has errors; nothing was generated\n');
      return 1;
    }
    if (result.diagnostics.length > 0) printDiagnostics(result.diagnostics, result.sources, format, process.stderr);
    const [{ generate }, { apply, plan }] = await Promise.all([import('../codegen/generate.ts'), import('../codegen/writer.ts')]);
    const files = generate({ model: result.model, specName: basename(path.replace(/[\\/]+$/, '')), lakecVersion: version });
    const p = plan(outDir, files);
    if (flags.get('check') === true) {
      const absent = (f: string): boolean => !existsSync(join(outDir, f));
      const stale = [...p.write.map((f) => `${absent(f) ? 'missing ' : 'changed '} ${f}`), ...p.create.map((f) => `missing  ${f}`), ...p.remove.map((f) => `obsolete ${f}`)].sort((a, b) => (a.slice(9) < b.slice(9) ? -1 : 1));
      if (stale.length === 0) {
        process.stdout.write(`${outDir} is up to date (${files.length} files)\n`);
        return 0;
      }
      process.stdout.write(`${outDir} differs from what lakec build would generate:\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
      return 1;
    }
    try {
      apply(outDir, files, p);
    } catch (e) {
      process.stderr.write(`lakec build: cannot write ${outDir}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
    // Generated files are rewritten when they differ; files a user owns are created once, never overwritten.
    const parts = [`${counted(p.write.length, 'generated file')} written`];
    if (p.create.length > 0) parts.push(`${counted(p.create.length, 'file')} created for you to edit (lakec never overwrites them)`);
    if (p.remove.length > 0) parts.push(`${counted(p.remove.length, 'obsolete file')} removed`);
    if (p.unchanged.length > 0) parts.push(`${p.unchanged.length.toLocaleString('en-US')} unchanged`);
    process.stdout.write(`${outDir}: ${parts.join(', ')}\n`);
    return 0;
  },
};

/** The first of `dir` and its parents that exists and is not a folder (so `dir` cannot be created or written). */
function fileOnTheWay(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      return statSync(d).isDirectory() ? undefined : d === resolve(dir) ? dir : relativeOrAbsolute(dir, d);
    } catch {
      // Missing: mkdir creates it; look at its parent.
    }
    if (dirname(d) === d) return undefined;
  }
}

/** `d` (a parent of `dir`) spelled as the user would: relative when `dir` was. */
function relativeOrAbsolute(dir: string, d: string): string {
  return isAbsolute(dir) ? d : relative(process.cwd(), d) || '.';
}

const fmtFlags: FlagSpec[] = [
  { name: 'check', description: 'write nothing; list the files that are not formatted (exit 1 if any)' },
  { name: 'stdout', description: 'print the formatted text of one file instead of rewriting it' },
];

/** The .lake files PATH names: the file itself, or those of the folder (the listing lakes are found in). */
function lakeFiles(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`cannot find '${path}'`);
  }
  if (!isFolder) return [path];
  const names = lakeFileNames(path);
  if (names.length === 0) throw new UsageError(`the folder '${path}' holds no .lake files`);
  return names.map((n) => join(path, n));
}

const fmt: Command = {
  summary: 'format .lake files in the canonical layout',
  help: () => helpText('lakec fmt PATH... [--check | --stdout]',
    'Rewrites each .lake file (PATH: a file, or a folder of .lake files) in the canonical layout\n' +
    '(docs/formatting.md) and prints the names of the files it changed. A file with syntax errors\n' +
    'is left untouched and its diagnostics are printed.\n' +
    'Exit code: 0 done (--check: every file is formatted), 1 syntax errors (--check: or a file\n' +
    'is not formatted), 2 usage error.', fmtFlags),
  run(argv) {
    const { positionals, flags } = parseArgs(argv, fmtFlags);
    const checkOnly = flags.get('check') === true;
    const toStdout = flags.get('stdout') === true;
    if (checkOnly && toStdout) throw new UsageError('--check and --stdout exclude each other');
    if (positionals.length === 0) throw new UsageError('fmt needs the path of a .lake file or folder');
    const files = positionals.flatMap(lakeFiles);
    if (toStdout && files.length !== 1) throw new UsageError(`--stdout prints one file, and the paths hold ${files.length}`);
    let status = 0;
    for (const path of files) {
      let raw: string;
      try {
        raw = readFileSync(path, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
      }
      const text = raw.replace(/^\uFEFF/, '');
      const result = formatSource(path, text);
      if (result.text === undefined) {
        printDiagnostics(result.diagnostics, [{ path, text }], 'text', process.stderr);
        status = 1;
      } else if (toStdout) {
        process.stdout.write(result.text);
      } else if (result.text !== raw) {
        if (checkOnly) {
          process.stdout.write(`${path}: not formatted\n${firstDifference(text, result.text)}\n`);
          status = 1;
        } else {
          writeFileSync(path, result.text);
          process.stdout.write(`${path}\n`);
        }
      }
    }
    return status;
  },
};

const lspFlags: FlagSpec[] = [
  { name: 'stdio', description: 'talk over stdin and stdout (the default and only transport; accepted because clients pass it)' },
  { name: 'debounce', value: true, description: 'milliseconds within which changes are gathered into one check (default 50)' },
];

const lsp: Command = {
  summary: 'run the language server (LSP over stdio) for editors',
  help: () => helpText('lakec lsp [--stdio] [--debounce MS]',
    'Runs the Language Server Protocol server on stdin/stdout: diagnostics as you type (for the whole\n' +
    'lake of each open .lake file, found as lakec check finds it), hover, completion, definition, references, rename, outline,\n' +
    'folding, formatting and quick fixes. Editors start it; see docs/editors.md.', lspFlags),
  async run(argv) {
    const { positionals, flags } = parseArgs(argv, lspFlags);
    if (positionals.length > 0) throw new UsageError('lsp takes no paths: the editor tells it which files are open');
    const debounce = flags.get('debounce') as string | undefined;
    if (debounce !== undefined && !/^\d+$/.test(debounce)) throw new UsageError(`--debounce takes a number of milliseconds, not '${debounce}'`);
    // Loaded only here (a chunk of its own in the bundle): other commands start without it.
    const { runServer } = await import('../lsp/server.ts');
    runServer(debounce !== undefined ? { debounceMs: Number(debounce) } : {});
    return 0;
  },
};

const runFlags: FlagSpec[] = [
  { name: 'dataset', short: 'd', value: true, description: 'the dataset to fill (one fed by a stream)' },
  { name: 'events', short: 'e', value: true, description: 'a JSON-lines file: one event per line, as published to the stream' },
  { name: 'warehouse', short: 'w', value: true, description: 'the warehouse folder (default: .lakec/warehouse beside the spec)' },
  { name: 'partitions', short: 'p', value: true, description: 'partitions on worker threads, by hash of the key (default auto: 1 below 64 MiB of events, else one per core)' },
  { name: 'checkpoint-every', value: true, description: 'events between checkpoints (default 1,000,000, and at least every 60 s)' },
];

/** Runs a runtime command (loaded on demand); a failure the user can act on exits 1 with its message. */
async function runtimeCommand(name: string, body: (m: typeof import('./runtimeCommands.ts')) => Promise<number>): Promise<number> {
  const m = await import('./runtimeCommands.ts');
  try {
    return await body(m);
  } catch (e) {
    if (e instanceof m.CommandFailure) {
      process.stderr.write(`lakec ${name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const run: Command = {
  summary: 'apply events to the durable local table of a dataset',
  help: () => helpText('lakec run PATH --dataset NAME --events FILE.jsonl [--warehouse DIR] [--partitions N]',
    'Applies the events of FILE (one JSON event per line) to the dataset\'s table in the local warehouse\n' +
    '(a DuckDB database; query it with lakec query), exactly once: the run takes checkpoints, resumes\n' +
    'from the last one (also after a crash), and stops cleanly with a savepoint on Ctrl-C. Rejected\n' +
    'events go to the table dead_letters.<dataset>. See docs/runtime.md.\n' +
    'Exit code: 0 done, 1 the spec has errors or the run failed, 2 usage error.', runFlags),
  run(argv) {
    const { positionals, flags } = parseArgs(argv, runFlags);
    const path = onePath(positionals, 'run');
    const get = (n: string): string | undefined => flags.get(n) as string | undefined;
    return runtimeCommand('run', (m) => m.runCommand(path, {
      dataset: get('dataset'), events: get('events'), warehouse: get('warehouse'), partitions: get('partitions'), checkpointEvery: get('checkpoint-every'),
    }));
  },
};

const replayFlags: FlagSpec[] = [
  { name: 'dataset', short: 'd', value: true, description: 'the dataset (one fed by a stream)' },
  { name: 'events', short: 'e', value: true, description: 'a JSON-lines file: one event per line, as published to the stream' },
  { name: 'dead-letter', value: true, description: 'write each rejected event, with the reason, as a JSON line to this file' },
  { name: 'partitions', short: 'p', value: true, description: 'partitions on worker threads (default auto, as for lakec run); with --engine flink the job\'s parallelism (default 2)' },
  { name: 'engine', value: true, choices: ['runtime', 'flink'], description: 'runtime (default): lakec\'s runtime; flink: the generated Flink job in a local MiniCluster (needs Java 17 and Maven)' },
];

const replay: Command = {
  summary: 'apply events to an empty table and print its rows as JSON lines',
  help: () => helpText('lakec replay PATH --dataset NAME --events FILE.jsonl [--dead-letter FILE] [--engine runtime|flink]',
    'Applies the events of FILE to an empty, throw-away table and prints every stored row as one JSON\n' +
    'line: the dataset\'s columns (plus system_from and system_to when bi-temporal), timestamps as\n' +
    'ISO-8601 UTC with milliseconds, decimals as exact strings, open ends as null; sorted by the key\n' +
    'columns, then the valid-from column, then system_from. With --engine flink the generated Flink\n' +
    'job (lakec build\'s flink/) is built with Maven, cached, and run in a local MiniCluster: the same\n' +
    'rows and dead letters. See docs/build.md.\n' +
    'Exit code: 0 done, 1 the spec has errors, 2 usage error.', replayFlags),
  run(argv) {
    const { positionals, flags } = parseArgs(argv, replayFlags);
    const path = onePath(positionals, 'replay');
    const get = (n: string): string | undefined => flags.get(n) as string | undefined;
    return runtimeCommand('replay', (m) => m.replayCommand(path, {
      dataset: get('dataset'), events: get('events'), deadLetter: get('dead-letter'), partitions: get('partitions'), engine: get('engine'),
    }));
  },
};

const queryFlags: FlagSpec[] = [
  { name: 'warehouse', short: 'w', value: true, description: 'the warehouse folder (default: .lakec/warehouse beside the spec)' },
  formatFlag(['json', 'table'], 'JSON lines, or a table (the default on a terminal)'),
];

const query: Command = {
  summary: 'run SQL over the local tables (as-of queries included)',
  help: () => helpText('lakec query PATH "SQL" [--warehouse DIR] [--format json|table]',
    'Runs SQL (DuckDB) over the warehouse that lakec run fills. Each dataset is a table or view of its\n' +
    'name; a bi-temporal one also has <dataset>_as_of(system_time, valid_time) and\n' +
    '<dataset>_known_at(system_time); rejected events are in dead_letters.<dataset>. See docs/runtime.md.\n' +
    'Exit code: 0 done, 1 the spec has errors or the query failed, 2 usage error.', queryFlags),
  run(argv) {
    const { positionals, flags } = parseArgs(argv, queryFlags);
    if (positionals.length !== 2) throw new UsageError(`query takes the spec's path and one SQL statement, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
    const [path, sql] = positionals as [string, string];
    return runtimeCommand('query', (m) => m.queryCommand(path, sql, {
      warehouse: flags.get('warehouse') as string | undefined, format: flags.get('format') as string | undefined,
    }));
  },
};

export const commands: Record<string, Command> = { check, build, explain, fmt, lsp, run, replay, query };

export function globalHelp(): string {
  const lines = ['usage: lakec COMMAND [options]', '', 'lakec checks a .lake spec of an AWS data lake and generates its project.', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', "Run 'lakec COMMAND --help' for a command's options.", '', 'options:', '  -h, --help     show this help', '  -V, --version  print the version');
  return lines.join('\n');
}
