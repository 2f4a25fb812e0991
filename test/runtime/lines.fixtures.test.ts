/**
 * The shared line fixtures (test/vectors/lines): how the bytes of a JSON-lines file become the
 * records `FileSource` hands out (text, and for an unreadable line its reason and, not UTF-8, its
 * bytes). The Java job's `LineFile` is tested on the same file (runtime/java,
 * lakec.runtime.source.LineFileTest), so both engines read every file alike.
 *
 * `LAKEC_UPDATE_FIXTURES=1 npx vitest run test/runtime/lines.fixtures.test.ts` rewrites the
 * expected records from this source, for review as a golden diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { FileSource } from '../../runtime/sources/file.ts';
import { tempDir } from './support.ts';

const FILE = fileURLToPath(new URL('../vectors/lines/files.json', import.meta.url));
const update = process.env['LAKEC_UPDATE_FIXTURES'] === '1';

interface ExpectedRecord {
  text: string;
  unreadable?: string;
  bytes?: string;
}

interface Case {
  name: string;
  bytes: string;
  maxLineBytes?: number;
  records?: ExpectedRecord[];
}

const fixture = JSON.parse(readFileSync(FILE, 'utf8')) as { description: string; cases: Case[] };
const work = tempDir('lines');
afterAll(() => removeQuietly(work));

/** Every record the file source hands out for `bytes`, in the fixture's form. */
async function records(c: Case, i: number, chunkBytes?: number): Promise<ExpectedRecord[]> {
  const path = join(work, `case-${i}.jsonl`);
  writeFileSync(path, Buffer.from(c.bytes, 'base64'));
  const source = new FileSource(path, { ...(c.maxLineBytes !== undefined ? { maxLineBytes: c.maxLineBytes } : {}), ...(chunkBytes !== undefined ? { chunkBytes } : {}) });
  const out: ExpectedRecord[] = [];
  try {
    for (let b = await source.next(); b !== null; b = await source.next()) {
      b.texts.forEach((text, k) => {
        const u = b.unreadable?.get(k);
        out.push({ text, ...(u !== undefined ? { unreadable: u.reason } : {}), ...(u?.bytes !== undefined ? { bytes: Buffer.from(u.bytes).toString('base64') } : {}) });
      });
    }
  } finally {
    await source.close();
  }
  return out;
}

describe('shared line fixtures (test/vectors/lines)', () => {
  if (update) {
    it('is rewritten from this source (LAKEC_UPDATE_FIXTURES=1)', async () => {
      const cases: Case[] = [];
      for (const [i, c] of fixture.cases.entries()) cases.push({ name: c.name, bytes: c.bytes, ...(c.maxLineBytes !== undefined ? { maxLineBytes: c.maxLineBytes } : {}), records: await records(c, i) });
      writeFileSync(FILE, JSON.stringify({ ...fixture, cases }, null, 2) + '\n');
    });
    return;
  }

  it('has cases of every kind', () => {
    const all = fixture.cases.flatMap((c) => c.records ?? []);
    expect(all.some((r) => r.unreadable === undefined)).toBe(true);
    expect(all.some((r) => r.bytes !== undefined)).toBe(true);
    expect(all.some((r) => r.unreadable !== undefined && r.bytes === undefined)).toBe(true);
  });

  it.each(fixture.cases.map((c, i) => ({ c, i })))('$c.name', async ({ c, i }) => {
    expect(await records(c, i)).toEqual(c.records);
    // The records do not depend on how the file is read.
    expect(await records(c, i, 3)).toEqual(c.records);
  });
});
