/**
 * The engine's typed-array cores (runtime/engine/bitemporal.ts, current.ts) against the
 * reference cores they are ported from (runtime/bitemporal/key-state.ts, runtime/current/state.ts):
 * the same outcome for every event (changed, unchanged, duplicate, rejected with the same reason,
 * late, raised, the time applied at, the rows written), and after every event the same current
 * rows, remembered events and closed rows, on random sequences over a few keys and over many
 * (which moves key regions in the slabs and compacts them, and reuses payload slots), with every
 * dedup window and late policy; on the sequences the runtime's own bi-temporal properties use
 * (test/runtime/bitemporal/sequences.ts); after a restore from the reference cores' snapshots
 * (rows in any order, the same or another window), going on equal; and the shared vectors of
 * test/vectors/bitemporal and test/vectors/current.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApplyResult, BitemporalKeyState, OPEN, type LatePolicy } from '../../../runtime/bitemporal/index.ts';
import { CurrentKeyState } from '../../../runtime/current/state.ts';
import { BitemporalStates, checkTimes, CHANGED, DUPLICATE, REJECTED, UNCHANGED } from '../../../runtime/engine/bitemporal.ts';
import { CurrentStates } from '../../../runtime/engine/current.ts';
import { ByteStrings, hashBytes, KeyDictionary, Pages, PayloadStore } from '../../../runtime/engine/store.ts';
import { loadVectors, millis, optionsOf, expectedOutcome, outcome as vectorOutcome, type Record_ } from '../bitemporal/vectors.ts';
import { loadCurrentVectors, keyString as currentKeyString } from '../current/vectors.ts';
import { payloadKeyOfRecord, BitemporalTable } from '../../../runtime/bitemporal/index.ts';
import { KEYS, sequence as runtimeSequence } from '../bitemporal/sequences.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_250_114;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 200;

interface Ev {
  key: number;
  put: boolean;
  validFrom: number;
  validTo: number;
  stated: number;
  payload: string;
}

const event = (keys: number): fc.Arbitrary<Omit<Ev, 'stated'> & { step: number }> =>
  fc.record({
    key: fc.integer({ min: 0, max: keys - 1 }),
    put: fc.constantFrom(true, true, true, false),
    validFrom: fc.integer({ min: 0, max: 12 }),
    // Open, a fixed end (sometimes before the start: rule 6), or one or two units long (many rows per key).
    validTo: fc.oneof({ weight: 3, arbitrary: fc.constant(OPEN) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 14 }) }, { weight: 3, arbitrary: fc.constantFrom(-1, -2) }),
    step: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: -4, max: -1 }) }),
    payload: fc.constantFrom('p1', 'p2', 'p3', '', 'a longer payload key, past the inline length of a few bytes'),
  });

/** Events with their stated times walking forward (sometimes back), and some delivered again later. */
function sequence(keys: number, maxLength: number, size: fc.SizeForArbitrary = 'small'): fc.Arbitrary<Ev[]> {
  return fc.tuple(fc.array(event(keys), { maxLength, size }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 })).map(([drafts, picks]) => {
    let clock = 10;
    const events: Ev[] = drafts.map((d) => {
      clock = Math.max(1, clock + d.step);
      return { key: d.key, put: d.put, validFrom: d.validFrom, validTo: d.validTo < 0 ? d.validFrom - d.validTo : d.validTo, stated: clock, payload: d.payload };
    });
    for (const [i, j] of picks) {
      if (events.length === 0) break;
      const from = i % events.length;
      events.splice(from + 1 + (j % (events.length - from)), 0, { ...events[from]! });
    }
    return events;
  });
}

const text = new TextDecoder();

interface Compactions {
  rows: number;
  ring: number;
  payloads: number;
}

/** Runs both cores over the events and compares them after every event (the key it touched; every key when there are few, and every 64 events). */
/**
 * A restore: each key's state written as the reference core's snapshot (through JSON), read back
 * by the reference (`fromSnapshot`) and into the typed core (`restoreKey`, `addRow` in shuffled
 * order, `sortRows`), both with the window `window`.
 */
