/**
 * Late events as a user of the runtime sees them: the `lateEvents` metric, the log lines
 * (each late event with its key, times and position, at most ten per partition and checkpoint
 * interval, then a count, so a flood of them never floods the log), and under
 * `late = dead_letter` dead letters with the reason `late` and the raw event.
 */
import { describe, expect, it } from 'vitest';
import { LATE_EVENTS_LOGGED } from '../../runtime/partition.ts';
import { Processor } from '../../runtime/processor.ts';
import { specHeader, specOf } from './support.ts';

const specText = (late: 'apply' | 'dead_letter'): string => `${specHeader}dataset history in curated {
  from stream events
  columns {
    id          string
    p           long?
    valid_from  timestamp
    valid_to    timestamp?
    system_time timestamp
  }
  key (id)
  dedup_window = 1
  bitemporal {
    valid  = valid_from .. valid_to
    system = system_time
    late   = ${late}
  }
}
`;

const day = (n: number): string => `2024-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;
const put = (p: number, system: number): Record<string, unknown> => ({ id: 'k', p, valid_from: day(1), valid_to: null, system_time: day(system) });

/** Two events at days 20 and 21, then `n` events each stating day 1..n: all behind what key k forgot. */
function events(n: number): Record<string, unknown>[] {
  return [put(0, 20), put(1, 21), ...Array.from({ length: n }, (_, i) => put(100 + i, 1 + (i % 19)))];
}

describe('late events', () => {
  it('are counted and logged one by one, with the key, the times and the position', async () => {
    const result = await new Processor(specOf(specText('apply'), 'history')).replay(events(3));
    expect(result.metrics.lateEvents).toBe(3);
    expect(result.metrics.adjustedSystemTimes).toBe(3);
    expect(result.deadLetters).toEqual([]);
    expect(result.notices).toEqual([
      `late event for key "k" of 'history' (event 3): it states system time ${day(1)}, at or before ${day(20)}, the latest stated time of the events this key no longer remembers (dedup_window = 1), so it may be a redelivery that cannot be recognized; applied at 2024-01-21T00:00:00.001Z (late = apply)`,
      expect.stringMatching(/^late event for key "k" of 'history' \(event 4\): it states system time 2024-01-02T00:00:00.000Z, at or before 2024-01-21T00:00:00.000Z, .*; applied at 2024-01-21T00:00:00.002Z \(late = apply\)$/),
      expect.stringMatching(/^late event for key "k" of 'history' \(event 5\): .*; applied at 2024-01-21T00:00:00.003Z \(late = apply\)$/),
    ]);
  });

  it(`log at most ${LATE_EVENTS_LOGGED} per partition and checkpoint interval, then how many more`, async () => {
    const result = await new Processor(specOf(specText('apply'), 'history')).replay(events(25));
    expect(result.metrics.lateEvents).toBe(25);
    expect(result.notices.filter((n) => n.startsWith('late event'))).toHaveLength(LATE_EVENTS_LOGGED);
    expect(result.notices.at(-1)).toBe(`${25 - LATE_EVENTS_LOGGED} more late events of 'history' in this checkpoint interval (partition 0) were not logged one by one; the lateEvents metric counts every one`);
  });

  it('go to the dead letters with the reason late under late = dead_letter, and change nothing', async () => {
    const processor = new Processor(specOf(specText('dead_letter'), 'history'));
    const input = events(3);
    const result = await processor.replay(input);
    expect(result.metrics.lateEvents).toBe(3);
    expect(result.metrics.deadLetters).toBe(3);
    expect(result.metrics.adjustedSystemTimes).toBe(0);
    expect(result.deadLetters.map((d) => [d.reason, d.position, JSON.parse(d.event)])).toEqual([2, 3, 4].map((i) => ['late', { index: i }, input[i]]));
    expect(result.notices.every((n) => n.endsWith("rejected to the dead letters with the reason 'late' (late = dead_letter)"))).toBe(true);
    // The table is the one the first two events give.
    expect(result.rows).toEqual((await processor.replay(input.slice(0, 2))).rows);
    // Every event is accounted for once.
    const m = result.metrics;
    expect(m.changed + m.unchanged + m.duplicates + m.deadLetters).toBe(m.recordsIn);
  });
});
