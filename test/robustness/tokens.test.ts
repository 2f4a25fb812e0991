/**
 * Random text built from the language's vocabulary: token soup (keywords, names, punctuation,
 * strings, numbers, JSON paths, comments, unterminated strings and comments, unicode, CRLF,
 * tabs, NUL bytes) and near-valid declarations with random holes, which get past the parser
 * into the binder and the rules.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { compileChecked, declarationsArb, params, Slowest, tokenSoupArb } from './support.ts';

const slowest = new Slowest();

afterAll(() => {
  console.log(`robustness/tokens: ${slowest}`);
});

describe('random token sequences', () => {
  it('token soup keeps the invariants', () => {
    fc.assert(fc.property(tokenSoupArb, (text) => { compileChecked([{ path: 'soup.lake', text }], slowest); }), params(400));
  }, 60_000);

  it('near-valid declarations keep the invariants', () => {
    fc.assert(fc.property(declarationsArb, (text) => { compileChecked([{ path: 'decls.lake', text }], slowest); }), params(400));
  }, 60_000);

  it('several files of random declarations keep the invariants', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(declarationsArb, tokenSoupArb), { minLength: 1, maxLength: 3 }), (texts) => {
        compileChecked(texts.map((text, i) => ({ path: `lake/part${i}.lake`, text })), slowest);
      }),
      params(100),
    );
  }, 60_000);

  it('compiling the same text twice gives the same diagnostics (no state leaks between runs)', () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoupArb, declarationsArb), fc.oneof(tokenSoupArb, declarationsArb), (a, b) => {
        const first = compile([{ path: 'a.lake', text: a }]).diagnostics;
        compile([{ path: 'b.lake', text: b }]);
        expect(compile([{ path: 'a.lake', text: a }]).diagnostics).toEqual(first);
      }),
      params(100),
    );
  }, 60_000);

  it('edge cases keep the invariants', () => {
    const cases = [
      '', ' ', '\n', '\r\n', '\u0000', '\ufeff', '\ufefflake x { region = "us-east-1" }', '/*', '"', "'", '$', '@', '{', '}', '}}}}',
      '{'.repeat(5_000), '('.repeat(5_000), 'lake x {' + ' tags = {'.repeat(2_000), 'grant select on t to p where ' + '('.repeat(2_000),
      'grant select on t to p where ' + 'not '.repeat(2_000) + 'x = 1', 'dataset d in z { columns { c ' + 'list<'.repeat(2_000) + ' } }',
      'lake '.repeat(3_000), 'x'.repeat(100_000), '"' + 'a'.repeat(100_000), '/* ' + 'a\n'.repeat(50_000),
      'lake x {\r\n  region = "us-east-1"\r\n}\r\n', 'lake\tx\t{\tregion\t=\t"us-east-1"\t}', 'lake x { region = "\u0000" }',
      'lake 🙂 { region = "us-east-1" }', 'zone z\u00a0{ layer = raw }', 'dataset d in z { columns { c string @check(c in ()) } }',
      'grant on to', 'grant , on x to y', 'dataset', 'dataset d in', 'dataset d in z {', 'classification', 'columns { }',
      'dataset d in z { columns { c decimal(99999999999999999999, -1) } }', 'stream s { shards = 99999999999999999999999 }',
      'zone z { retention = 99999999999999999999 years }', 'dataset d in z { sla { burst = 1e400 records within 0 minutes } }',
    ];
    for (const text of cases) compileChecked([{ path: 'edge.lake', text }], slowest);
  }, 60_000);
});
