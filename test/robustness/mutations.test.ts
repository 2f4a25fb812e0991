/**
 * Edits of the real examples (deletions, insertions of tokens and declarations, duplicated
 * ranges, moved lines, truncation, splices of two examples): whatever the edit, compile()
 * keeps every invariant of support.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { applyEdit, compileChecked, editArb, exampleSources, params, referenceSpec, Slowest } from './support.ts';

const examples = exampleSources();
const slowest = new Slowest();

afterAll(() => {
  console.log(`robustness/mutations: ${slowest}`);
});

describe('edited examples', () => {
  for (const ex of examples) {
    it(`${ex.name}: any sequence of edits keeps the invariants`, () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(editArb, { minLength: 1, maxLength: 4 }), (which, edits) => {
          const index = which % ex.files.length;
          const files = ex.files.map((f, i) => (i === index ? { ...f, text: edits.reduce(applyEdit, f.text) } : f));
          compileChecked(files, slowest);
        }),
        params(150),
      );
    }, 60_000);
  }

  it('splicing a prefix of one example onto a suffix of another keeps the invariants', () => {
    const texts = examples.flatMap((e) => e.files.map((f) => f.text));
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.nat(), (a, b, i, j) => {
        const left = texts[a % texts.length]!;
        const right = texts[b % texts.length]!;
        const text = left.slice(0, i % (left.length + 1)) + right.slice(j % (right.length + 1));
        compileChecked([{ path: 'spliced.lake', text }], slowest);
      }),
      params(150),
    );
  }, 60_000);

  it('a prefix of the reference spec, at every line, keeps the invariants', () => {
    // Exhaustive rather than random: every place a user might stop typing.
    const file = examples.find((e) => e.name === referenceSpec)!.files[0]!;
    for (let at = 0; ; ) {
      compileChecked([{ ...file, text: file.text.slice(0, at) }], slowest);
      if (at >= file.text.length) break;
      const next = file.text.indexOf('\n', at + 1);
      at = next < 0 ? file.text.length : next;
    }
  }, 60_000);

  it('a prefix of any example file keeps the invariants', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (which, whichFile, cut) => {
        const ex = examples[which % examples.length]!;
        const index = whichFile % ex.files.length;
        const files = ex.files.map((f, i) => (i === index ? { ...f, text: f.text.slice(0, cut % (f.text.length + 1)) } : f));
        compileChecked(files, slowest);
      }),
      params(100),
    );
  }, 60_000);

  it('the examples themselves compile without errors', () => {
    for (const ex of examples) {
      const { compilation } = compileChecked(ex.files, slowest);
      const errors = compilation.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0 || compilation.model === undefined) throw new Error(`${ex.name}: ${errors.map((d) => d.code).join(', ')}`);
    }
  });
});
