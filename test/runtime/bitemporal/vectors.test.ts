import { describe, expect, it } from 'vitest';
import { BitemporalTable } from '../../../runtime/bitemporal/index.ts';
import { expectedOutcome, loadVectors, millis, optionsOf, outcome, runVector, toEvent, type Record_ } from './vectors.ts';

const vectors = loadVectors();

describe('shared bi-temporal vectors (test/vectors/bitemporal)', () => {
  it('holds the thirteen cases of bitemporal-cases.md, then the extra X cases', () => {
    const labels = vectors.map((v) => v.vector.name.split('.')[0]!);
    expect(labels.filter((l) => l.startsWith('C'))).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11', 'C12', 'C13']);
    for (const { file, vector } of vectors) {
      // File names sort in case order: c01..c13, then x01...
      expect(file.slice(0, 3)).toBe(vector.name.split('.')[0]!.replace(/^([CX])(\d+)$/, (_m, l: string, n: string) => l.toLowerCase() + n.padStart(2, '0')));
      // Every member is one the README documents (the Java core reads the same files).
      expect(Object.keys(vector).filter((k) => !['name', 'source', 'description', 'key', 'payloadColumns', 'options', 'events', 'expected'].includes(k)), file).toEqual([]);
      expect(Object.keys(vector.options ?? {}).filter((k) => k !== 'dedupWindow' && k !== 'late'), file).toEqual([]);
    }
  });

  describe.each(vectors)('$file', ({ vector }) => {
    it('yields exactly the expected rows, dead letters and counts', () => {
      expect(runVector(vector)).toEqual(expectedOutcome(vector));
    });

    it('lists the expected rows sorted by key, valid_from, system_from', () => {
      const sortKey = (r: Record<string, unknown>) =>
        [...vector.key.map((c) => JSON.stringify(r[c])), r['valid_from'], r['system_from']].join('\u0000');
      const keys = vector.expected.rows.map(sortKey);
      expect(keys).toEqual([...keys].sort());
    });

    it('is unchanged when every event is delivered twice', () => {
      const table = new BitemporalTable<Record_>(optionsOf(vector));
      const twice = { ...vector, events: vector.events.flatMap((e) => [e, e]) };
      const got = runVector(twice, table);
      expect(got.rows).toEqual(vector.expected.rows);
    });

    it('uses canonical millisecond timestamps only', () => {
      for (const e of vector.events) {
        for (const t of [e.valid_from, e.valid_to, e.system_time]) if (t !== null) expect(() => millis(t)).not.toThrow();
        expect(() => toEvent(vector, e)).not.toThrow();
      }
    });
  });

  it('gives the same rows and counts when the state is checkpointed through JSON between any two events', () => {
    for (const { vector } of vectors) {
      for (let cut = 0; cut <= vector.events.length; cut++) {
        const first = new BitemporalTable<Record_>(optionsOf(vector));
        runVector({ ...vector, events: vector.events.slice(0, cut) }, first);
        const restored = BitemporalTable.fromSnapshot<Record_>(JSON.parse(JSON.stringify(first.toSnapshot())), optionsOf(vector));
        runVector({ ...vector, events: vector.events.slice(cut) }, restored);
        expect(outcome(vector, restored), `${vector.name}, cut after ${cut}`).toEqual(expectedOutcome(vector));
      }
    }
  });
});