function restoreBoth(reference: BitemporalKeyState<string>[], window: number, late: LatePolicy, shuffle: number, payloadOf: Map<number, string>): { typed: BitemporalStates; reference: BitemporalKeyState<string>[]; ids: number[] } {
  const options = { dedupWindow: window, late };
  const typed = new BitemporalStates({ ...options, payloadCompactAt: 256 });
  const ids: number[] = [];
  let pid = -1;
  const slotOf = (payload: string): number => {
    const b = Buffer.from(payload);
    payloadOf.set(pid, payload);
    return typed.payloads.add(b, 0, b.length, hashBytes(b, 0, b.length), pid--);
  };
  const restored = reference.map((r, key) => {
    const snapshot = JSON.parse(JSON.stringify(r.toSnapshot())) as ReturnType<typeof r.toSnapshot>;
    if (snapshot.latestSystemTime !== null) {
      const kb = Buffer.from(`key ${key}`);
      const k = typed.key(kb, 0, kb.length, hashBytes(kb, 0, kb.length));
      ids[key] = k;
      const entries = new Float64Array(3 * snapshot.recent.length);
      snapshot.recent.forEach((e, j) => entries.set([e.validFrom, e.validTo ?? OPEN, e.systemTime], 3 * j));
      typed.restoreKey(k, snapshot.latestSystemTime, snapshot.forgottenStated ?? Number.NEGATIVE_INFINITY, entries, snapshot.recent.map((e) => (e.op === 'put' ? slotOf(e.payloadKey) : -1)));
      const rows = snapshot.rows.map((row, i) => ({ row, order: (i * 7919 + shuffle) % 101 }));
      rows.sort((a, b) => a.order - b.order);
      for (const { row } of rows) typed.addRow(k, row.validFrom, row.validTo ?? OPEN, row.systemFrom, slotOf(row.payloadKey));
      typed.sortRows(k);
    }
    return BitemporalKeyState.fromSnapshot(snapshot, options);
  });
  return { typed, reference: restored, ids };
}

