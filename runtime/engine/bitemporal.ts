/**
 * The bi-temporal core on typed arrays: the rules of runtime/bitemporal (DESIGN.md section 2,
 * README.md there) for every key of a partition at once, with no object per key, row or event.
 * runtime/bitemporal/key-state.ts is the reference these rules are ported from, line by line;
 * the shared vectors and a property test hold the two together
 * (test/runtime/engine/cores.test.ts).
 *
 * Layout, per key id (store.ts `KeyDictionary`): the clock, the greatest stated time
 * remembered and the latest stated time forgotten (Float64Arrays); its current rows, sorted by
 * valid_from and disjoint, as a region of the rows slab (4 doubles per row: valid_from,
 * valid_to, system_from, payload slot); its remembered events as a ring in the ring slab (4
 * doubles per entry: valid_from, valid_to, stated time, payload slot or -1 for a delete). A
 * region that fills up moves to the end of its slab with twice the room; the slabs are
 * compacted when a third of them is left behind (room doubles as a region moves, so what
 * regions leave behind stays below what they hold).
 *
 * A payload slot (store.ts `PayloadStore`) holds the payload key's bytes and the id of the
 * event that carried it: the table stores a row's payload from that event.
 */
import { BadEventReason, OPEN } from '../bitemporal/types.ts';
import { DEFAULT_DEDUP_WINDOW } from '../bitemporal/key-state.ts';
import { KeyDictionary, PayloadStore } from './store.ts';

/** `apply` outcomes. */
export const CHANGED = 1;
export const UNCHANGED = 2;
export const DUPLICATE = 3;
export const REJECTED = 4;

const isMillis = (t: number): boolean => Number.isSafeInteger(t);

/** Rule 6 and the times' sanity (key-state.ts checkEvent); null when well formed. */
export function checkTimes(validFrom: number, validTo: number, stated: number): string | null {
  if (!isMillis(validFrom)) return BadEventReason.invalidValidFrom;
  if (validTo !== OPEN && !isMillis(validTo)) return BadEventReason.invalidValidTo;
  if (!isMillis(stated)) return BadEventReason.invalidSystemTime;
  if (validFrom >= validTo) return BadEventReason.invertedValidInterval;
  return null;
}

/** A growable Float64Array. */
export class Doubles {
  data: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Float64Array(initial);
  }
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Float64Array(Math.max(2 * this.data.length, this.length + n));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push2(a: number, b: number): void {
    this.reserve(2);
    const d = this.data;
    d[this.length++] = a;
    d[this.length++] = b;
  }
  push4(a: number, b: number, c: number, e: number): void {
    this.reserve(4);
    const d = this.data;
    d[this.length++] = a;
    d[this.length++] = b;
    d[this.length++] = c;
    d[this.length++] = e;
  }
  push5(a: number, b: number, c: number, e: number, f: number): void {
    this.reserve(5);
    const d = this.data;
    d[this.length++] = a;
    d[this.length++] = b;
    d[this.length++] = c;
    d[this.length++] = e;
    d[this.length++] = f;
  }
}

/** Records left behind below which a slab is not worth compacting. */
const MIN_GARBAGE = 64;

/** Regions of a slab of 4-double records, one per key. */
class Slab {
  data = new Float64Array(4 * 256);
  /** Records in use at the slab's end (regions are allocated there). */
  top = 0;
  /** Records of regions left behind by a move. */
  garbage = 0;
  start = new Int32Array(1024);
  cap = new Int32Array(1024);
  /** Times the slab was compacted. */
  compactions = 0;

  ensureKeys(n: number): void {
    if (n <= this.start.length) return;
    const size = Math.max(n, 2 * this.start.length);
    const s = new Int32Array(size);
    s.set(this.start);
    this.start = s;
    const c = new Int32Array(size);
    c.set(this.cap);
    this.cap = c;
  }

  /**
   * Gives key `k` (holding `used` records) room for `need` records (twice its room, at most
   * `most`); returns its start. The slab is compacted first when a third of it is left behind.
   */
  grow(k: number, used: number, need: number, keys: number, counts: Int32Array, most = Number.POSITIVE_INFINITY): number {
    const cap = Math.max(need, Math.min(most, Math.max(4, 2 * this.cap[k]!)));
    if (this.garbage >= MIN_GARBAGE && 3 * this.garbage > this.top) this.compact(keys, counts);
    if (4 * (this.top + cap) > this.data.length) {
      const next = new Float64Array(Math.max(2 * this.data.length, 4 * (this.top + cap)));
      next.set(this.data.subarray(0, 4 * this.top));
      this.data = next;
    }
    const from = this.start[k]!;
    const at = this.top;
    this.data.copyWithin(4 * at, 4 * from, 4 * (from + used));
    this.garbage += this.cap[k]!;
    this.start[k] = at;
    this.cap[k] = cap;
    this.top += cap;
    return at;
  }

