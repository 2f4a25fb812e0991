/**
 * Random event sequences for property tests of the bi-temporal dataset `history` below:
 * corrections, deletes, open, closed and inverted intervals,
 * same-time and backwards system times, and redeliveries a little later. Times are epoch
 * milliseconds on a small grid. The same generator as test/runtime/pipeline.properties.test.ts
 * (which still holds its own copy, to be replaced by an import of this module once the issue-9
 * changes to that file have landed), used by the Flink differential test.
 */
import fc from 'fast-check';

export const KEYS = ['a', 'b', 'c'];

/** The dataset the sequences are for (after runtime/support.ts's specHeader: zone curated, stream events). */
export const historyDataset = `dataset history in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    p           string?
    valid_from  timestamp
    valid_to    timestamp?
    system_time timestamp
  }
  key (id)
  bitemporal {
    valid = valid_from .. valid_to
    system = system_time
  }
}
`;

export interface SequenceEvent {
  key: string;
  op: 'put' | 'delete';
  validFrom: number;
  validTo: number | null;
  systemTime: number;
  payload: string;
}

const draft = fc.record({
  key: fc.constantFrom(...KEYS),
  op: fc.constantFrom<'put' | 'delete'>('put', 'put', 'put', 'delete'),
  validFrom: fc.integer({ min: 0, max: 12 }),
  length: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) }),
  step: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: -4, max: -1 }) }),
  payload: fc.constantFrom('p1', 'p2', 'p3'),
});

/** Sequences with some events delivered again a little later (at-least-once delivery). */
export const sequence: fc.Arbitrary<SequenceEvent[]> = fc
  .tuple(fc.array(draft, { maxLength: 30 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }))
  .map(([drafts, picks]) => {
    let clock = 10;
    const events: SequenceEvent[] = drafts.map((d) => {
      clock = Math.max(1, clock + d.step);
      return { key: d.key, op: d.op, validFrom: d.validFrom, validTo: d.length === null ? null : d.validFrom + d.length, systemTime: clock, payload: d.payload };
    });
    for (const [i, j] of picks) {
      if (events.length === 0) break;
      const from = i % events.length;
      events.splice(from + 1 + (j % (events.length - from)), 0, { ...events[from]! });
    }
    return events;
  });

const iso = (ms: number): string => new Date(ms).toISOString();

/** The event as a producer publishes it. */
export function published(e: SequenceEvent): Record<string, unknown> {
  return {
    ...(e.op === 'delete' ? { op: 'delete' } : {}),
    id: e.key,
    ...(e.op === 'put' ? { p: e.payload } : {}),
    valid_from: iso(e.validFrom),
    valid_to: e.validTo === null ? null : iso(e.validTo),
    system_time: iso(e.systemTime),
  };
}