function compareBitemporal(events: Ev[], keyCount: number, window: number, late: LatePolicy, seen?: Compactions, restore?: { at: number; window: number; shuffle: number }): void {
  const options = { dedupWindow: window, late };
  // A small threshold makes the payload arena compact within a test's few thousand events.
  let typed = new BitemporalStates({ ...options, payloadCompactAt: 256 });
  let reference = Array.from({ length: keyCount }, () => new BitemporalKeyState<string>(options));
  const result = new ApplyResult<string>();
  const payloadOf = new Map<number, string>();
  let ids: number[] = [];
  const compareKey = (key: number): void => {
    const k = ids[key];
    const snapshot = reference[key]!.toSnapshot();
    if (k === undefined) {
      expect(snapshot.latestSystemTime).toBeNull();
      return;
    }
    const rows = [];
    for (let i = 0; i < typed.rowCount[k]!; i++) {
      rows.push({ validFrom: typed.rowValidFrom(k, i), validTo: typed.rowValidTo(k, i) === OPEN ? null : typed.rowValidTo(k, i), systemFrom: typed.rowSystemFrom(k, i), payload: text.decode(typed.payloads.bytes(typed.rowSlot(k, i))) });
    }
    expect(rows).toEqual(snapshot.rows.map((r) => ({ validFrom: r.validFrom, validTo: r.validTo, systemFrom: r.systemFrom, payload: r.payload })));
    const remembered: unknown[] = [];
    typed.forEachRemembered(k, (vf, vt, stated, slot) => remembered.push({ op: slot < 0 ? 'delete' : 'put', validFrom: vf, validTo: vt === OPEN ? null : vt, systemTime: stated, payloadKey: slot < 0 ? '' : text.decode(typed.payloads.bytes(slot)) }));
    expect(remembered).toEqual(snapshot.recent);
    expect(typed.clock[k] === Number.NEGATIVE_INFINITY ? null : typed.clock[k]).toBe(snapshot.latestSystemTime);
    expect(typed.forgotten[k] === Number.NEGATIVE_INFINITY ? null : typed.forgotten[k]).toBe(snapshot.forgottenStated);
  };
  events.forEach((e, eid) => {
    if (restore !== undefined && eid === restore.at) {
      ({ typed, reference, ids } = restoreBoth(reference, restore.window, late, restore.shuffle, payloadOf));
      for (let key = 0; key < keyCount; key++) compareKey(key);
    }
    const r = reference[e.key]!;
    const out = r.apply(e.put ? { op: 'put', validFrom: e.validFrom, validTo: e.validTo, systemTime: e.stated, payload: e.payload, payloadKey: e.payload } : { op: 'delete', validFrom: e.validFrom, validTo: e.validTo, systemTime: e.stated }, result);
    const bad = checkTimes(e.validFrom, e.validTo, e.stated);
    let code: number;
    const historyBefore = typed.history.length;
    if (bad !== null) {
      code = REJECTED;
      expect(out.rejected).toBe(bad);
    } else {
      const keyBytes = Buffer.from(`key ${e.key}`);
      const k = typed.key(keyBytes, 0, keyBytes.length, hashBytes(keyBytes, 0, keyBytes.length));
      ids[e.key] = k;
      const p = Buffer.from(e.payload);
      payloadOf.set(eid, e.payload);
      code = typed.apply(k, e.put, e.validFrom, e.validTo, e.stated, p, 0, p.length, hashBytes(p, 0, p.length), eid);
      expect({ rejected: typed.rejected, late: typed.late }).toEqual({ rejected: out.rejected, late: out.late });
      // usedPayload: the event's own payload is now a current row's (its event must be stored).
      let holds = false;
      for (let i = 0; i < typed.rowCount[k]!; i++) if (typed.payloads.pid(typed.rowSlot(k, i)) === eid) holds = true;
      expect(typed.usedPayload).toBe(holds);
      if (out.late) expect(typed.forgottenStated).toBe(out.forgottenStated);
    }
    const expectedCode = out.rejected !== null ? REJECTED : out.duplicate ? DUPLICATE : out.changed ? CHANGED : UNCHANGED;
    expect(code).toBe(expectedCode);
    if (code === CHANGED || code === UNCHANGED) {
      expect({ adjusted: typed.adjusted, systemTime: typed.systemTime, rowWrites: typed.rowWrites }).toEqual({ adjusted: out.adjustedSystemTime, systemTime: out.systemTime, rowWrites: out.closed.length + out.added.length });
    }
    // The closed rows, as the sink receives them.
    const closed = [];
    for (let at = historyBefore; at < typed.history.length; at += 5) {
      const h = typed.history.data;
      closed.push({ validFrom: h[at + 1], validTo: h[at + 2], systemFrom: h[at + 3], systemTo: h[at + 4], payload: payloadOf.get(h[at]!) });
    }
    expect(closed).toEqual(out.closed.toArray().map((c) => ({ validFrom: c.validFrom, validTo: c.validTo, systemFrom: c.systemFrom, systemTo: c.systemTo, payload: c.payload })));
    // The key's state after every event; every key's now and then (a move or a compaction of the slabs touches them all).
    if (keyCount <= 8 || eid % 64 === 63) for (let key = 0; key < keyCount; key++) compareKey(key);
    else compareKey(e.key);
  });
  for (let key = 0; key < keyCount; key++) compareKey(key);
  // Every payload slot held is one a row or a remembered event refers to (none leaks).
  const referenced = new Set<number>();
  for (const k of ids) {
    if (k === undefined) continue;
    for (let i = 0; i < typed.rowCount[k]!; i++) referenced.add(typed.rowSlot(k, i));
    typed.forEachRemembered(k, (_a, _b, _c, slot) => {
      if (slot >= 0) referenced.add(slot);
    });
  }
  expect(typed.payloads.live).toBe(referenced.size);
  if (seen !== undefined) {
    seen.rows += typed.rows.compactions;
    seen.ring += typed.ring.compactions;
    seen.payloads += typed.payloads.compactions;
  }
}

