/**
 * The language server reparses only the declarations an edit touched; whatever the edit, the
 * result must be exactly what parsing the whole new text gives (AST, comments, diagnostics).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reparse, type ParseState } from '../../compiler/lsp/incremental.ts';
import { compareDiagnostics } from '../../compiler/diagnostics/diagnostic.ts';
import { parseFile, type ParsedFile } from '../../compiler/syntax/parse.ts';
import { exampleSources, params } from '../robustness/support.ts';

const specs = exampleSources().flatMap((e) => e.files);

/** Text a person types or pastes: bits of the language, brackets, comments, quotes, newlines. */
const snippet = fc.oneof(
  fc.constantFrom('', ' ', '\n', '{', '}', '(', ')', '"', "'", '/*', '*/', '//', '///', '@', '=', ',', '..', '<', '>', '?', 'x', '_9',
    'zone', 'dataset', 'grant', 'stream', 'persona', 'lake', 'classification', 'on', 'to', 'in', 'columns', 'key',
    '\nzone z { layer = raw }\n', '\n/// doc\ndataset d in raw {\n', '\ngrant select on ', 'string', 'decimal(18, 2)', '\nclassification phi { sensitive = true }\n', ' {'),
  fc.string({ maxLength: 6 }),
);

interface Edit { readonly at: number; readonly remove: number; readonly insert: string }
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 40 }), insert: snippet });

function apply(text: string, e: Edit): string {
  const at = e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.remove);
}

function normal(p: ParsedFile): unknown {
  return { ast: p.ast, diagnostics: [...p.diagnostics].sort(compareDiagnostics) };
}

describe('incremental reparse', () => {
  it('equals a full parse after every edit of a chain of random edits', () => {
    let incremental = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.constantFrom(...specs), fc.array(edit, { minLength: 1, maxLength: 8 }), (spec, edits) => {
        let state: ParseState = { text: spec.text, parsed: parseFile(spec.path, spec.text) };
        for (const e of edits) {
          const text = apply(state.text, e);
          const r = reparse(spec.path, state, text);
          total++;
          if (r.incremental) incremental++;
          expect(normal(r.parsed)).toEqual(normal(parseFile(spec.path, text)));
          state = { text, parsed: r.parsed };
        }
      }),
      params(150),
    );
    // Most edits should take the shortcut, or the server gains nothing from it.
    expect(incremental / total).toBeGreaterThan(0.5);
  }, 60_000);

  it('keeps declarations after the edit with their spans moved', () => {
    const spec = specs.find((s) => s.path.endsWith('audit-surveillance.lake'))!;
    const state: ParseState = { text: spec.text, parsed: parseFile(spec.path, spec.text) };
    const at = spec.text.indexOf('retention = 7 years');
    const text = spec.text.slice(0, at) + 'retention = 10 years' + spec.text.slice(at + 'retention = 7 years'.length);
    const r = reparse(spec.path, state, text);
    expect(r.incremental).toBe(true);
    expect(normal(r.parsed)).toEqual(normal(parseFile(spec.path, text)));
  });
});
