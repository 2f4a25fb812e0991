/**
 * "One mistake, one precise diagnostic": deleting any single line of an example must yield few
 * errors, each at a plausible place. Exhaustive over every non-blank line, not random.
 *
 * What counts:
 * - Errors that are unknown references (LAKE1003) to a name declared on the deleted line are
 *   not cascades: the name is really gone, and each use is reported where it stands. They are
 *   excused from the count (and reported by the summary below), nothing else is.
 * - At most `maxErrors` other errors.
 * - Each of them at a plausible place: inside the declaration that held the line (with its doc
 *   comment), within two lines of it, in a declaration linked to that one by a reference (a
 *   stream and the datasets reading it), in the block comment that lost its other end, or
 *   lake-wide at offset 0 (e.g. "no lake is declared").
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Compilation } from '../../compiler/driver/compile.ts';
import type { Span } from '../../compiler/diagnostics/diagnostic.ts';
import { positionAt, type SourceFile } from '../../compiler/syntax/source.ts';
import { compileChecked, exampleSources, referenceSpec } from './support.ts';

const maxErrors = 3;
const examples = exampleSources();
const summary: string[] = [];

afterAll(() => {
  console.log(`robustness/deleteLine:\n${summary.join('\n')}`);
});

interface Outcome {
  readonly line: number;
  readonly text: string;
  readonly counted: string[];
  readonly excused: number;
  readonly misplaced: string[];
}

function within(offset: number, span: { start: number; end: number }): boolean {
  return span.start <= offset && offset <= span.end;
}

/** Top-level declaration spans of a file, each extended upwards over its `///` lines. */
function declarationSpans(c: Compilation, file: SourceFile): Span[] {
  const ast = c.parsed.find((p) => p.ast.path === file.path)!.ast;
  return ast.declarations.map((d) => {
    let start = d.span.start;
    for (;;) {
      const prevLineEnd = file.text.lastIndexOf('\n', start - 1);
      if (prevLineEnd < 0) break;
      const prevLineStart = file.text.lastIndexOf('\n', prevLineEnd - 1) + 1;
      if (!file.text.slice(prevLineStart, prevLineEnd).trim().startsWith('///')) break;
      start = prevLineStart;
    }
    return { file: file.path, start, end: d.span.end };
  });
}

