import { describe, expect, it } from 'vitest';
import { CurrentTable } from '../../../runtime/current/state.ts';
import { applyEvent, loadCurrentVectors, outcome, runCurrentVector, type Record_ } from './vectors.ts';

const vectors = loadCurrentVectors();

describe('shared current-state vectors (test/vectors/current)', () => {
  it('are named in file order and hold only the documented members', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(7);
    for (const { file, vector } of vectors) {
      expect(file.slice(0, 3)).toBe(vector.name.split('.')[0]!.replace(/^K(\d+)$/, (_m, n: string) => `k${n.padStart(2, '0')}`));
      expect(Object.keys(vector).filter((k) => !['name', 'source', 'description', 'key', 'payloadColumns', 'options', 'events', 'expected'].includes(k)), file).toEqual([]);
      expect(Object.keys(vector.expected).sort(), file).toEqual(['duplicateEvents', 'rows', 'unchangedEvents']);
    }
  });

  describe.each(vectors)('$file', ({ vector }) => {
    it('yields exactly the expected rows and counts', () => {
      expect(runCurrentVector(vector)).toEqual(vector.expected);
    });

    it('lists the expected rows sorted by key, one per key', () => {
      const keys = vector.expected.rows.map((r) => vector.key.map((c) => JSON.stringify(r[c])).join('\u0000'));
      expect(keys).toEqual([...new Set(keys)].sort());
    });

    it('is unchanged when every event is delivered twice in a row (a window of at least 1)', () => {
      if ((vector.options?.dedupWindow ?? 32) === 0) return;
      const twice = { ...vector, events: vector.events.flatMap((e) => [e, e]) };
      const got = runCurrentVector(twice);
      expect(got.rows).toEqual(vector.expected.rows);
      expect(got.duplicateEvents).toBe(vector.expected.duplicateEvents + vector.events.length);
    });
  });

  it('gives the same rows and counts when the state is checkpointed through JSON between any two events', () => {
    for (const { vector } of vectors) {
      for (let cut = 0; cut <= vector.events.length; cut++) {
        const first = new CurrentTable<Record_>(vector.options?.dedupWindow);
        for (const e of vector.events.slice(0, cut)) applyEvent(vector, first, e);
        const restored = CurrentTable.fromSnapshot<Record_>(JSON.parse(JSON.stringify(first.toSnapshot())), vector.options?.dedupWindow);
        for (const e of vector.events.slice(cut)) applyEvent(vector, restored, e);
        expect(outcome(vector, restored), `${vector.name}, cut after ${cut}`).toEqual(vector.expected);
      }
    }
  });
});
