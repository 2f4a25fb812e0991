/**
 * Random event sequences of a current-state table (a `key` without `bitemporal`): puts and deletes
 * of three keys with three payloads, and exact redeliveries a little later (at-least-once
 * delivery). Used by test/runtime/current.pipeline.test.ts and the Flink differential test.
 */
import fc from 'fast-check';
import { currentSpecText } from '../support.ts';

export const KEYS = ['a', 'b', 'c'];

/** The spec of the sequences' dataset `members` (key id, payload p) with a dedup window. */
export const currentSequenceSpec = (dedupWindow?: number): string =>
  currentSpecText({ key: ['id'], payloadColumns: ['p'], ...(dedupWindow !== undefined ? { options: { dedupWindow } } : {}), events: [{ key: { id: 'a' }, payload: { p: 'x' } }] });

export interface CurrentEvent {
  key: string;
  op: 'put' | 'delete';
  payload: string;
}

export const currentSequence: fc.Arbitrary<CurrentEvent[]> = fc
  .tuple(
    fc.array(fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom<'put' | 'delete'>('put', 'put', 'put', 'delete'), payload: fc.constantFrom('p1', 'p2', 'p3') }), { maxLength: 30 }),
    fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }),
  )
  .map(([events, picks]) => {
    // Redeliveries: a copy of event i at a later position.
    for (const [i, j] of picks) {
      if (events.length === 0) break;
      const from = i % events.length;
      events.splice(from + 1 + (j % (events.length - from)), 0, { ...events[from]! });
    }
    return events;
  });

/** An event as published to the stream. */
export const publishedCurrent = (e: CurrentEvent): Record<string, unknown> => (e.op === 'delete' ? { op: 'delete', id: e.key } : { id: e.key, p: e.payload });
