/**
 * The formatter (compiler/syntax/printer.ts, rules in docs/formatting.md):
 * - golden output: each format/*.lake is formatted into format/*.formatted (UPDATE_GOLDEN=1);
 * - every example is already canonical (`lakec fmt --check` passes on it unchanged);
 * - formatting is idempotent and never changes the meaning: the same AST (spans aside), the
 *   same comments, the same diagnostics and the same model, also on random specs built from
 *   the examples (declarations shuffled and duplicated, whitespace perturbed);
 * - `lakec fmt` as a real process, on temporary copies.
 * Property runs are seeded: FC_SEED=<n> picks another seed, FC_RUNS=<n> another number of runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { tokenize } from '../../compiler/syntax/lexer.ts';
import { parseFile } from '../../compiler/syntax/parse.ts';
import { formatSource } from '../../compiler/syntax/printer.ts';
import { firstDifference } from '../../compiler/syntax/formatDiff.ts';
import { layoutTable, type TableRow } from '../../compiler/syntax/formatColumns.ts';
import type { SourceFile } from '../../compiler/syntax/source.ts';
import { examples, root } from '../support/compile.ts';
import { expectGolden } from '../support/golden.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_611;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 100;
const params = { seed: SEED, numRuns: RUNS };
const TIMEOUT = Math.max(20_000, RUNS * 200);

const fixtures = join(import.meta.dirname, 'format');

function format(text: string, path = 'test.lake'): string {
  const r = formatSource(path, text);
  if (r.text === undefined) throw new Error(`syntax errors in ${path}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.text;
}

/** The example files, as [path relative to the root, text]. */
function exampleFiles(): SourceFile[] {
  return examples.flatMap((p) => {
    const abs = join(root, p);
    const names = statSync(abs).isDirectory() ? readdirSync(abs).filter((n) => n.endsWith('.lake')).sort().map((n) => `${p}/${n}`) : [p];
    return names.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
  });
}

// ---------------------------------------------------------------- what "the same spec" means

const spanKeys = new Set(['span', 'bodySpan', 'keyword', 'selectionSpan']);

/** The AST without positions. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!spanKeys.has(k)) out[k] = shape(v);
    return out;
  }
  return value;
}

function comments(path: string, text: string): string[] {
  return parseFile(path, text).ast.comments.map((c) => `${c.kind} ${c.text.split('\n').map((l) => l.trimEnd()).join('\n')}`);
}

/** Same declarations, docs and values, same comments in the same order, same diagnostics and model. */
function expectSameSpec(before: readonly SourceFile[], after: readonly SourceFile[]): void {
  before.forEach((b, i) => {
    const a = after[i]!;
    expect(shape(parseFile(a.path, a.text).ast.declarations)).toEqual(shape(parseFile(b.path, b.text).ast.declarations));
    expect(comments(a.path, a.text)).toEqual(comments(b.path, b.text));
  });
  const cb = compile(before);
  const ca = compile(after);
  expect(ca.diagnostics.map((d) => d.code).sort()).toEqual(cb.diagnostics.map((d) => d.code).sort());
  expect(ca.model).toEqual(cb.model);
}

function expectFormatted(files: readonly SourceFile[]): SourceFile[] {
  const formatted = files.map((f) => ({ path: f.path, text: format(f.text, f.path) }));
  for (const f of formatted) expect(format(f.text, f.path), `${f.path} is not idempotent`).toBe(f.text);
  expectSameSpec(files, formatted);
  return formatted;
}

// ---------------------------------------------------------------- golden files

describe('golden output', () => {
  const inputs = readdirSync(fixtures).filter((n) => n.endsWith('.lake')).sort();
  it('has fixtures', () => expect(inputs.length).toBeGreaterThan(3));
  for (const name of inputs) {
    it(name, () => {
      const path = `test/syntax/format/${name}`;
      const text = readFileSync(join(fixtures, name), 'utf8');
      const [out] = expectFormatted([{ path, text }]);
      expectGolden(join(fixtures, name.replace(/\.lake$/, '.formatted')), out!.text);
    });
  }
});

// ---------------------------------------------------------------- the examples

