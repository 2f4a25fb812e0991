/**
 * Golden files: the expected text lives beside the fixture; `UPDATE_GOLDEN=1 npm test` rewrites
 * them, and a reviewer reads the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export const updating = process.env['UPDATE_GOLDEN'] === '1';

export function expectGolden(path: string, actual: string): void {
  if (updating || !existsSync(path)) {
    if (!updating && process.env['CI'] !== undefined) throw new Error(`missing golden file ${path}`);
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
