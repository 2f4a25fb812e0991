// Property tests of the bi-temporal core over random event sequences: corrections, deletes,
// open and closed valid intervals, same-system-time and backwards system times, bad events and
// redeliveries. Runs are seeded for reproducibility: FC_SEED=<n> picks another seed,
// FC_RUNS=<n> another number of runs (e.g. a long soak before a release).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BadEventReason,
  BitemporalKeyState,
  BitemporalTable,
  OPEN,
  type ApplyResult,
  type BitemporalEvent,
  type LatePolicy,
  type TableSnapshot,
} from '../../../runtime/bitemporal/index.ts';
import { ReferenceModel, type ModelEvent } from './reference-model.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_501;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 150;
const params = { seed: SEED, numRuns: RUNS };
/** A safety net, not a speed check: generous for loaded CI machines and long soaks (FC_RUNS). */
const TIMEOUT = Math.max(60_000, RUNS * 100);

/** Valid instants 0..GRID-1; finite valid times stay below GRID (see ReferenceModel). */
const GRID = 20;
const KEYS = ['a', 'b', 'c'];

// ---- generators -----------------------------------------------------------------------------

interface Draft {
  key: string;
  op: 'put' | 'delete';
  validFrom: number;
  /** null = open; <= 0 makes a bad event. */
  length: number | null;
  /** Added to the running clock: 0 = same system time, negative = going backwards. */
  step: number;
  payload: string;
}

const draft: fc.Arbitrary<Draft> = fc.record({
  key: fc.constantFrom(...KEYS),
  op: fc.constantFrom<'put' | 'delete'>('put', 'put', 'put', 'delete'),
  validFrom: fc.integer({ min: 0, max: 12 }),
  length: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) },
  ),
  step: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, {
    weight: 2,
    arbitrary: fc.integer({ min: -4, max: -1 }),
  }),
  // Few payloads, so puts often repeat what is already current.
  payload: fc.constantFrom('p1', 'p2', 'p3'),
});

function realize(drafts: Draft[]): ModelEvent[] {
  let clock = 10;
  return drafts.map((d) => {
    clock = Math.max(1, clock + d.step);
    return {
      key: d.key,
      op: d.op,
      validFrom: d.validFrom,
      validTo: d.length === null ? null : d.validFrom + d.length,
      systemTime: clock,
      payload: d.payload,
    };
  });
}

/** Event sequences, some events of which are delivered again later (at-least-once). */
const sequence: fc.Arbitrary<ModelEvent[]> = fc
  .tuple(fc.array(draft, { maxLength: 40, size: 'medium' }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }))
  .map(([drafts, redeliveries]) => withRedeliveries(realize(drafts), redeliveries));

/** Inserts a copy of event `i` at a later position, for each (i, j) pair. */
function withRedeliveries(events: ModelEvent[], picks: [number, number][]): ModelEvent[] {
  const out = [...events];
  for (const [i, j] of picks) {
    if (out.length === 0) break;
    const from = i % out.length;
    const at = from + 1 + (j % (out.length - from));
    out.splice(at, 0, { ...out[from]! });
  }
  return out;
}

function toCore(e: ModelEvent): BitemporalEvent<string> {
  const times = { validFrom: e.validFrom, validTo: e.validTo ?? OPEN, systemTime: e.systemTime };
  return e.op === 'put' ? { op: 'put', ...times, payload: e.payload, payloadKey: e.payload } : { op: 'delete', ...times };
}

// ---- a checked run --------------------------------------------------------------------------

const id = (r: { validFrom: number; systemFrom: number }): string => `${r.validFrom}|${r.systemFrom}`;

/**
 * Feeds events to a table and checks, after every event, the contract of `ApplyResult` and that
 * history is append-only (a closed row is never written again).
 */
class CheckedRun {
  readonly systemTimes = new Set<number>([0]);
  /**
   * Each key's clock as rule 5 defines it, kept here from the results rather than read
   * from the core: the time the key's last applied event was applied at, changed rows or not.
   */
  readonly clocks = new Map<string, number>();
  private readonly closedIds = new Map<string, Set<string>>();

  constructor(readonly table: BitemporalTable<string>) {}

