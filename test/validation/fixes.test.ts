/**
 * A quick fix repairs what its diagnostic reports: in every bad fixture of a rule, applying one
 * fix of a diagnostic of that rule leaves the spec without that diagnostic, and adds no error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { compileText } from '../support/compile.ts';

const dir = join(import.meta.dirname, 'rules');
/**
 * LAKE1006's fix renames a declaration where it is declared; its uses keep the old name until the
 * editor's rename (which the fix does not do) changes them too, so it may leave LAKE1003 behind.
 */
const renamesOneSpan = new Set(['LAKE1006']);
const key = (d: Diagnostic, text: string): string => `${d.code} ${d.message} @ ${text.slice(d.span.start, d.span.end)}`;

describe('quick fixes repair their diagnostic', () => {
  for (const folder of readdirSync(dir).sort()) {
    const code = folder.slice(0, 8);
    for (const f of readdirSync(join(dir, folder)).filter((x) => x.startsWith('bad') && x.endsWith('.lake'))) {
      const text = readFileSync(join(dir, folder, f), 'utf8');
      const before = compileText(text, f).diagnostics;
      const fixed = before.filter((d) => d.code === code && d.fixes !== undefined && d.fixes.length > 0);
      if (fixed.length === 0 || renamesOneSpan.has(code)) continue;
      it(`${folder}/${f}`, () => {
        const errors = new Set(before.filter((d) => d.severity === 'error').map((d) => d.code));
        for (const d of fixed) {
          for (const fix of d.fixes!) {
            const repaired = text.slice(0, fix.span.start) + fix.text + text.slice(fix.span.end);
            const after = compileText(repaired, f).diagnostics;
            // The repaired diagnostic is gone (the text it pointed at may have moved: compare its message).
            expect(after.filter((x) => x.code === d.code && x.message === d.message).length, `${fix.title}: ${key(d, text)}`).toBeLessThan(before.filter((x) => x.code === d.code && x.message === d.message).length);
            expect(after.filter((x) => x.severity === 'error' && !errors.has(x.code)).map((x) => key(x, repaired)), fix.title).toEqual([]);
          }
        }
      });
    }
  }
});
