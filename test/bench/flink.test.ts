/** The Flink benchmark's own arithmetic and file handling (flink.ts); the benchmark itself is `npm run bench -- --only flink`. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyHead, countLines, steadyState } from './flink.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakec-flink-bench-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('copyHead and countLines', () => {
  it('copy the first lines exactly, across buffer boundaries', () => {
    // Lines longer than the 1 MiB read buffer, and many short ones, so that lines straddle reads.
    const lines = ['a'.repeat(1_500_000), ...Array.from({ length: 50_000 }, (_, i) => `{"n":${i}}`), 'b'.repeat(2_100_000), 'tail'];
    const from = join(dir, 'all.jsonl');
    writeFileSync(from, lines.join('\n') + '\n');
    expect(countLines(from)).toBe(lines.length);
    for (const n of [0, 1, 2, 25_000, 50_001, 50_002, lines.length]) {
      const to = join(dir, `head-${n}.jsonl`);
      expect(copyHead(from, to, n)).toBe(n);
      expect(readFileSync(to, 'utf8')).toBe(n === 0 ? '' : lines.slice(0, n).join('\n') + '\n');
      expect(countLines(to)).toBe(n);
    }
  });

  it('count a last line without its newline, and stop at the end of a shorter file', () => {
    const from = join(dir, 'short.jsonl');
    writeFileSync(from, 'one\ntwo\nthree');
    expect(countLines(from)).toBe(3);
    const to = join(dir, 'head.jsonl');
    expect(copyHead(from, to, 10)).toBe(3);
    expect(readFileSync(to, 'utf8')).toBe('one\ntwo\nthree');
    expect(copyHead(from, to, 2)).toBe(2);
    expect(readFileSync(to, 'utf8')).toBe('one\ntwo\n');
    writeFileSync(from, '');
    expect(countLines(from)).toBe(0);
    expect(copyHead(from, to, 5)).toBe(0);
  });
});

describe('steadyState', () => {
  it('is what the events past the head cost', () => {
    const s = steadyState({ records: 200_000, jobMs: 10_000, processCpuMs: 19_000 }, { records: 1_000_000, jobMs: 66_000, processCpuMs: 119_000 });
    expect(s!.eventsPerSecond).toBeCloseTo(800_000 / 56, 6);
    expect(s!.eventsPerCpuSecond).toBeCloseTo(800_000 / 100, 6);
  });

  it('says nothing when the whole run was not longer than the head', () => {
    expect(steadyState({ records: 10, jobMs: 5_000, processCpuMs: 9_000 }, { records: 10, jobMs: 5_100, processCpuMs: 9_100 })).toBeUndefined();
    expect(steadyState({ records: 10, jobMs: 5_000, processCpuMs: 9_000 }, { records: 50, jobMs: 4_900, processCpuMs: 9_100 })).toBeUndefined();
  });
});