describe('examples are canonical', () => {
  for (const file of exampleFiles()) {
    it(`${file.path} is unchanged by fmt`, () => {
      const out = format(file.text, file.path);
      expect(out === file.text ? '' : firstDifference(file.text, out)).toBe('');
    });
  }
  for (const example of examples) {
    it(`${example}: idempotent, same model`, () => {
      const files = exampleFiles().filter((f) => f.path === example || f.path.startsWith(`${example}/`));
      expect(compile(files).model, `${example} should compile`).toBeDefined();
      expectFormatted(files);
    });
  }
});

// ---------------------------------------------------------------- specific rules

describe('layout rules', () => {
  it('aligns = in runs of attributes, broken by blank lines and clauses', () => {
    const text = 'zone z {\n  layer = raw\n  retention = 1 year\n\n  archive = glacier after 90 days\n}\n';
    expect(format(text)).toBe('zone z {\n  layer     = raw\n  retention = 1 year\n\n  archive = glacier after 90 days\n}\n');
    expect(format('zone z {\n  layer = raw\n  archive   =   glacier_ir   after 90 days\n}\n')).toBe('zone z {\n  layer   = raw\n  archive = glacier_ir after 90 days\n}\n');
    const ds = 'dataset d in z {\nfrom stream s\nformat = json\npartition by day(x)\nowner = "o"\n}\n';
    expect(format(ds)).toBe('dataset d in z {\n  from   stream s\n  format = json\n  partition by day(x)\n  owner = "o"\n}\n');
  });

  it('keeps numbers as written and re-escapes strings', () => {
    const text = 'lake l { a = 150_000_000; b = 0.50; c = "q\\"uote\\\\ \\x"; d = \'it\'\'s\' }\n';
    expect(format(text)).toBe('lake l { a = 150_000_000; b = 0.50; c = "q\\"uote\\\\ x"; d = \'it\'\'s\' }\n');
  });

  it('puts one blank line between declarations, but lets grants and classifications stay together', () => {
    const text = 'classification a\nclassification b\nzone z { layer = raw }\n\n\n\nzone y { layer = raw }\n' +
      'grant select on zone z to p\ngrant select on zone y to p\n\n\ngrant select on zone y to q\n';
    expect(format(text)).toBe('classification a\nclassification b\n\nzone z { layer = raw }\n\nzone y { layer = raw }\n\n' +
      'grant select on zone z to p\ngrant select on zone y to p\n\ngrant select on zone y to q\n');
  });

  it('keeps a trailing comment column beyond the code, else one space after it', () => {
    const text = 'zone z {\n  layer = raw            // far\n  retention = 1 year // near\n}\n';
    expect(format(text)).toBe('zone z {\n  layer     = raw        // far\n  retention = 1 year // near\n}\n');
  });

  it('does not format a file with syntax errors', () => {
    const r = formatSource('bad.lake', 'zone z {\n  layer = raw\n');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('LAKE0002');
    expect(formatSource('bad.lake', 'zone z { layer = "open }\n').text).toBeUndefined();
  });

  it('formats an empty file and a file of comments', () => {
    expect(format('')).toBe('');
    expect(format('\n\n// only a comment   \n\n\n/* and a block */\n')).toBe('// only a comment\n\n/* and a block */\n');
  });

  it('reads CRLF line ends and writes LF', () => {
    const text = '/// Doc.\r\nzone z {\r\n  layer = raw // c\r\n}\r\n';
    expect(format(text)).toBe('/// Doc.\nzone z {\n  layer = raw // c\n}\n');
    expectSameSpec([{ path: 'a.lake', text }], [{ path: 'a.lake', text: format(text) }]);
  });
});