  apply(e: ModelEvent): ApplyResult<string> {
    const before = this.clocks.get(e.key) ?? -Infinity;
    const out = this.table.apply(e.key, toCore(e));
    if (!Number.isNaN(out.systemTime)) {
      this.systemTimes.add(out.systemTime);
      expect(out.systemTime, 'an applied event is never applied before the key\'s clock').toBeGreaterThanOrEqual(before);
      this.clocks.set(e.key, out.systemTime);
    }
    if (out.duplicate || out.rejected !== null) expect(Number.isNaN(out.systemTime)).toBe(true);
    // A late event states a time at or before what its key had forgotten, a duplicate never is late.
    if (out.late) expect(out.forgottenStated).toBeGreaterThanOrEqual(e.systemTime);
    else expect(Number.isNaN(out.forgottenStated)).toBe(true);
    if (out.duplicate) expect(out.late).toBe(false);
    expect(this.table.state(e.key)?.latestSystemTime() ?? -Infinity).toBe(this.clocks.get(e.key) ?? -Infinity);
    const closedIds = this.closedIds.get(e.key) ?? new Set<string>();
    this.closedIds.set(e.key, closedIds);
    const closed = out.closed.toArray();
    const added = out.added.toArray();
    const touched = [...out.removed.map(id), ...closed.map(id), ...added.map(id)];
    expect(new Set(touched).size, 'removed, closed and added share no identity').toBe(touched.length);
    for (const t of touched) expect(closedIds.has(t), `history row ${t} of ${e.key} rewritten`).toBe(false);
    for (const r of closed) {
      expect(r.systemTo).toBe(out.systemTime);
      closedIds.add(id(r));
    }
    for (const r of added) expect(r.systemTo).toBe(OPEN);
    for (const r of [...closed, ...added]) {
      expect(r.validFrom).toBeLessThan(r.validTo);
      expect(r.systemFrom).toBeLessThan(r.systemTo);
    }
    if (out.rejected !== null || out.duplicate) expect(out.changed).toBe(false);
    return out;
  }

  /** System instants worth probing: each system time applied, and the instants either side. */
  probes(): number[] {
    const s = new Set<number>();
    for (const t of this.systemTimes) s.add(t).add(t - 1).add(t + 1);
    return [...s].sort((a, b) => a - b);
  }
}

function asOfGrid(table: BitemporalTable<string>, key: string, probes: number[], below = Infinity): (string | null)[] {
  const out: (string | null)[] = [];
  for (const s of probes) {
    if (s >= below) continue;
    for (let v = 0; v <= GRID; v++) out.push(table.asOf(key, s, v)?.payloadKey ?? null);
  }
  return out;
}

// ---- properties -----------------------------------------------------------------------------

