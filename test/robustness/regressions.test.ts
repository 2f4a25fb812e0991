/**
 * The smallest inputs the robustness properties shrank to, kept as plain tests so each bug
 * stays fixed even when a random run would not find it again.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { compileChecked } from './support.ts';

const codes = (text: string): string[] => compileChecked([{ path: 'r.lake', text }]).compilation.diagnostics.map((d) => d.code);

describe('regressions found by the robustness properties', () => {
  it('a columns block abandoned by recovery is not pushed as a hole into the dataset (TypeError in parse.ts)', () => {
    // compile() threw "Cannot read properties of undefined (reading 'kind')" from attachDocs.
    expect(codes('dataset e columns{s p<)columns')).toContain('LAKE0002');
    expect(codes('dataset d in z {\n  columns { c list<) }\n  columns\n}')).toContain('LAKE0002');
  });

  it('a map entry whose value recovery abandoned is a syntax error, not an internal error', () => {
    // "internal error while parsing this declaration: Cannot read properties of undefined (reading 'length')"
    expect(codes('lake{l{n:{n=}')).toContain('LAKE0002');
    expect(codes('lake _ {\n  bitemporal {\n  bitemporal {\n  region : {\n  region = \n}\n}\n}')).toContain('LAKE0002');
  });

  it('nesting too deep for the recursive descent is reported as a syntax error', () => {
    // Stack overflows at a few hundred levels used to surface as LAKE0000.
    const deep = [
      'grant select on t to p where ' + '('.repeat(5_000) + 'x = 1' + ')'.repeat(5_000),
      'grant select on t to p where ' + 'not '.repeat(5_000) + 'x = 1',
      'dataset d in z { columns { c ' + 'list<'.repeat(5_000) + 'string' + '>'.repeat(5_000) + ' } }',
      'lake x { tags = ' + '['.repeat(5_000) + ']'.repeat(5_000) + ' }',
    ];
    for (const text of deep) {
      const c = compileChecked([{ path: 'deep.lake', text }]).compilation;
      expect(c.diagnostics.find((d) => d.code === 'LAKE0002')?.message).toMatch(/too deeply/);
    }
    // The reused parser is left in a usable state afterwards.
    const ok = 'lake x { region = "us-east-1" }';
    expect(compile([{ path: 'ok.lake', text: ok }]).diagnostics).toEqual(compile([{ path: 'ok.lake', text: ok }]).diagnostics);
  });
});