describe('docs/formatting.md', () => {
  it('shows formatted examples', () => {
    const md = readFileSync(join(root, 'docs/formatting.md'), 'utf8');
    const blocks = [...md.matchAll(/```lake\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) {
      // A bare `columns { ... }` fragment is checked inside a dataset.
      const text = block.startsWith('columns') ? `dataset d in z {\n${block.replace(/^(?=.)/gm, '  ')}}\n` : block;
      expect(format(text, 'doc.lake')).toBe(text);
    }
  });
});

describe('column tables', () => {
  const row = (name: string, type?: string, source?: string, attributes: string[] = [], written?: number[]): TableRow =>
    ({ name, type, source, attributes, written });

  it('aligns names, types, sources and attributes canonically', () => {
    expect(layoutTable([row('id', 'string'), row('email', 'string?', '= $.email', ['@pii']), row('n', 'int', undefined, ['@check(n > 0)'])]))
      .toEqual(['id    string', 'email string? = $.email @pii', 'n     int     @check(n > 0)']);
  });

  it('keeps a table whose types start in one column', () => {
    const rows = [row('id', 'string', undefined, ['@pii'], [9, 20]), row('email', 'string?', '= $.e', ['@pii'], [9, 18, 30])];
    expect(layoutTable(rows)).toEqual(['id       string     @pii', 'email    string?  = $.e       @pii']);
  });

  it('realigns a table whose types do not start in one column, or that is not written canonically', () => {
    expect(layoutTable([row('id', 'string', undefined, [], [3]), row('email', 'string', undefined, [], [7])])).toEqual(['id    string', 'email string']);
    expect(layoutTable([row('id', 'string', undefined, [], [9]), row('email', 'string', undefined, [], undefined)])).toEqual(['id    string', 'email string']);
  });

  it('lets cells wider than 40 characters overflow', () => {
    const wide = `struct<${'a'.repeat(40)}: int>`;
    expect(layoutTable([row('a', 'int', '= $.a'), row('b', wide, '= $.b')])).toEqual(['a int = $.a', `b ${wide} = $.b`]);
  });
});

describe('--check excerpt', () => {
  it('shows the first hunk with context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    const after = 'a\nb\nc\nD\ne\nf\ng\nh\ni\nJ\nk\n';
    expect(firstDifference(before, after)).toBe('@@ -2,5 +2,5 @@\n b\n c\n-d\n+D\n e\n f');
    expect(firstDifference('same\n', 'same\n')).toBe('');
    expect(firstDifference('a\r\nb\r\n', 'a\nb\n')).toBe('(same lines; what differs: line ends (\\r\\n becomes \\n))');
    expect(firstDifference('a\nb', 'a\nb\n')).toBe('(same lines; what differs: the line break at the end of the file)');
    expect(firstDifference('a\r\nB\r\n', 'a\nb\n')).toBe('@@ -1,2 +1,2 @@\n a\n-B\n+b');
  });
});

// ---------------------------------------------------------------- random specs from the examples

/** Declarations of the examples with the comments above them, each ending with a line break. */
function chunks(): string[] {
  const out: string[] = [];
  for (const f of exampleFiles()) {
    const decls = parseFile(f.path, f.text).ast.declarations;
    let start = 0;
    decls.forEach((d, i) => {
      const lineEnd = f.text.indexOf('\n', d.span.end);
      const end = i === decls.length - 1 || lineEnd < 0 ? f.text.length : lineEnd + 1;
      out.push(f.text.slice(start, end).replace(/\n?$/, '\n'));
      start = end;
    });
  }
  return out;
}

/** A small deterministic generator, so that one fast-check seed drives all the choices. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/**
 * Changes the whitespace between tokens and comments without changing where lines break:
 * runs of spaces get 1 to 4 spaces or a tab, line breaks get 0 to 2 extra blank lines (or lose
 * theirs), indentation and trailing blanks change at random. With `withComments`, comments are
 * also dropped in: `/* ... *\/` between tokens, `// ...` at line ends, `/// ...` on lines of
 * their own.
 */
function perturb(text: string, seed: number, withComments = false): string {
  const pick = random(seed);
  const lexed = tokenize('p.lake', text);
  const spans = [...lexed.tokens.map((t) => [t.startOffset, t.startOffset + t.image.length] as const), ...lexed.comments.map((c) => [c.span.start, c.span.end] as const)]
    .sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let n = 0;
  const comment = (): string => (withComments && pick(8) === 0 ? ` /* c${n++} */ ` : '');
  const gap = (g: string): string => {
    // Tokens written together stay together: `day(x)` is a call, `day (x)` is not.
    if (g === '') return '';
    const breaks = (g.match(/\n/g) ?? []).length;
    if (breaks === 0) return (pick(5) === 0 ? '\t' : ' '.repeat(1 + pick(4))) + comment();
    const lines = breaks === 1 ? 1 + (pick(4) === 0 ? 1 + pick(2) : 0) : pick(3) === 0 ? 1 : 2 + pick(2);
    let s = ' '.repeat(pick(3) === 0 ? pick(3) : 0) + comment();
    for (let i = 0; i < lines; i++) {
      if (withComments && pick(8) === 0) s += ` // l${n++}`;
      s += '\n' + (i < lines - 1 ? ' '.repeat(pick(2)) : '');
      if (withComments && pick(12) === 0) s += `${pick(2) === 0 ? '///' : '//'} o${n++}\n`;
    }
    return s + (pick(4) === 0 ? '\t' : ' '.repeat(pick(7))) + comment();
  };
  for (const [start, end] of spans) {
    if (start < at) continue;
    out += gap(text.slice(at, start)) + text.slice(start, end);
    at = end;
  }
  return out + gap(text.slice(at));
}

describe('random specs', () => {
  const parts = chunks();

  it('are formatted idempotently and to the same spec', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(parts.length - 1), { minLength: 1, maxLength: 14 }), fc.nat(), (picked, seed) => {
        const text = perturb(picked.map((i) => parts[i]!).join(''), seed);
        const r = formatSource('random.lake', text);
        expect(r.diagnostics, 'the perturbed spec must parse').toEqual([]);
        const out = r.text!;
        expect(format(out, 'random.lake')).toBe(out);
        expectSameSpec([{ path: 'random.lake', text }], [{ path: 'random.lake', text: out }]);
      }),
      params,
    );
  }, TIMEOUT);

  it('keep every comment in its place', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(parts.length - 1), { minLength: 1, maxLength: 8 }), fc.nat(), (picked, seed) => {
        const text = perturb(picked.map((i) => parts[i]!).join(''), seed, true);
        const r = formatSource('random.lake', text);
        expect(r.diagnostics, 'the perturbed spec must parse').toEqual([]);
        const out = r.text!;
        expect(format(out, 'random.lake')).toBe(out);
        expectSameSpec([{ path: 'random.lake', text }], [{ path: 'random.lake', text: out }]);
      }),
      params,
    );
  }, TIMEOUT);

  it('survive broken specs: never throw; whatever parses is formatted faithfully', () => {
    const vocabulary = ['{', '}', '(', ')', '[', ']', ',', ';', '=', ':', '..', '-', '?', '@pii', 'x', 'zone', 'to', 'where', '"s"', "'q'", '7', '$.p', '\n', '/* c */', '// c\n', 'columns {', '<', '>'];
    const files = exampleFiles();
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.nat(vocabulary.length - 1)), { minLength: 1, maxLength: 4 }), (f, edits) => {
        let text = files[f]!.text;
        for (const [where, how, what] of edits) {
          const tokens = tokenize('m.lake', text).tokens;
          if (tokens.length === 0) break;
          const t = tokens[where % tokens.length]!;
          const end = t.startOffset + t.image.length;
          if (how === 0) text = text.slice(0, t.startOffset) + text.slice(end);
          else if (how === 1) text = text.slice(0, end) + ' ' + vocabulary[what]! + ' ' + text.slice(end);
          else text = text.slice(0, end) + vocabulary[what]! + text.slice(end);
        }
        const r = formatSource('m.lake', text);
        if (r.text === undefined) {
          expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
          return;
        }
        expect(format(r.text, 'm.lake')).toBe(r.text);
        expectSameSpec([{ path: 'm.lake', text }], [{ path: 'm.lake', text: r.text }]);
      }),
      { ...params, numRuns: RUNS * 3 },
    );
  }, TIMEOUT);

  it('keep the model of every example when only whitespace changed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.nat(), (example, seed) => {
        const files = exampleFiles().filter((f) => f.path === example || f.path.startsWith(`${example}/`));
        const perturbed = files.map((f, i) => ({ path: f.path, text: perturb(f.text, seed + i) }));
        expect(compile(perturbed).model).toBeDefined();
        expectFormatted(perturbed);
      }),
      { ...params, numRuns: Math.ceil(RUNS / 2) },
    );
  }, TIMEOUT);
});

