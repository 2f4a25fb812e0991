/**
 * docs/language.md carries the reference of every diagnostic code between two markers; it is
 * generated from the rules' own documentation. UPDATE_GOLDEN=1 rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCodes } from '../../compiler/diagnostics/codes.ts';
import { diagnosticsMarkdown } from '../../compiler/diagnostics/docs.ts';
import { root } from '../support/compile.ts';
import { updating } from '../support/golden.ts';

const path = join(root, 'docs/language.md');
const begin = '<!-- diagnostics:begin -->';
const end = '<!-- diagnostics:end -->';

describe('docs/language.md', () => {
  it('documents every diagnostic code (generated section is up to date)', () => {
    const text = readFileSync(path, 'utf8');
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    const expected = text.slice(0, a + begin.length) + diagnosticsMarkdown() + text.slice(b);
    if (updating) writeFileSync(path, expected);
    else expect(text, 'run UPDATE_GOLDEN=1 npx vitest run test/docs to regenerate').toBe(expected);
  });

  it('every code is documented with a description and an example, and codes are unique', () => {
    const codes = allCodes();
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
    for (const c of codes) {
      expect(c.code).toMatch(/^LAKE\d{4}$/);
      expect(c.description.length, c.code).toBeGreaterThan(20);
      expect(c.example.length, c.code).toBeGreaterThan(0);
    }
  });
});
