/**
 * One folder per rule under rules/, named `<CODE>-<slug>`: `ok*.lake` must compile without that
 * code (and without errors), each `bad*.lake` must produce exactly the diagnostics of its
 * `bad*.expected` golden file (codes and spans; UPDATE_GOLDEN=1 rewrites them).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../compiler/validation/rules/index.ts';
import { compileAt, diagnosticLines } from '../support/compile.ts';
import { expectGolden } from '../support/golden.ts';

const here = 'test/validation/rules';
const folders = readdirSync(join(import.meta.dirname, 'rules')).sort();

describe('every rule has fixtures', () => {
  for (const rule of rules) {
    it(`${rule.code} ${rule.title}`, () => {
      const folder = folders.find((f) => f.startsWith(`${rule.code}-`));
      expect(folder, `test/validation/rules/${rule.code}-<slug>/ is missing`).toBeDefined();
      const files = readdirSync(join(import.meta.dirname, 'rules', folder!));
      expect(files.some((f) => f.startsWith('ok') && f.endsWith('.lake')), 'needs an ok*.lake').toBe(true);
      expect(files.some((f) => f.startsWith('bad') && f.endsWith('.lake')), 'needs a bad*.lake').toBe(true);
    });
  }
});

for (const folder of folders) {
  const code = folder.slice(0, 8);
  describe(folder, () => {
    const files = readdirSync(join(import.meta.dirname, 'rules', folder)).sort();
    for (const f of files.filter((x) => x.endsWith('.lake'))) {
      const path = `${here}/${folder}/${f}`;
      if (f.startsWith('ok')) {
        it(`${f} is accepted`, () => {
          const c = compileAt(path);
          expect(diagnosticLines(c)).not.toContain(code);
          expect(c.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
        });
      } else {
        it(`${f} reports ${code}`, () => {
          const c = compileAt(path);
          const lines = diagnosticLines(c);
          expect(lines).toContain(code);
          expectGolden(join(import.meta.dirname, 'rules', folder, f.replace(/\.lake$/, '.expected')), lines);
        });
      }
    }
  });
}