// ---------------------------------------------------------------- the CLI as a real process

describe('lakec fmt', () => {
  let dir = '';
  const lakec = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync('node', [join(root, 'compiler/dist/lakec.js'), 'fmt', ...args], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const messy = readFileSync(join(fixtures, 'blocks.lake'), 'utf8');
  const tidy = (): string => readFileSync(join(fixtures, 'blocks.formatted'), 'utf8');

  beforeAll(() => {
    execFileSync('node', ['compiler/build.mjs'], { cwd: root });
    dir = mkdtempSync(join(tmpdir(), 'lakec-fmt-'));
    mkdirSync(join(dir, 'lake'));
    for (const f of exampleFiles()) {
      const name = f.path.replace(/\//g, '_');
      writeFileSync(join(dir, 'lake', name), f.text);
    }
  }, 60_000);
  afterAll(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

  it('--check passes on the examples', () => {
    const r = lakec('--check', 'lake');
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--check lists an unformatted file with an excerpt, and writes nothing', () => {
    writeFileSync(join(dir, 'messy.lake'), messy);
    const r = lakec('--check', 'messy.lake');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('messy.lake: not formatted\n@@ -1,');
    expect(r.stdout).toContain('\n-lake   messy{\n');
    expect(r.stdout).toContain('\n+lake messy {\n');
    expect(readFileSync(join(dir, 'messy.lake'), 'utf8')).toBe(messy);
  });

  it('rewrites a file in place and prints its name; a second run changes nothing', () => {
    writeFileSync(join(dir, 'messy.lake'), messy);
    const first = lakec('messy.lake');
    expect(first).toEqual({ status: 0, stdout: 'messy.lake\n', stderr: '' });
    expect(readFileSync(join(dir, 'messy.lake'), 'utf8')).toBe(tidy());
    expect(lakec('messy.lake')).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lakec('--check', 'messy.lake')).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('formats every .lake file of a folder, naming those it changed', () => {
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'folder', 'a.lake'), messy);
    copyFileSync(join(fixtures, 'blocks.formatted'), join(dir, 'folder', 'b.lake'));
    writeFileSync(join(dir, 'folder', 'notes.txt'), 'not a spec {');
    const r = lakec('folder');
    expect(r).toEqual({ status: 0, stdout: `${join('folder', 'a.lake')}\n`, stderr: '' });
    expect(readFileSync(join(dir, 'folder', 'a.lake'), 'utf8')).toBe(tidy());
    expect(readFileSync(join(dir, 'folder', 'notes.txt'), 'utf8')).toBe('not a spec {');
  });

  it('--stdout prints the formatted text and leaves the file alone', () => {
    writeFileSync(join(dir, 'out.lake'), messy);
    expect(lakec('--stdout', 'out.lake')).toEqual({ status: 0, stdout: tidy(), stderr: '' });
    expect(readFileSync(join(dir, 'out.lake'), 'utf8')).toBe(messy);
  });

  it('reports syntax errors as check does, exits 1 and leaves the file untouched', () => {
    const broken = 'zone z {\n  layer = raw\n\nzone y { layer = raw }\n';
    writeFileSync(join(dir, 'broken.lake'), broken);
    const r = lakec('broken.lake');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('LAKE0002');
    expect(r.stderr).toContain('broken.lake:');
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, 'broken.lake'), 'utf8')).toBe(broken);
    expect(lakec('--check', 'broken.lake').status).toBe(1);
  });

  it('exits 2 on usage errors and 0 on --help', () => {
    expect(lakec().status).toBe(2);
    expect(lakec('--nope', 'messy.lake').status).toBe(2);
    expect(lakec('missing.lake').status).toBe(2);
    expect(lakec('--check', '--stdout', 'messy.lake').status).toBe(2);
    expect(lakec('--stdout', 'lake').status).toBe(2);
    mkdirSync(join(dir, 'empty'));
    expect(lakec('empty').status).toBe(2);
    const help = lakec('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: lakec fmt');
  });
});