describe('the typed bi-temporal core', () => {
  it('equals the reference core event by event, on a few keys, with every window and late policy', () => {
    fc.assert(
      fc.property(sequence(3, 60, 'medium'), fc.constantFrom(0, 1, 2, 3, 32), fc.constantFrom<LatePolicy>('apply', 'dead_letter'), (events, window, late) => compareBitemporal(events, 3, window, late)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('equals the reference core on many keys (regions move, slabs and payloads are compacted)', () => {
    const seen: Compactions = { rows: 0, ring: 0, payloads: 0 };
    fc.assert(
      fc.property(sequence(100, 3000, 'max'), fc.constantFrom(1, 4, 32), (events, window) => compareBitemporal(events, 100, window, 'apply', seen)),
      { seed: SEED, numRuns: Math.max(6, Math.round(RUNS / 20)) },
    );
    // The runs did exercise what this test is for.
    expect(seen.rows).toBeGreaterThan(0);
    expect(seen.ring).toBeGreaterThan(0);
    expect(seen.payloads).toBeGreaterThan(0);
  });

  it("equals the reference core on the runtime's own property sequences (test/runtime/bitemporal/sequences.ts)", () => {
    fc.assert(
      fc.property(runtimeSequence, fc.constantFrom(0, 1, 2, 32), fc.constantFrom<LatePolicy>('apply', 'dead_letter'), (events, window, late) =>
        compareBitemporal(
          events.map((e) => ({ key: KEYS.indexOf(e.key), put: e.op === 'put', validFrom: e.validFrom, validTo: e.validTo ?? OPEN, stated: e.systemTime, payload: e.payload })),
          KEYS.length,
          window,
          late,
        ),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('restores from the reference core\'s snapshots (any row order, the same or another window) and goes on equal', () => {
    fc.assert(
      fc.property(
        sequence(4, 80, 'medium'),
        fc.constantFrom(0, 1, 2, 32),
        fc.constantFrom(0, 1, 2, 32),
        fc.constantFrom<LatePolicy>('apply', 'dead_letter'),
        fc.nat(),
        fc.nat(),
        (events, window, restoredWindow, late, at, shuffle) =>
          compareBitemporal(events, 4, window, late, undefined, { at: events.length === 0 ? 0 : at % events.length, window: restoredWindow, shuffle }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('passes the shared vectors', () => {
    for (const { file, vector } of loadVectors()) {
      const typed = new BitemporalStates(optionsOf(vector));
      const reference = new BitemporalTable<Record_>(optionsOf(vector));
      vector.events.forEach((e) => {
        const key = JSON.stringify(vector.key.map((c) => e.key[c] ?? null));
        const vf = millis(e.valid_from);
        const vt = e.valid_to === null ? OPEN : millis(e.valid_to);
        const st = millis(e.system_time);
        const payloadKey = e.op === 'put' ? payloadKeyOfRecord(e.payload ?? {}, vector.payloadColumns) : '';
        reference.apply(key, e.op === 'put' ? { op: 'put', validFrom: vf, validTo: vt, systemTime: st, payload: e.payload ?? {}, payloadKey } : { op: 'delete', validFrom: vf, validTo: vt, systemTime: st });
        if (checkTimes(vf, vt, st) !== null) return;
        const kb = Buffer.from(key);
        const k = typed.key(kb, 0, kb.length, hashBytes(kb, 0, kb.length));
        const p = Buffer.from(payloadKey);
        typed.apply(k, e.op === 'put', vf, vt, st, p, 0, p.length, hashBytes(p, 0, p.length), 0);
      });
      // The reference table meets the vector (test/runtime/bitemporal/vectors.test.ts); the typed core keeps the same rows.
      expect(vectorOutcome(vector, reference), file).toEqual(expectedOutcome(vector));
      for (let k = 0; k < typed.keyCount; k++) {
        const key = new TextDecoder().decode(typed.keys.bytes(k));
        const rows = [];
        for (let i = 0; i < typed.rowCount[k]!; i++) rows.push([typed.rowValidFrom(k, i), typed.rowValidTo(k, i), typed.rowSystemFrom(k, i), new TextDecoder().decode(typed.payloads.bytes(typed.rowSlot(k, i)))]);
        expect(rows, `${file} ${key}`).toEqual(reference.state(key)!.currentRows().map((r) => [r.validFrom, r.validTo, r.systemFrom, r.payloadKey]));
      }
    }
  });
});

/** Runs both current-state cores over the events (restoring both from snapshots at `restore.at`) and compares every key after every event. */
function compareCurrent(events: Ev[], window: number, restore?: { at: number; window: number }): void {
  let typed = new CurrentStates(window);
  let reference = Array.from({ length: 5 }, () => new CurrentKeyState<string>(window));
  let ids: number[] = [];
  const decode = (slot: number): string | null => (slot < 0 ? null : text.decode(typed.payloads.bytes(slot)));
  events.forEach((e, eid) => {
    if (restore !== undefined && eid === restore.at) {
      const next = new CurrentStates(restore.window);
      const nextIds: number[] = [];
      const slotOf = (payload: string | null): number => {
        if (payload === null) return -1;
        const b = Buffer.from(payload);
        return next.payloads.add(b, 0, b.length, hashBytes(b, 0, b.length), -1);
      };
      reference = reference.map((r, key) => {
        const snapshot = JSON.parse(JSON.stringify(r.toSnapshot())) as ReturnType<typeof r.toSnapshot>;
        if (ids[key] !== undefined) {
          const kb = Buffer.from(`k${key}`);
          const k = next.key(kb, 0, kb.length, hashBytes(kb, 0, kb.length));
          nextIds[key] = k;
          next.restoreKey(k, slotOf(snapshot.row === null ? null : snapshot.rowKey), snapshot.recent.map(slotOf));
        }
        return CurrentKeyState.fromSnapshot(snapshot, restore.window);
      });
      typed = next;
      ids = nextIds;
    }
    const kb = Buffer.from(`k${e.key}`);
    const k = typed.key(kb, 0, kb.length, hashBytes(kb, 0, kb.length));
    ids[e.key] = k;
    const p = Buffer.from(e.payload);
    const code = typed.apply(k, e.put, p, 0, p.length, hashBytes(p, 0, p.length), eid);
    const want = reference[e.key]!.apply(e.put ? e.payload : null, e.put ? e.payload : null);
    expect(code).toBe(want === 'duplicate' ? DUPLICATE : want === 'changed' ? CHANGED : UNCHANGED);
    expect(typed.usedPayload).toBe(typed.row[k]! >= 0 && typed.payloads.pid(typed.row[k]!) === eid);
    for (let key = 0; key < 5; key++) {
      const id = ids[key];
      if (id === undefined) continue;
      const s = reference[key]!.toSnapshot();
      expect(decode(typed.row[id]!)).toBe(s.row);
      const recent: (string | null)[] = [];
      typed.forEachRemembered(id, (slot) => recent.push(decode(slot)));
      expect(recent).toEqual(s.recent);
    }
  });
  // Every payload slot held is a row's or a remembered event's (none leaks).
  const referenced = new Set<number>();
  for (const id of ids) {
    if (id === undefined) continue;
    if (typed.row[id]! >= 0) referenced.add(typed.row[id]!);
    typed.forEachRemembered(id, (slot) => {
      if (slot >= 0) referenced.add(slot);
    });
  }
  expect(typed.payloads.live).toBe(referenced.size);
}

describe('the typed current-state core', () => {
  it('equals the reference core event by event', () => {
    fc.assert(
      fc.property(sequence(5, 60), fc.constantFrom(0, 1, 2, 3, 32), (events, window) => compareCurrent(events, window)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("restores from the reference core's snapshots (the same or another window) and goes on equal", () => {
    fc.assert(
      fc.property(sequence(5, 60), fc.constantFrom(0, 1, 2, 3, 32), fc.constantFrom(0, 1, 2, 3, 32), fc.nat(), (events, window, restoredWindow, at) =>
        compareCurrent(events, window, { at: events.length === 0 ? 0 : at % events.length, window: restoredWindow }),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('passes the shared vectors', () => {
    for (const { file, vector } of loadCurrentVectors()) {
      const typed = new CurrentStates(vector.options?.dedupWindow);
      let duplicates = 0;
      let unchanged = 0;
      const rows = new Map<number, Record<string, unknown>>();
      const payloads = new Map<number, Record<string, unknown>>();
      vector.events.forEach((e, eid) => {
        const kb = Buffer.from(currentKeyString(vector, e.key));
        const k = typed.key(kb, 0, kb.length, hashBytes(kb, 0, kb.length));
        const p = Buffer.from(e.op === 'put' ? payloadKeyOfRecord(e.payload ?? {}, vector.payloadColumns) : '');
        payloads.set(eid, { ...e.key, ...e.payload });
        const code = typed.apply(k, e.op === 'put', p, 0, p.length, hashBytes(p, 0, p.length), eid);
        if (code === DUPLICATE) duplicates++;
        if (code === UNCHANGED) unchanged++;
        rows.set(k, typed.row[k]! < 0 ? (undefined as never) : payloads.get(typed.payloads.pid(typed.row[k]!))!);
      });
      const stored = [...rows.entries()]
        .filter(([, r]) => r !== undefined)
        .sort(([a], [b]) => {
          const x = new TextDecoder().decode(typed.keys.bytes(a));
          const y = new TextDecoder().decode(typed.keys.bytes(b));
          return x < y ? -1 : x > y ? 1 : 0;
        })
        .map(([, r]) => Object.fromEntries([...vector.key, ...vector.payloadColumns].map((c) => [c, r[c] ?? null])));
      expect({ rows: stored, duplicateEvents: duplicates, unchangedEvents: unchanged }, file).toEqual(vector.expected);
    }
  });
});

describe('the key dictionary and the payload store', () => {
  it('give one id per distinct key and never merge two keys or payloads with the same hash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // Few keys, all of one hash; many keys, past several growths of the table and of the arena.
          fc.tuple(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 300, size: 'max' }), fc.constant(true)),
          fc.tuple(fc.array(fc.string({ maxLength: 12 }), { minLength: 3000, maxLength: 12_000, size: 'max' }), fc.constant(false)),
        ),
        ([texts, collide]) => {
        // With `collide`, every key and payload has the same hash: only the bytes tell them apart.
        const hashOf = (b: Uint8Array): number => (collide ? 7 : hashBytes(b, 0, b.length));
        const keys = new KeyDictionary();
        const payloads = new PayloadStore(64);
        const idOf = new Map<string, number>();
        const slotOf = new Map<string, number>();
        texts.forEach((t, i) => {
          const b = Buffer.from(t);
          const id = keys.intern(b, 0, b.length, hashOf(b));
          expect(id).toBe(idOf.get(t) ?? idOf.size);
          idOf.set(t, id);
          const slot = slotOf.get(t);
          if (slot !== undefined) expect(payloads.equals(slot, b, 0, b.length, hashOf(b))).toBe(true);
          else {
            const added = payloads.add(b, 0, b.length, hashOf(b), i);
            expect(payloads.pid(added)).toBe(i);
            // Two payloads of three go at once, so slots are reused and the arena compacted.
            if (i % 3 === 0) slotOf.set(t, added);
            else payloads.release(added);
          }
          if (collide) for (const [u, s] of slotOf) if (u !== t) expect(payloads.equals(s, b, 0, b.length, hashOf(b))).toBe(false);
        });
        for (const [t, id] of idOf) {
          const b = Buffer.from(t);
          expect(keys.find(b, 0, b.length, hashOf(b))).toBe(id);
          expect(text.decode(keys.bytes(id))).toBe(t);
        }
        for (const [t, s] of slotOf) expect(text.decode(payloads.bytes(s))).toBe(t);
        expect(payloads.live).toBe(slotOf.size);
        expect(keys.find(Buffer.from('\u0000never'), 0, 7, 7)).toBe(-1);
        if (!collide) expect(payloads.compactions).toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: Math.max(5, Math.round(RUNS / 20)) },
    );
  });

  it('hold byte strings by id through releases, reuse and compaction, on small pages and on pieces longer than a page', () => {
    const piece = fc.oneof(
      { weight: 8, arbitrary: fc.uint8Array({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 60, maxLength: 200 }) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(
          { weight: 3, arbitrary: fc.record({ add: piece, split: fc.nat(40) }) },
          { weight: 2, arbitrary: fc.record({ release: fc.nat() }) },
          { weight: 1, arbitrary: fc.constant({ compact: true }) },
        ), { maxLength: 400 }),
        (ops) => {
          // Pages of 64 bytes, compacted once 100 bytes are released (and more than the live ones).
          const strings = new ByteStrings(100, 64);
          const model = new Map<number, Uint8Array>();
          const read = (id: number): Uint8Array => strings.page(id).subarray(strings.offset(id), strings.offset(id) + strings.length(id));
          for (const op of ops) {
            if ('add' in op) {
              const cut = Math.min(op.split, op.add.length);
              const next = strings.nextId();
              const id = op.split % 2 === 0
                ? strings.add(op.add, 0, op.add.length)
                : strings.add(op.add, 0, cut, op.add, cut, op.add.length);
              expect(id).toBe(next);
              expect(model.has(id)).toBe(false);
              model.set(id, op.add.slice());
            } else if ('release' in op) {
              if (model.size === 0) continue;
              const id = [...model.keys()][op.release % model.size]!;
              strings.release(id);
              model.delete(id);
            } else strings.compact();
            expect(strings.count).toBe(model.size);
          }
          const ids = [...model.keys()];
          for (const id of ids) expect(Buffer.from(read(id)).equals(Buffer.from(model.get(id)!))).toBe(true);
          for (const x of ids.slice(0, 20)) for (const y of ids.slice(0, 20)) {
            expect(strings.equals(x, y)).toBe(Buffer.from(model.get(x)!).equals(Buffer.from(model.get(y)!)));
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    const many = new ByteStrings(100, 64);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(`piece ${i}`);
      const id = many.add(b, 0, b.length);
      if (i % 4 !== 0) many.release(id);
      many.compact();
    }
    expect(many.compactions).toBeGreaterThan(0);
    expect(many.count).toBe(500);
  });

  it('keep pieces in pages that never move: a piece longer than a page gets one of its own', () => {
    const pages = new Pages(16);
    const pieces = [Buffer.from('0123456789'), Buffer.from('abcdefghij'), Buffer.from('x'.repeat(40)), Buffer.from('after'), Buffer.alloc(0)];
    const positions = pieces.map((p) => pages.add(p, 0, p.length));
    pieces.forEach((p, i) => {
      const o = pages.offset(positions[i]!);
      expect(Buffer.from(pages.pageAt(positions[i]!).subarray(o, o + p.length)).equals(p)).toBe(true);
    });
    // 10 + 10 bytes do not share a 16-byte page; the long piece has its own; "after" starts another.
    expect(positions.slice(0, 4).map((p) => pages.page(p))).toEqual([0, 1, 2, 3]);
  });

  it('hand their pages over to byte strings without a copy', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.oneof(fc.constant('x'), fc.constant('\u00e9'), fc.constant('\u{1F600}'), fc.constant('\ud800'), fc.constant('"')), maxLength: 12 }), { maxLength: 60 }), fc.nat(10), (texts, before) => {
        const restored = new Pages(16);
        const at = texts.map((t) => {
          const b = Buffer.from(t);
          return { pos: restored.add(b, 0, b.length), n: b.length };
        });
        texts.forEach((t, i) => {
          const o = restored.offset(at[i]!.pos);
          expect(Buffer.from(restored.pageAt(at[i]!.pos).subarray(o, o + at[i]!.n)).equals(Buffer.from(t))).toBe(true);
        });
        const strings = new ByteStrings(100, 16);
        const earlier = Buffer.from('e'.repeat(before));
        const first = strings.add(earlier, 0, earlier.length);
        const base = strings.adopt(restored);
        const ids = at.map(({ pos, n }) => strings.adopted(base + pos, n));
        const later = strings.add(Buffer.from('later'), 0, 5);
        const read = (id: number): Buffer => Buffer.from(strings.page(id).subarray(strings.offset(id), strings.offset(id) + strings.length(id)));
        texts.forEach((t, i) => expect(read(ids[i]!).equals(Buffer.from(t))).toBe(true));
        expect(read(first).equals(earlier)).toBe(true);
        expect(read(later).toString()).toBe('later');
        expect(restored.pages.length).toBe(0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