  /** Moves every key's region to the front, in key order, with room for its records only. */
  private compact(keys: number, counts: Int32Array): void {
    const next = new Float64Array(this.data.length);
    let top = 0;
    for (let k = 0; k < keys; k++) {
      const n = counts[k]!;
      const cap = Math.max(n, Math.min(this.cap[k]!, 2 * n));
      const from = this.start[k]!;
      next.set(this.data.subarray(4 * from, 4 * (from + n)), 4 * top);
      this.start[k] = top;
      this.cap[k] = cap;
      top += cap;
    }
    this.data = next;
    this.top = top;
    this.garbage = 0;
    this.compactions++;
  }
}

// What replaces the overlapped rows, built by apply() and then copied into the key's region.
let nextRows = new Float64Array(4 * 64);

export interface BitemporalOptions {
  readonly dedupWindow?: number;
  readonly late?: 'apply' | 'dead_letter';
  /** Freed payload bytes worth compacting the payload arena for (store.ts `PayloadStore`; tests make it small). */
  readonly payloadCompactAt?: number;
}

export class BitemporalStates {
  readonly keys = new KeyDictionary();
  readonly payloads: PayloadStore;
  readonly window: number;
  private readonly deadLetterLate: boolean;
  clock = new Float64Array(1024);
  maxStated = new Float64Array(1024);
  forgotten = new Float64Array(1024);
  rowCount = new Int32Array(1024);
  ringUsed = new Int32Array(1024);
  ringNext = new Int32Array(1024);
  readonly rows = new Slab();
  readonly ring = new Slab();

  /** Closed rows of the interval (history): pid, valid_from, valid_to, system_from, system_to. */
  readonly history = new Doubles(1 << 16);

  // Results of the last apply.
  rejected: string | null = null;
  late = false;
  forgottenStated = Number.NaN;
  adjusted = false;
  /** The system time the event was applied at. */
  systemTime = Number.NaN;
  /** Rows written (closed + added), as the reference core's ApplyResult counts them. */
  rowWrites = 0;
  /** Whether the event's own payload is now held (its event must be stored). */
  usedPayload = false;

