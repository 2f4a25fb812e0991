/**
 * The current-state core on typed arrays: runtime/current/state.ts's rules (one row per key,
 * upserted in arrival order; an event equal to one of the key's last `dedupWindow` applied
 * events is a duplicate) for every key of a partition at once. Per key id: the payload slot of
 * its row (-1: none) and a ring of the payload slots of its remembered events (-1: a delete).
 */
import { DEFAULT_DEDUP_WINDOW } from '../bitemporal/key-state.ts';
import { CHANGED, DUPLICATE, UNCHANGED } from './bitemporal.ts';
import { KeyDictionary, PayloadStore } from './store.ts';

export class CurrentStates {
  readonly keys = new KeyDictionary();
  readonly payloads = new PayloadStore();
  row = new Int32Array(1024);
  /** The ring: `window` slots per key, allocated when the key remembers its first event. */
  private ringAt = new Int32Array(1024);
  ringUsed = new Int32Array(1024);
  private ringNext = new Int32Array(1024);
  private ring = new Int32Array(4096);
  private ringTop = 0;
  /** Whether the event's own payload is now the row's (its event must be stored). */
  usedPayload = false;

  constructor(readonly window: number = DEFAULT_DEDUP_WINDOW) {
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`dedupWindow must be a non-negative integer, got ${window}`);
  }

  get keyCount(): number {
    return this.keys.count;
  }

  key(b: Uint8Array, from: number, to: number, hash: number): number {
    const before = this.keys.count;
    const k = this.keys.intern(b, from, to, hash);
    if (k === before) {
      if (k === this.row.length) {
        const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
          const n = new Int32Array(2 * k);
          n.set(a);
          return n;
        };
        this.row = grow(this.row);
        this.ringAt = grow(this.ringAt);
        this.ringUsed = grow(this.ringUsed);
        this.ringNext = grow(this.ringNext);
      }
      this.row[k] = -1;
      this.ringAt[k] = -1;
      this.ringUsed[k] = 0;
      this.ringNext[k] = 0;
    }
    return k;
  }

  /** Applies a put (payload key p[ps, pe), hash ph, carried by event pid) or a delete to key k. */
  apply(k: number, put: boolean, p: Uint8Array, ps: number, pe: number, ph: number, pid: number): number {
    this.usedPayload = false;
    const payloads = this.payloads;
    const window = this.window;
    let entry = -1;
    if (window > 0) {
      if (this.ringAt[k]! < 0) this.ringAt[k] = this.allocRing();
      const base = this.ringAt[k]!;
      const used = this.ringUsed[k]!;
      const ring = this.ring;
      for (let j = 0; j < used; j++) {
        const slot = ring[base + j]!;
        if (put ? slot >= 0 && payloads.equals(slot, p, ps, pe, ph) : slot < 0) return DUPLICATE;
      }
      if (used < window) {
        entry = base + used;
        this.ringUsed[k] = used + 1;
      } else {
        const next = this.ringNext[k]!;
        entry = base + next;
        this.ringNext[k] = next + 1 === window ? 0 : next + 1;
        if (ring[entry]! >= 0) payloads.release(ring[entry]!);
      }
      ring[entry] = -1;
    }
    const row = this.row[k]!;
    if (!put) {
      if (row < 0) return UNCHANGED;
      payloads.release(row);
      this.row[k] = -1;
      return CHANGED;
    }
    if (row >= 0 && payloads.equals(row, p, ps, pe, ph)) {
      if (entry >= 0) {
        payloads.retain(row);
        this.ring[entry] = row;
      }
      return UNCHANGED;
    }
    const slot = payloads.add(p, ps, pe, ph, pid);
    if (row >= 0) payloads.release(row);
    this.row[k] = slot;
    if (entry >= 0) {
      payloads.retain(slot);
      this.ring[entry] = slot;
    }
    this.usedPayload = true;
    return CHANGED;
  }

  private allocRing(): number {
    const at = this.ringTop;
    if (at + this.window > this.ring.length) {
      const next = new Int32Array(Math.max(2 * this.ring.length, at + this.window));
      next.set(this.ring);
      this.ring = next;
    }
    this.ringTop += this.window;
    return at;
  }

  /** The remembered events of key k, oldest first: payload slots, -1 for a delete. */
  forEachRemembered(k: number, visit: (slot: number) => void): void {
    const used = this.ringUsed[k]!;
    if (used === 0) return;
    const base = this.ringAt[k]!;
    const oldest = used < this.window ? 0 : this.ringNext[k]!;
    for (let j = 0; j < used; j++) visit(this.ring[base + ((oldest + j) % used)]!);
  }

  /** Restore: key k's row (a payload slot it takes over, or -1) and its remembered events, oldest first (the newest `window` kept). */
  restoreKey(k: number, row: number, remembered: readonly number[]): void {
    this.row[k] = row;
    const keep = Math.max(0, remembered.length - this.window);
    for (let j = 0; j < remembered.length; j++) {
      const slot = remembered[j]!;
      if (j < keep || this.window === 0) {
        if (slot >= 0) this.payloads.release(slot);
        continue;
      }
      if (this.ringAt[k]! < 0) this.ringAt[k] = this.allocRing();
      this.ring[this.ringAt[k]! + this.ringUsed[k]!] = slot;
      this.ringUsed[k]!++;
    }
    if (this.ringUsed[k] === this.window) this.ringNext[k] = 0;
  }

  get memory(): number {
    return this.keys.memory + this.payloads.memory + this.ring.byteLength + 4 * this.row.byteLength;
  }
}
