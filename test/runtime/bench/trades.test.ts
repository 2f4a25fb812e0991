/** The benchmark's event file has the mix that issue 4 asks for (trades.ts). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTrades, writeTradesFile } from './trades.ts';

function text(events: number, seed = 1): string {
  let out = '';
  generateTrades({ events, seed }, (t) => (out += t));
  return out;
}

interface Mix {
  lines: number;
  keys: number;
  corrections: number;
  duplicates: number;
  bad: number;
  /** Timestamps of valid events that are not in ISO 8601 as `Date.toISOString` writes it. */
  badTimestamps: string[];
}

/** Classifies each line: a repeat of an earlier line, bad (as the spec's mapping and checks see it), a correction, or new. */
function mix(lines: readonly string[]): Mix {
  const seen = new Set<string>();
  const keys = new Set<string>();
  const m: Mix = { lines: lines.length, keys: 0, corrections: 0, duplicates: 0, bad: 0, badTimestamps: [] };
  for (const line of lines) {
    if (seen.has(line)) {
      m.duplicates++;
      continue;
    }
    seen.add(line);
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      m.bad++;
      continue;
    }
    const from = e['valid_from'];
    const to = e['valid_to'];
    if (typeof from !== 'string' || (e['side'] !== 'BUY' && e['side'] !== 'SELL') || (typeof to === 'string' && to <= from)) {
      m.bad++;
      continue;
    }
    for (const t of [from, to, e['recorded_at']]) if (typeof t === 'string' && new Date(t).toISOString() !== t) m.badTimestamps.push(t);
    keys.add(e['trade_id'] as string);
    if (to !== null) m.corrections++;
  }
  m.keys = keys.size;
  return m;
}

describe('generateTrades', () => {
  it('has about one key per ten events, 10% corrections, 1% duplicates and 0.1% bad events', () => {
    const lines = text(100_000).split('\n');
    expect(lines.pop()).toBe('');
    const m = mix(lines);
    expect(m.lines).toBe(100_000);
    expect(m.badTimestamps).toEqual([]);
    expect(m.keys).toBeGreaterThan(9_900);
    expect(m.keys).toBeLessThanOrEqual(10_000);
    expect(m.corrections / m.lines).toBeGreaterThan(0.095);
    expect(m.corrections / m.lines).toBeLessThan(0.105);
    expect(m.duplicates / m.lines).toBeGreaterThan(0.008);
    expect(m.duplicates / m.lines).toBeLessThan(0.012);
    expect(m.bad / m.lines).toBeGreaterThan(0.0005);
    expect(m.bad / m.lines).toBeLessThan(0.0015);
  });

  it('is deterministic for a seed, and the file holds the same text', () => {
    const a = text(20_000, 5);
    expect(text(20_000, 5)).toBe(a);
    expect(text(20_000, 6)).not.toBe(a);
    const dir = mkdtempSync(join(tmpdir(), 'lakec-trades-'));
    try {
      const file = join(dir, 't.jsonl');
      const s = writeTradesFile(file, { events: 20_000, seed: 5 });
      const written = readFileSync(file, 'utf8');
      expect(written).toBe(a);
      expect(s).toMatchObject({ lines: 20_000, bytes: Buffer.byteLength(a) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