  constructor(options: BitemporalOptions = {}) {
    const window = options.dedupWindow ?? DEFAULT_DEDUP_WINDOW;
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`dedupWindow must be a non-negative integer, got ${window}`);
    this.window = window;
    this.deadLetterLate = (options.late ?? 'apply') === 'dead_letter';
    this.payloads = new PayloadStore(options.payloadCompactAt);
  }

  get keyCount(): number {
    return this.keys.count;
  }

  /** The id of a key, created (with no rows, no clock) when new. */
  key(b: Uint8Array, from: number, to: number, hash: number): number {
    const before = this.keys.count;
    const k = this.keys.intern(b, from, to, hash);
    if (k === before) this.created(k);
    return k;
  }

  private created(k: number): void {
    if (k === this.clock.length) {
      const size = 2 * k;
      const f = (a: Float64Array): Float64Array<ArrayBuffer> => {
        const n = new Float64Array(size);
        n.set(a);
        return n;
      };
      const i = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const n = new Int32Array(size);
        n.set(a);
        return n;
      };
      this.clock = f(this.clock);
      this.maxStated = f(this.maxStated);
      this.forgotten = f(this.forgotten);
      this.rowCount = i(this.rowCount);
      this.ringUsed = i(this.ringUsed);
      this.ringNext = i(this.ringNext);
    }
    this.rows.ensureKeys(k + 1);
    this.ring.ensureKeys(k + 1);
    this.clock[k] = Number.NEGATIVE_INFINITY;
    this.maxStated[k] = Number.NEGATIVE_INFINITY;
    this.forgotten[k] = Number.NEGATIVE_INFINITY;
    this.rowCount[k] = 0;
    this.ringUsed[k] = 0;
    this.ringNext[k] = 0;
    this.rows.start[k] = 0;
    this.rows.cap[k] = 0;
    this.ring.start[k] = 0;
    this.ring.cap[k] = 0;
  }

  /**
   * Applies one event to key `k` (times checked already by `checkTimes`). A put's payload key
   * is p[ps, pe) with hash `ph`, carried by event `pid`. Never throws on a bad event: it comes
   * back REJECTED with `rejected` set and the state unchanged.
   */
  apply(k: number, put: boolean, vf: number, vt: number, stated: number, p: Uint8Array, ps: number, pe: number, ph: number, pid: number): number {
    this.rejected = null;
    this.late = false;
    this.forgottenStated = Number.NaN;
    this.adjusted = false;
    this.systemTime = Number.NaN;
    this.rowWrites = 0;
    this.usedPayload = false;
    const payloads = this.payloads;

    // Rule 4. Every remembered event stated a time <= maxStated, so a later one is new.
    if (this.window > 0 && stated <= this.maxStated[k]! && this.remembers(k, put, vf, vt, stated, p, ps, pe, ph)) return DUPLICATE;
    // Late events: the window cannot tell whether an event stated at or before a forgotten one is a redelivery of it.
    if (stated <= this.forgotten[k]!) {
      this.late = true;
      this.forgottenStated = this.forgotten[k]!;
      if (this.deadLetterLate) {
        this.rejected = BadEventReason.late;
        return REJECTED;
      }
    }
    let ringAt = -1;
    if (this.window > 0) ringAt = this.remember(k, vf, vt, stated);
    else if (stated > this.forgotten[k]!) this.forgotten[k] = stated; // a window of 0 forgets every event at once

    // Rule 5: never apply an event before the key's clock; every applied event moves it.
    const latest = this.clock[k]!;
    let t = stated;
    if (stated < latest) {
      t = latest + 1;
      this.adjusted = true;
    }
    this.systemTime = t;
    this.clock[k] = t;

    const rows = this.rows;
    let data = rows.data;
    const base = rows.start[k]!;
    const count = this.rowCount[k]!;
    const first = this.firstEndingAfter(data, base, count, vf);
    let end = first;
    while (end < count && data[4 * (base + end)]! < vt) end++;

    let evSlot = -1;
    let matched = -1;
    let n = 0;
    let cursor = vf;
    let changed = false;
    let closed = 0;
    let added = 0;
    let removed = 0;
    let tailTo = 0;
    let tailSystemFrom = Number.NaN;
    let tailSlot = -1;
    if (4 * (end - first + 2) > nextRows.length) nextRows = new Float64Array(8 * (end - first + 2));
    const next = nextRows;
    const history = this.history;
    for (let i = first; i < end; i++) {
      const at = 4 * (base + i);
      const rFrom = data[at]!;
      const rTo = data[at + 1]!;
      const rSystemFrom = data[at + 2]!;
      const rSlot = data[at + 3]!;
      if (put && payloads.equals(rSlot, p, ps, pe, ph)) {
        // Unchanged fact: keep the row as it is, with its own system_from.
        matched = rSlot;
        const from = rFrom > vf ? rFrom : vf;
        if (cursor < from) {
          if (evSlot < 0) evSlot = payloads.add(p, ps, pe, ph, pid);
          n = stage(next, n, cursor, from, t, evSlot);
          added++;
          changed = true;
        }
        n = stage(next, n, rFrom, rTo, rSystemFrom, rSlot);
        cursor = rTo < vt ? rTo : vt;
        continue;
      }
      // Rule 1: cut the row. The part before V stays current and keeps the row's identity.
      changed = true;
      if (rFrom < vf) {
        n = stage(next, n, rFrom, vf, rSystemFrom, rSlot);
        added++;
      }
      const from = rFrom > vf ? rFrom : vf;
      if (rSystemFrom < t) {
        history.push5(payloads.pid(rSlot), from, rTo < vt ? rTo : vt, rSystemFrom, t);
        closed++;
      } else if (from === rFrom) {
        // Rule 3: opened at t and closed at t is no row at all.
        removed++;
      }
      if (rTo > vt) {
        tailTo = rTo;
        tailSystemFrom = rSystemFrom;
        tailSlot = rSlot;
      }
    }
    if (put && cursor < vt) {
      if (evSlot < 0) evSlot = payloads.add(p, ps, pe, ph, pid);
      n = stage(next, n, cursor, vt, t, evSlot);
      added++;
      changed = true;
    }
    if (tailSystemFrom === tailSystemFrom) {
      n = stage(next, n, vt, tailTo, tailSystemFrom, tailSlot);
      added++;
    }
    // The remembered event's payload: its own when it holds rows, else the equal row's.
    if (ringAt >= 0) {
      let slot = -1;
      if (put) {
        slot = evSlot >= 0 ? evSlot : matched;
        payloads.retain(slot);
      }
      this.ring.data[4 * ringAt + 3] = slot;
    }
    if (changed) {
      this.replaceRows(k, first, end, n);
      data = rows.data;
    }
    if (evSlot >= 0) {
      // The rows (and the ring) now hold their own references.
      payloads.release(evSlot);
      this.usedPayload = true;
    }
    this.rowWrites = closed + added;
    return closed + added + removed > 0 ? CHANGED : UNCHANGED;
  }

  /** Index of the first current row of a key whose valid_to is after `t`. */
  private firstEndingAfter(data: Float64Array, base: number, count: number, t: number): number {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data[4 * (base + mid) + 1]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows [from, to) of key k := the first n rows of `nextRows`; payload references follow. */
  private replaceRows(k: number, from: number, to: number, n: number): void {
    const rows = this.rows;
    const payloads = this.payloads;
    const count = this.rowCount[k]!;
    const next = nextRows;
    for (let j = 0; j < n; j++) payloads.retain(next[4 * j + 3]!);
    let base = rows.start[k]!;
    for (let i = from; i < to; i++) payloads.release(rows.data[4 * (base + i) + 3]!);
    const size = count - (to - from) + n;
    if (size > rows.cap[k]!) base = rows.grow(k, count, size, this.keys.count, this.rowCount);
    const data = rows.data;
    if (n !== to - from && to < count) data.copyWithin(4 * (base + from + n), 4 * (base + to), 4 * (base + count));
    data.set(next.subarray(0, 4 * n), 4 * (base + from));
    this.rowCount[k] = size;
  }

  private remembers(k: number, put: boolean, vf: number, vt: number, stated: number, p: Uint8Array, ps: number, pe: number, ph: number): boolean {
    const d = this.ring.data;
    const base = this.ring.start[k]!;
    const used = this.ringUsed[k]!;
    for (let j = 0; j < used; j++) {
      const at = 4 * (base + j);
      if (d[at + 2] === stated && d[at] === vf && d[at + 1] === vt) {
        const slot = d[at + 3]!;
        if (put ? slot >= 0 && this.payloads.equals(slot, p, ps, pe, ph) : slot < 0) return true;
      }
    }
    return false;
  }

  /** Remembers an event (its payload slot set by the caller); returns its ring record. */
  private remember(k: number, vf: number, vt: number, stated: number): number {
    const ring = this.ring;
    if (stated > this.maxStated[k]!) this.maxStated[k] = stated;
    const used = this.ringUsed[k]!;
    let slot: number;
    if (used < this.window) {
      if (used === ring.cap[k]!) {
        ring.grow(k, used, used + 1, this.keys.count, this.ringUsed, this.window);
      }
      slot = used;
      this.ringUsed[k] = used + 1;
    } else {
      slot = this.ringNext[k]!;
      this.ringNext[k] = slot + 1 === this.window ? 0 : slot + 1;
      // The overwritten event is forgotten; remember how late a forgotten one was.
      const at = 4 * (ring.start[k]! + slot);
      const evicted = ring.data[at + 2]!;
      if (evicted > this.forgotten[k]!) this.forgotten[k] = evicted;
      const old = ring.data[at + 3]!;
      if (old >= 0) this.payloads.release(old);
    }
    const at = ring.start[k]! + slot;
    const d = ring.data;
    d[4 * at] = vf;
    d[4 * at + 1] = vt;
    d[4 * at + 2] = stated;
    d[4 * at + 3] = -1;
    return at;
  }

  // ---- access for checkpoints, restores and tests -------------------------------------------

  /** Current row i of key k: valid_from, valid_to, system_from, payload slot. */
  rowValidFrom(k: number, i: number): number {
    return this.rows.data[4 * (this.rows.start[k]! + i)]!;
  }
  rowValidTo(k: number, i: number): number {
    return this.rows.data[4 * (this.rows.start[k]! + i) + 1]!;
  }
  rowSystemFrom(k: number, i: number): number {
    return this.rows.data[4 * (this.rows.start[k]! + i) + 2]!;
  }
  rowSlot(k: number, i: number): number {
    return this.rows.data[4 * (this.rows.start[k]! + i) + 3]!;
  }

  /** The remembered events of key k, oldest first: valid_from, valid_to, stated, payload slot (-1: a delete). */
  forEachRemembered(k: number, visit: (vf: number, vt: number, stated: number, slot: number) => void): void {
    const used = this.ringUsed[k]!;
    const base = this.ring.start[k]!;
    const d = this.ring.data;
    const oldest = used < this.window ? 0 : this.ringNext[k]!;
    for (let j = 0; j < used; j++) {
      const at = 4 * (base + ((oldest + j) % used));
      visit(d[at]!, d[at + 1]!, d[at + 2]!, d[at + 3]!);
    }
  }

  /**
   * Restore: sets key k's clock and forgotten time and remembers its events (oldest first; a
   * smaller window than the state was written with forgets the oldest, as the reference core's
   * fromSnapshot does). `slots[j]` is entry j's payload slot (a reference the ring takes over),
   * or -1 for a delete.
   */
  restoreKey(k: number, clock: number, forgotten: number, entries: Float64Array, slots: readonly number[]): void {
    const count = slots.length;
    const dropped = Math.max(0, count - this.window);
    // Room for the events it keeps, taken at once.
    const keep = count - dropped;
    if (keep > this.ring.cap[k]!) this.ring.grow(k, this.ringUsed[k]!, keep, this.keys.count, this.ringUsed, keep);
    let f = forgotten;
    for (let j = 0; j < count; j++) {
      const vf = entries[3 * j]!;
      const vt = entries[3 * j + 1]!;
      const stated = entries[3 * j + 2]!;
      if (j < dropped) {
        if (stated > f) f = stated;
        if (slots[j]! >= 0) this.payloads.release(slots[j]!);
        continue;
      }
      const at = this.remember(k, vf, vt, stated);
      this.ring.data[4 * at + 3] = slots[j]!;
    }
    this.clock[k] = clock;
    this.forgotten[k] = f;
  }

  /** Restore: room for n current rows of key k, taken at once (rather than grown row by row). */
  reserveRows(k: number, n: number): void {
    if (n > this.rows.cap[k]!) this.rows.grow(k, this.rowCount[k]!, n, this.keys.count, this.rowCount, n);
  }

  /** Restore: appends a current row to key k (rows in any order; `sortRows` orders them). */
  addRow(k: number, vf: number, vt: number, sf: number, slot: number): void {
    const rows = this.rows;
    const count = this.rowCount[k]!;
    let base = rows.start[k]!;
    if (count + 1 > rows.cap[k]!) base = rows.grow(k, count, count + 1, this.keys.count, this.rowCount);
    const at = 4 * (base + count);
    rows.data[at] = vf;
    rows.data[at + 1] = vt;
    rows.data[at + 2] = sf;
    rows.data[at + 3] = slot;
    this.rowCount[k] = count + 1;
  }

  /** Restore: sorts key k's rows by valid_from (insertion sort: a key has few rows, mostly in order). */
  sortRows(k: number): void {
    const d = this.rows.data;
    const base = this.rows.start[k]!;
    const n = this.rowCount[k]!;
    for (let i = 1; i < n; i++) {
      const at = 4 * (base + i);
      const vf = d[at]!;
      if (d[at - 4]! <= vf) continue;
      const vt = d[at + 1]!;
      const sf = d[at + 2]!;
      const slot = d[at + 3]!;
      let j = i - 1;
      while (j >= 0 && d[4 * (base + j)]! > vf) {
        d.copyWithin(4 * (base + j + 1), 4 * (base + j), 4 * (base + j + 1));
        j--;
      }
      const to = 4 * (base + j + 1);
      d[to] = vf;
      d[to + 1] = vt;
      d[to + 2] = sf;
      d[to + 3] = slot;
    }
  }

  /** Bytes of memory held by the state. */
  get memory(): number {
    return (
      this.keys.memory + this.payloads.memory + this.rows.data.byteLength + this.ring.data.byteLength + 4 * this.rows.start.byteLength +
      3 * this.clock.byteLength + 3 * this.rowCount.byteLength
    );
  }
}

/** Sets row n of `next`; returns n + 1. */
function stage(next: Float64Array, n: number, validFrom: number, validTo: number, systemFrom: number, slot: number): number {
  const at = 4 * n;
  next[at] = validFrom;
  next[at + 1] = validTo;
  next[at + 2] = systemFrom;
  next[at + 3] = slot;
  return n + 1;
}
