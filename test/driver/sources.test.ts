/** The rule that splits a folder's .lake files into lakes (driver/sources.ts). */
import { describe, expect, it } from 'vitest';
import { lakesOfFolder } from '../../compiler/driver/sources.ts';

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