describe('bi-temporal core properties', () => {
  it('answers every as-of query like the reference model, with the same metrics', () => {
    fc.assert(
      fc.property(sequence, fc.constantFrom(0, 1, 3, 32), fc.constantFrom<LatePolicy>('apply', 'dead_letter'), (events, dedupWindow, late) => {
        const run = new CheckedRun(new BitemporalTable<string>({ dedupWindow, late }));
        const model = new ReferenceModel(GRID, dedupWindow, late);
        let lateEvents = 0;
        for (const e of events) {
          const before = model.currentView(e.key);
          const expected = model.apply(e);
          const out = run.apply(e);
          if (expected.kind !== 'duplicate' && expected.late) lateEvents++;
          expect(out.late).toBe(expected.kind !== 'duplicate' && expected.late);
          if (expected.kind === 'rejected') {
            expect(out.rejected).toBe(expected.late ? BadEventReason.late : BadEventReason.invertedValidInterval);
            continue;
          }
          expect(out.rejected).toBeNull();
          expect(out.duplicate).toBe(expected.kind === 'duplicate');
          if (expected.kind !== 'applied') continue;
          expect(out.systemTime).toBe(expected.systemTime);
          expect(out.adjustedSystemTime).toBe(expected.adjusted);
          // Rule 2: the table changes exactly when the picture does, and a put versions only
          // the valid instants whose payload it changes.
          expect(out.changed).toBe(expected.changed);
          for (const r of out.added) {
            if (e.op !== 'put' || r.systemFrom !== out.systemTime || r.payloadKey !== e.payload) continue;
            for (let v = r.validFrom; v < Math.min(r.validTo, GRID); v++) expect(before[v]).not.toBe(e.payload);
          }
        }
        expect(run.table.metrics.lateEvents).toBe(lateEvents);
        const probes = run.probes();
        for (const key of KEYS) {
          const got: (string | null)[] = [];
          const want: (string | null)[] = [];
          for (const s of probes) {
            for (let v = 0; v <= GRID; v++) {
              got.push(run.table.asOf(key, s, v)?.payloadKey ?? null);
              want.push(model.asOf(key, s, v));
            }
          }
          expect(got).toEqual(want);
        }
      }),
      params,
    );
  }, TIMEOUT);

  it('keeps at most one row per key, valid instant and system instant, and current rows disjoint', () => {
    fc.assert(
      fc.property(sequence, (events) => {
        const run = new CheckedRun(new BitemporalTable<string>());
        for (const e of events) run.apply(e);
        const probes = run.probes();
        for (const key of KEYS) {
          const rows = run.table.rowsOf(key);
          for (const s of probes) {
            for (let v = 0; v <= GRID; v++) {
              let covering = 0;
              for (const r of rows) if (r.systemFrom <= s && s < r.systemTo && r.validFrom <= v && v < r.validTo) covering++;
              if (covering > 1) expect.fail(`${covering} rows of ${key} cover system ${s}, valid ${v}`);
            }
          }
          // The sink's current rows are exactly the core's current rows, in valid-time order.
          const current = run.table.state(key)?.currentRows() ?? [];
          const stored = rows.filter((r) => r.systemTo === OPEN).map(({ key: _k, ...r }) => r);
          expect(stored).toEqual(current);
          for (let i = 1; i < current.length; i++) expect(current[i - 1]!.validTo).toBeLessThanOrEqual(current[i]!.validFrom);
        }
      }),
      params,
    );
  }, TIMEOUT);

  it('never changes what was known as of any system instant before the key\'s clock', () => {
    fc.assert(
      fc.property(sequence, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.constantFrom(1, 3, 32), (events, cutPicks, dedupWindow) => {
        const cuts = new Set(cutPicks.map((c) => c % (events.length + 1)));
        const run = new CheckedRun(new BitemporalTable<string>({ dedupWindow }));
        const earlier: { key: string; below: number; probes: number[]; answers: (string | null)[] }[] = [];
        const capture = (): void => {
          for (const key of KEYS) {
            // Rule 5: no later event is applied before the key's clock, whether or not the
            // events that moved it changed a row (C12, C13). Rows opened at the clock itself may
            // still be cut by another event at that time (rule 3); every instant before it is
            // settled, so every one of them is probed.
            const below = run.clocks.get(key) ?? -Infinity;
            const probes: number[] = [];
            for (let s = 0; s < below; s++) probes.push(s);
            earlier.push({ key, below, probes, answers: asOfGrid(run.table, key, probes, below) });
          }
        };
        events.forEach((e, i) => {
          if (cuts.has(i)) capture();
          run.apply(e);
        });
        if (cuts.has(events.length)) capture();
        for (const { key, below, probes, answers } of earlier) {
          expect(asOfGrid(run.table, key, probes, below)).toEqual(answers);
        }
      }),
      params,
    );
  }, TIMEOUT);

  it('gives the same table when every event is delivered twice', () => {
    fc.assert(
      fc.property(sequence, fc.boolean(), (events, immediately) => {
        const once = new BitemporalTable<string>();
        for (const e of events) once.apply(e.key, toCore(e));
        // A window as long as the sequence: a copy may arrive after all other events.
        const twice = new BitemporalTable<string>(immediately ? {} : { dedupWindow: 2 * events.length + 1 });
        const order = immediately ? events.flatMap((e) => [e, e]) : [...events, ...events];
        for (const e of order) twice.apply(e.key, toCore(e));
        expect(twice.rows()).toEqual(once.rows());
        expect(twice.metrics.adjustedSystemTimes).toBe(once.metrics.adjustedSystemTimes);
      }),
      params,
    );
  }, TIMEOUT);

  it('gives the same state and table when checkpointed through JSON midway', () => {
    fc.assert(
      fc.property(sequence, fc.nat(), fc.constantFrom(0, 1, 3, 32), fc.constantFrom<LatePolicy>('apply', 'dead_letter'), (events, cutPick, dedupWindow, late) => {
        const cut = cutPick % (events.length + 1);
        const options = { dedupWindow, late };
        const straight = new BitemporalTable<string>(options);
        for (const e of events) straight.apply(e.key, toCore(e));

        const first = new BitemporalTable<string>(options);
        for (const e of events.slice(0, cut)) first.apply(e.key, toCore(e));
        const snapshot = JSON.parse(JSON.stringify(first.toSnapshot())) as TableSnapshot<string>;
        const resumed = BitemporalTable.fromSnapshot(snapshot, options);
        for (const e of events.slice(cut)) resumed.apply(e.key, toCore(e));

        expect(resumed.toSnapshot()).toEqual(straight.toSnapshot());
      }),
      params,
    );
  }, TIMEOUT);

  // ---- late events ----------------------------------------------------------------------

  it('takes a redelivery for late once the key has applied dedupWindow newer events', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<LatePolicy>('apply', 'dead_letter'),
        fc.array(fc.tuple(fc.constantFrom('b', 'c'), fc.integer({ min: 0, max: 12 })), { maxLength: 10 }),
        (dedupWindow, extra, late, noise) => {
          const table = new BitemporalTable<string>({ dedupWindow, late });
          const original: ModelEvent = { key: 'a', op: 'put', validFrom: 0, validTo: null, systemTime: 10, payload: 'p1' };
          const events: ModelEvent[] = [original];
          // dedupWindow + extra newer, distinct events of the key (later stated times), with
          // other keys' events in between: they push the original out of the key's window.
          for (let i = 0; i < dedupWindow + extra; i++) {
            const [key, validFrom] = noise[i % Math.max(1, noise.length)] ?? ['b', 0];
            if (noise.length > 0) events.push({ key, op: 'put', validFrom, validTo: null, systemTime: 5 + i, payload: 'p2' });
            events.push({ key: 'a', op: 'put', validFrom: 1 + i, validTo: null, systemTime: 11 + i, payload: i % 2 === 0 ? 'p2' : 'p3' });
          }
          for (const e of events) expect(table.apply(e.key, toCore(e)).duplicate).toBe(false);
          const forgotten = table.state('a')!.forgottenStated();
          expect(forgotten).not.toBeNull();
          expect(forgotten!).toBeGreaterThanOrEqual(original.systemTime);
          const clock = table.state('a')!.latestSystemTime()!;
          const rowsBefore = table.rows();
          const out = table.apply('a', toCore(original));
          expect(out.duplicate).toBe(false);
          expect(out.late).toBe(true);
          if (late === 'dead_letter') {
            expect(out.rejected).toBe(BadEventReason.late);
            expect(table.rows()).toEqual(rowsBefore);
            expect(table.state('a')!.latestSystemTime()).toBe(clock);
          } else {
            expect(out.rejected).toBeNull();
            expect(out.systemTime).toBe(clock + 1);
          }
          expect(table.metrics.lateEvents).toBe(1);
        },
      ),
      params,
    );
  }, TIMEOUT);

  it('never takes an event for late when it states a later time than every event of its key so far', () => {
    fc.assert(
      fc.property(sequence, fc.constantFrom(0, 1, 3, 32), fc.constantFrom<LatePolicy>('apply', 'dead_letter'), (events, dedupWindow, late) => {
        const table = new BitemporalTable<string>({ dedupWindow, late });
        const seen = new Map<string, number>();
        for (const e of events) {
          const out = table.apply(e.key, toCore(e));
          if (e.systemTime > (seen.get(e.key) ?? -Infinity)) expect(out.late, `${JSON.stringify(e)} is new`).toBe(false);
          seen.set(e.key, Math.max(seen.get(e.key) ?? -Infinity, e.systemTime));
        }
      }),
      params,
    );
  }, TIMEOUT);

  it('with late = dead_letter, gives the table the same events without the late ones give', () => {
    fc.assert(
      fc.property(sequence, fc.constantFrom(0, 1, 2, 3), (events, dedupWindow) => {
        const options = { dedupWindow, late: 'dead_letter' as const };
        const withLate = new BitemporalTable<string>(options);
        const kept: ModelEvent[] = [];
        for (const e of events) {
          const out = withLate.apply(e.key, toCore(e));
          if (out.late) expect(out.rejected).toBe(BadEventReason.late);
          else kept.push(e);
        }
        const without = new BitemporalTable<string>(options);
        for (const e of kept) without.apply(e.key, toCore(e));
        expect(without.rows()).toEqual(withLate.rows());
        expect(without.metrics.lateEvents).toBe(0);
        expect(withLate.metrics.rejected).toBe(without.metrics.rejected + withLate.metrics.lateEvents);
        expect(withLate.metrics.adjustedSystemTimes).toBe(without.metrics.adjustedSystemTimes);
        // A late event changes nothing, so each key's state is the same too.
        expect(withLate.keys()).toEqual(without.keys());
        for (const key of withLate.keys()) expect(withLate.state(key)!.toSnapshot()).toEqual(without.state(key)!.toSnapshot());
      }),
      params,
    );
  }, TIMEOUT);

  it('counts the events a smaller window drops on restore as forgotten', () => {
    const state = new BitemporalKeyState<string>({ dedupWindow: 4 });
    for (let i = 0; i < 4; i++) state.apply({ op: 'put', validFrom: i, validTo: OPEN, systemTime: 10 + i, payload: `p${i}`, payloadKey: `p${i}` });
    expect(state.forgottenStated()).toBeNull();
    const restored = BitemporalKeyState.fromSnapshot(JSON.parse(JSON.stringify(state.toSnapshot())), { dedupWindow: 1 });
    expect(restored.forgottenStated()).toBe(12);
    // The newest event is still remembered; one the restore dropped is late.
    expect(restored.apply({ op: 'put', validFrom: 3, validTo: OPEN, systemTime: 13, payload: 'p3', payloadKey: 'p3' }).duplicate).toBe(true);
    expect(restored.apply({ op: 'put', validFrom: 2, validTo: OPEN, systemTime: 12, payload: 'p2', payloadKey: 'p2' }).late).toBe(true);
  });
});
