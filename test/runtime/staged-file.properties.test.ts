/**
 * sink/csv.ts `StagedFile`: the lines it writes from their pieces (`row`, `rowOf` with the
 * template as bytes, `identity`) and as text (`line`) are exactly the text the table's reader
 * is told to expect: the key part, each time as `String(t)` writes it (an open time as an empty field), the template, `\n`; any text,
 * lone surrogates included (written as U+FFFD, as Node's UTF-8 encoder writes them), lines
 * longer than its buffer, and enough lines to fill it many times. `longest` is the longest
 * line's bytes, never less than its UTF-16 length (the reader's line limit is set from it).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StagedFile } from '../../runtime/sink/csv.ts';
import { tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_261_207;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 200;

const dir = tempDir('lakec-staged-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const time = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, 9, 10, -1, -9, -10, 99, 100, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
  // Not the runtime's times, but written as String() writes them all the same.
  { weight: 1, arbitrary: fc.constantFrom(1.5, 2 ** 60, -(2 ** 53), 1e21, Number.NaN) },
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('"a""b"', ',"x",1', '\ud800', 'a\udc00b', '\u{1F600}') },
);
const field = (t: number): string => (t === Number.POSITIVE_INFINITY ? '' : String(t));

type Piece =
  | { kind: 'row'; key: string; template: string; times: [number, number, number, number] }
  | { kind: 'identity'; key: string; times: [number, number] }
  | { kind: 'line'; text: string };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.record({ kind: fc.constant('row' as const), key: text, template: text, times: fc.tuple(time, time, time, time) }),
  fc.record({ kind: fc.constant('identity' as const), key: text, times: fc.tuple(time, time) }),
  fc.record({ kind: fc.constant('line' as const), text }),
);

function expected(p: Piece): string {
  if (p.kind === 'line') return p.text;
  if (p.kind === 'identity') return `${p.key},${field(p.times[0])},${field(p.times[1])}`;
  return `${p.key},${p.times.map(field).join(',')}${p.template}`;
}

let n = 0;
function write(pieces: readonly Piece[], bytesToo = false): { bytes: Buffer; file: StagedFile; path: string | null } {
  const file = new StagedFile(join(dir, `staged-${++n}.csv`));
  for (const p of pieces) {
    if (p.kind === 'line') file.line(p.text);
    else if (p.kind === 'identity') file.identity(p.key, ...p.times);
    else if (bytesToo) {
      // The template as bytes at an offset in a larger buffer (the typed operator's pages).
      const t = Buffer.concat([Buffer.from('pre'), Buffer.from(p.template), Buffer.from('post')]);
      file.rowOf(p.key, t, 3, t.length - 4, ...p.times);
    } else file.row(p.key, p.template, ...p.times);
  }
  const path = file.close();
  return { bytes: path === null ? Buffer.alloc(0) : readFileSync(path), file, path };
}

describe('StagedFile', () => {
  it('writes each line as its text, times as String() writes them (a row\'s template as text or as bytes)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.boolean(), (pieces, bytesToo) => {
        const { bytes, file, path } = write(pieces, bytesToo);
        const lines = pieces.map(expected);
        expect(path === null).toBe(pieces.length === 0);
        expect(bytes.equals(Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8'))).toBe(true);
        expect(file.rows).toBe(pieces.length);
        const longest = Math.max(0, ...lines.map((l) => Buffer.byteLength(l, 'utf8') + 1));
        expect(file.longest).toBe(longest);
        for (const l of lines) expect(file.longest).toBeGreaterThanOrEqual(l.length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('writes lines longer than its buffer, and many lines that fill it again and again', () => {
    const long = 'x\u00e9'.repeat(700_000);
    const pieces: Piece[] = [{ kind: 'row', key: '"k"', template: `,"${long}"`, times: [1, Number.POSITIVE_INFINITY, 3, 4] }];
    for (let i = 0; i < 40_000; i++) pieces.push({ kind: 'row', key: `"key ${i}"`, template: `,"${'p'.repeat(i % 97)}",${i}`, times: [i, i + 1, -i, Number.POSITIVE_INFINITY] });
    pieces.push({ kind: 'line', text: long });
    const want = Buffer.from(pieces.map((p) => expected(p) + '\n').join(''), 'utf8');
    expect(write(pieces).bytes.equals(want)).toBe(true);
    expect(write(pieces, true).bytes.equals(want)).toBe(true);
  });
});