function deleteEachLine(ex: { name: string; files: SourceFile[] }, file: SourceFile): Outcome[] {
  const original = compileChecked(ex.files).compilation;
  const decls = ex.files.flatMap((f) => declarationSpans(original, f));
  const declOf = (span: Span): Span | undefined => decls.find((d) => d.file === span.file && within(span.start, d));
  // Declarations linked by a reference, in either direction.
  const linked = new Map<Span, Set<Span>>();
  for (const r of original.lake.references) {
    const from = declOf(r.span);
    const to = r.target === undefined ? undefined : declOf(r.target.span);
    if (from === undefined || to === undefined || from === to) continue;
    if (!linked.has(from)) linked.set(from, new Set());
    if (!linked.has(to)) linked.set(to, new Set());
    linked.get(from)!.add(to);
    linked.get(to)!.add(from);
  }
  const declared = [
    ...original.lake.zones, ...original.lake.classifications, ...original.lake.streams, ...original.lake.datasets,
    ...original.lake.personas, ...original.lake.datasets.flatMap((d) => d.columns),
  ];

  const outcomes: Outcome[] = [];
  const lines = file.text.split('\n');
  let lineStart = 0;
  for (const [index, lineText] of lines.entries()) {
    const start = lineStart;
    const removed = lineText.length + 1;
    lineStart += removed;
    if (lineText.trim() === '') continue;
    const text = file.text.slice(0, start) + file.text.slice(start + removed);
    const files = ex.files.map((f) => (f === file ? { ...f, text } : f));
    const c = compileChecked(files).compilation;
    const gone = new Set(declared.filter((s) => s.nameSpan.file === file.path && within(s.nameSpan.start, { start, end: start + lineText.length })).map((s) => s.name));
    const excusedSpans = new Set(
      c.lake.references.filter((r) => r.target === undefined && gone.has(r.name)).map((r) => `${r.span.file}:${r.span.start}`),
    );
    const enclosing = declOf({ file: file.path, start, end: start });
    const related = enclosing === undefined ? new Set<Span>() : linked.get(enclosing) ?? new Set<Span>();
    const sources = new Map(files.map((f) => [f.path, f]));
    const describe = (code: string, span: Span): string => {
      const p = positionAt(sources.get(span.file)!, span.start);
      return `${code} ${span.file.split('/').pop()}:${p.line}:${p.column}`;
    };
    const comments = c.parsed.find((p) => p.ast.path === file.path)!.ast.comments.filter((k) => k.kind === 'block');
    const counted: string[] = [];
    const misplaced: string[] = [];
    let excused = 0;
    for (const d of c.diagnostics) {
      if (d.severity !== 'error') continue;
      if (d.code === 'LAKE1003' && excusedSpans.has(`${d.span.file}:${d.span.start}`)) {
        excused++;
        continue;
      }
      counted.push(describe(d.code, d.span));
      // Back to offsets of the original text.
      const at = d.span.file === file.path && d.span.start >= start ? d.span.start + removed : d.span.start;
      const orig: Span = { file: d.span.file, start: at, end: at };
      const near = d.span.file === file.path && Math.abs(positionAt(file, at).line - (index + 1)) <= 2;
      const lakeWide = d.span.start === 0 && d.span.end === 0;
      const inEnclosing = enclosing !== undefined && d.span.file === enclosing.file && within(at, enclosing);
      const there = declOf(orig);
      const inRelated = there !== undefined && related.has(there);
      // A comment that lost its start or end is reported at its other end.
      const sameComment = d.span.file === file.path && comments.some((k) => within(start, k.span) && within(d.span.start, k.span));
      if (!(near || lakeWide || inEnclosing || inRelated || sameComment)) misplaced.push(describe(d.code, d.span));
    }
    outcomes.push({ line: index + 1, text: lineText.trim(), counted, excused, misplaced });
  }
  return outcomes;
}

function report(name: string, outcomes: Outcome[]): void {
  const worst = [...outcomes].sort((a, b) => b.counted.length - a.counted.length || b.excused - a.excused).slice(0, 3);
  const histogram = new Map<number, number>();
  for (const o of outcomes) histogram.set(o.counted.length, (histogram.get(o.counted.length) ?? 0) + 1);
  const h = [...histogram].sort((a, b) => a[0] - b[0]).map(([n, k]) => `${n} error${n === 1 ? '' : 's'}: ${k}`).join(', ');
  summary.push(`  ${name}: ${outcomes.length} lines deleted; ${h}; unknown uses of a deleted name: up to ${Math.max(0, ...outcomes.map((o) => o.excused))}`);
  for (const o of worst) summary.push(`    line ${o.line} [${o.text}]: ${o.counted.join(', ') || 'no error'}${o.excused > 0 ? ` (+${o.excused} uses of the deleted name)` : ''}`);
}

function violations(outcomes: Outcome[]): string[] {
  return outcomes
    .filter((o) => o.counted.length > maxErrors || o.misplaced.length > 0)
    .map((o) => `line ${o.line} [${o.text}]: ${o.counted.length} errors (${o.counted.join(', ')})${o.misplaced.length > 0 ? `; far from the line: ${o.misplaced.join(', ')}` : ''}`);
}

describe('deleting one line', () => {
  const reference = examples.find((e) => e.name === referenceSpec)!;

  it(`of the reference spec yields at most ${maxErrors} errors, each near the deleted line`, () => {
    const outcomes = deleteEachLine(reference, reference.files[0]!);
    report(referenceSpec, outcomes);
    expect(violations(outcomes)).toEqual([]);
  }, 60_000);

  for (const ex of examples.filter((e) => e !== reference)) {
    it(`of ${ex.name} yields at most ${maxErrors} errors, each near the deleted line`, () => {
      const outcomes = ex.files.flatMap((f) => deleteEachLine(ex, f).map((o) => ({ ...o, text: `${f.path.split('/').pop()}: ${o.text}` })));
      report(ex.name, outcomes);
      expect(violations(outcomes)).toEqual([]);
    }, 60_000);
  }
});
