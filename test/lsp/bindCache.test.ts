/**
 * The language server binds only the declarations an edit changed (compiler/lsp/bindCache.ts);
 * after any chain of edits the lake must be exactly what `bind` gives on the whole new text:
 * the same symbols, references resolved to the same declarations, the same diagnostics.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { compareDiagnostics, DiagnosticBag } from '../../compiler/diagnostics/diagnostic.ts';
import { bindCached } from '../../compiler/lsp/bindCache.ts';
import { reparse, type ParseState } from '../../compiler/lsp/incremental.ts';
import { bind } from '../../compiler/semantic/bind.ts';
import type { BoundLake, SymbolBase } from '../../compiler/semantic/symbols.ts';
import { parseFile } from '../../compiler/syntax/parse.ts';
import { exampleSources, params } from '../robustness/support.ts';

const specs = exampleSources().flatMap((e) => e.files);
const snippet = fc.constantFrom('', ' ', '\n', '{', '}', 'x', '_2', '"', '@pii', ',', 'zone', '\ngrant select on trades to it\n',
  '\nzone z { layer = raw }\n', 'string?', '\n/// doc\n', 'key (id)', '1');
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 25 }), insert: snippet });

/** The lake as text: symbols with their spans, each reference with the declaration it resolves to. */
function describe(lake: BoundLake, diagnostics: DiagnosticBag): string {
  const id = (s: SymbolBase): string => `${s.kind}:${s.name}@${s.nameSpan.file}:${s.nameSpan.start}`;
  const { files: _f, scope, ...rest } = lake;
  const scopes = Object.fromEntries(Object.entries(scope).map(([k, m]) => [k, [...m.values()].map(id)]));
  return JSON.stringify({ ...rest, scopes, diagnostics: [...diagnostics.items].sort(compareDiagnostics) },
    (k, v: unknown) => (k === 'target' && typeof v === 'object' && v !== null && 'nameSpan' in v ? id(v as SymbolBase) : v));
}

it('binding only what changed equals binding everything, after every edit of a chain', () => {
  fc.assert(
    fc.property(fc.constantFrom(...specs), fc.array(edit, { minLength: 1, maxLength: 6 }), (spec, edits) => {
      let state: ParseState = { text: spec.text, parsed: parseFile(spec.path, spec.text) };
      bindCached([state.parsed.ast], new DiagnosticBag());
      for (const e of edits) {
        const at = e.at % (state.text.length + 1);
        const text = state.text.slice(0, at) + e.insert + state.text.slice(at + e.remove);
        const parsed = reparse(spec.path, state, text).parsed;
        const cachedBag = new DiagnosticBag();
        const fullBag = new DiagnosticBag();
        expect(describe(bindCached([parsed.ast], cachedBag), cachedBag)).toBe(describe(bind([parsed.ast], fullBag), fullBag));
        state = { text, parsed };
      }
    }),
    params(120),
  );
}, 60_000);
