/** The rule that splits a folder's .lake files into lakes (driver/sources.ts). */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, firstNonText, lakesOfFolder } from '../../compiler/driver/sources.ts';

const lake = (name: string): string => `lake ${name} { region = "us-east-1" }\n`;
const zone = 'zone raw { layer = raw }\n';

function split(files: Record<string, string>): { root: string; kind: string; files: string[]; codes: string[] }[] {
  const sources = Object.entries(files).map(([path, text]) => ({ path: `f/${path}`, text }));
  return lakesOfFolder('f', sources).map((l) => ({ root: l.root, kind: l.kind, files: l.files.map((s) => s.path), codes: l.diagnostics.map((d) => d.code) }));
}

describe('lakesOfFolder', () => {
  it('one lake declaration between the files: the folder is one lake, files sorted', () => {
    expect(split({ 'b.lake': zone, 'a.lake': lake('a') })).toEqual([{ root: 'f', kind: 'folder', files: ['f/a.lake', 'f/b.lake'], codes: [] }]);
  });

  it('no lake declaration: still one lake (whose missing lake LAKE1001 reports)', () => {
    expect(split({ 'a.lake': zone, 'b.lake': zone })).toEqual([{ root: 'f', kind: 'folder', files: ['f/a.lake', 'f/b.lake'], codes: [] }]);
  });

  it('several lake declarations: one lake per file, LAKE0010 on a file that declares none', () => {
    expect(split({ 'a.lake': lake('a'), 'a.v1.lake': lake('a'), 'z.lake': zone })).toEqual([
      { root: 'f/a.lake', kind: 'file', files: ['f/a.lake'], codes: [] },
      { root: 'f/a.v1.lake', kind: 'file', files: ['f/a.v1.lake'], codes: [] },
      { root: 'f/z.lake', kind: 'file', files: ['f/z.lake'], codes: ['LAKE0010'] },
    ]);
  });

  it('two lakes in one file count as two: with another file, each file is alone', () => {
    expect(split({ 'a.lake': lake('a') + lake('b'), 'z.lake': zone }).map((l) => [l.root, l.codes])).toEqual([['f/a.lake', []], ['f/z.lake', ['LAKE0010']]]);
  });

  it('a lake declaration with a syntax error still counts (recovery keeps it)', () => {
    expect(split({ 'a.lake': 'lake a { region = }\n', 'b.lake': lake('b') }).map((l) => l.kind)).toEqual(['file', 'file']);
  });
});

describe('firstNonText', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    // Mostly text, with the odd stray byte: where encoding mistakes hide.
    fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.uint8Array({ maxLength: 3 }), fc.string({ maxLength: 10 }))
      .map(([a, b, c]) => new Uint8Array([...Buffer.from(a), ...b, ...Buffer.from(c)])),
  );

  it('accepts exactly UTF-8 without NUL (as Node reads it), and points at the first bad sequence', () => {
    fc.assert(fc.property(bytes, (b) => {
      const bad = firstNonText(b);
      const text = isUtf8(b) && !b.includes(0);
      expect(bad === undefined).toBe(text);
      if (bad !== undefined) {
        expect(isUtf8(b.subarray(0, bad.offset)) && !b.subarray(0, bad.offset).includes(0)).toBe(true);
        expect(bad.nul).toBe(b[bad.offset] === 0);
      }
    }), { numRuns: 2000 });
  });

  it('decodes text exactly, without the byte order mark', () => {
    expect(decode('a.lake', Buffer.from('\ufefflake é 🙂')).text).toBe('lake é 🙂');
    expect(decode('a.lake', Buffer.from([0x61, 0xed, 0xa0, 0x80])).problem?.message).toContain('byte offset 1 (0xED)');
  });
});
