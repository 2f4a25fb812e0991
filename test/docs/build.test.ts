/**
 * docs/build.md lists the cdk-nag findings a generated lake acknowledges, between two markers,
 * generated from compiler/codegen/cdk/acknowledgements.ts. UPDATE_GOLDEN=1 rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { acknowledgementsMarkdown } from '../../compiler/codegen/cdk/acknowledgements.ts';
import { root } from '../support/compile.ts';
import { updating } from '../support/golden.ts';

it('docs/build.md lists every acknowledged cdk-nag finding with its reason', () => {
  const path = join(root, 'docs', 'build.md');
  const text = readFileSync(path, 'utf8');
  const begin = '<!-- acknowledgements:begin -->\n';
  const end = '<!-- acknowledgements:end -->';
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(a);
  const expected = text.slice(0, a + begin.length) + acknowledgementsMarkdown() + '\n' + text.slice(b);
  if (updating) writeFileSync(path, expected);
  else expect(text, 'run UPDATE_GOLDEN=1 npx vitest run test/docs to regenerate').toBe(expected);
});
