/**
 * Off-heap storage of the engine's keyed state: typed arrays and byte arenas, so that the
 * garbage collector never walks millions of keys, rows or payloads (docs/runtime.md,
 * "Performance").
 *
 * - `KeyDictionary`: each distinct key (its canonical bytes: the UTF-8 of the row mapper's key
 *   string) gets a dense id, found by an open-addressing hash table over the bytes, compared
 *   exactly.
 * - `PayloadStore`: the payloads the state refers to (current rows, remembered events), each
 *   its payload key's bytes (the UTF-8 of csv.ts `RowTemplates.payloadKey`), a 32-bit hash, a
 *   reference count and the id of the event that carried it (the row's payload is stored from
 *   that event). Equality is the hash, then the bytes: never two payloads merged on a collision.
 */

/** A growable byte arena. */
class Arena {
  bytes: Uint8Array;
  used = 0;

  constructor(initial: number) {
    this.bytes = new Uint8Array(initial);
  }

  /** Copies b[from, to) in; its offset. */
  add(b: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.used + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(2 * this.bytes.length, this.used + n + 1024));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    const at = this.used;
    // A loop below a few hundred bytes: `set` needs a subarray, an object per call for the collector.
    if (n < 512) {
      const dst = this.bytes;
      for (let i = 0; i < n; i++) dst[at + i] = b[from + i]!;
    } else this.bytes.set(b.subarray(from, to), at);
    this.used += n;
    return at;
  }
}

/** FNV-1a over bytes, mixed at the end (a hash-table index needs its low bits spread). */
export function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0;
}

function grownInt32(a: Int32Array, size: number, fill = 0): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

function grownFloat64(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size);
  next.set(a);
  return next;
}

export class KeyDictionary {
  private table = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private hashes = new Int32Array(1024);
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private readonly arena = new Arena(1 << 16);
  count = 0;

  /** The id of the key b[from, to), or -1. */
  find(b: Uint8Array, from: number, to: number, hash: number): number {
    const table = this.table;
    const mask = this.mask;
    const n = to - from;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = table[slot]! - 1;
      if (id < 0) return -1;
      if (this.hashes[id] === hash && this.lengths[id] === n && this.same(id, b, from, n)) return id;
    }
  }

  /** The id of the key b[from, to), created when new. */
  intern(b: Uint8Array, from: number, to: number, hash: number): number {
    const found = this.find(b, from, to, hash);
    if (found >= 0) return found;
    const id = this.count++;
    if (id === this.hashes.length) {
      const size = 2 * id;
      this.hashes = grownInt32(this.hashes, size);
      this.starts = grownInt32(this.starts, size);
      this.lengths = grownInt32(this.lengths, size);
    }
    this.hashes[id] = hash;
    this.starts[id] = this.arena.add(b, from, to);
    this.lengths[id] = to - from;
    if (2 * this.count > this.table.length) this.rehash();
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const table = this.table;
    const mask = this.mask;
    let slot = this.hashes[id]! & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = id + 1;
  }

  private rehash(): void {
    const size = 2 * this.table.length;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.count; id++) this.place(id);
  }

  private same(id: number, b: Uint8Array, from: number, n: number): boolean {
    const a = this.arena.bytes;
    const s = this.starts[id]!;
    for (let i = 0; i < n; i++) if (a[s + i] !== b[from + i]) return false;
    return true;
  }

  /** The key's bytes (a view: valid until the next intern). */
  bytes(id: number): Uint8Array {
    const s = this.starts[id]!;
    return this.arena.bytes.subarray(s, s + this.lengths[id]!);
  }

  /** Bytes of memory held. */
  get memory(): number {
    return this.table.byteLength + 3 * this.hashes.byteLength + this.arena.bytes.byteLength;
  }
}

export class PayloadStore {
  private hashes = new Int32Array(1024);
  private starts = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  private refs = new Int32Array(1024);
  private pids = new Float64Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private count = 0;
  private arena = new Arena(1 << 16);
  /** Bytes of the arena that belong to freed payloads (reclaimed by `compact`). */
  private garbage = 0;
  /** Times the arena was compacted. */
  compactions = 0;

  /** `compactAt`: freed bytes that make the arena worth compacting (when they are also more than the live ones). */
  constructor(private readonly compactAt = 1 << 20) {}

  /** A new payload with one reference: b[from, to), carried by event `pid`. */
  add(b: Uint8Array, from: number, to: number, hash: number, pid: number): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount]!;
    else {
      slot = this.count++;
      if (slot === this.hashes.length) {
        const size = 2 * slot;
        this.hashes = grownInt32(this.hashes, size);
        this.starts = grownFloat64(this.starts, size);
        this.lengths = grownInt32(this.lengths, size);
        this.refs = grownInt32(this.refs, size);
        this.pids = grownFloat64(this.pids, size);
      }
    }
    if (this.garbage > this.compactAt && this.garbage > this.arena.used - this.garbage) this.compact();
    this.hashes[slot] = hash;
    this.starts[slot] = this.arena.add(b, from, to);
    this.lengths[slot] = to - from;
    this.refs[slot] = 1;
    this.pids[slot] = pid;
    return slot;
  }

  retain(slot: number): void {
    this.refs[slot]!++;
  }

  /** Told the event id of each payload freed (its last reference released). */
  onFree: ((pid: number) => void) | null = null;

  release(slot: number): void {
    if (--this.refs[slot]! === 0) {
      if (this.onFree !== null) this.onFree(this.pids[slot]!);
      this.garbage += this.lengths[slot]!;
      this.lengths[slot] = 0;
      if (this.freeCount === this.free.length) this.free = grownInt32(this.free, 2 * this.free.length);
      this.free[this.freeCount++] = slot;
    }
  }

  hash(slot: number): number {
    return this.hashes[slot]!;
  }

  pid(slot: number): number {
    return this.pids[slot]!;
  }

  /** Whether payload `slot` is b[from, to) (with hash `hash`). */
  equals(slot: number, b: Uint8Array, from: number, to: number, hash: number): boolean {
    if (this.hashes[slot] !== hash) return false;
    const n = to - from;
    if (this.lengths[slot] !== n) return false;
    const a = this.arena.bytes;
    const s = this.starts[slot]!;
    for (let i = 0; i < n; i++) if (a[s + i] !== b[from + i]) return false;
    return true;
  }

  /** Whether two payloads are equal. */
  same(x: number, y: number): boolean {
    if (x === y) return true;
    const s = this.starts[y]!;
    return this.equals(x, this.arena.bytes, s, s + this.lengths[y]!, this.hashes[y]!);
  }

  /** The payload's bytes (a view: valid until the next add). */
  bytes(slot: number): Uint8Array {
    const s = this.starts[slot]!;
    return this.arena.bytes.subarray(s, s + this.lengths[slot]!);
  }

  /** Moves the live payloads into a new arena, dropping the bytes of freed ones. */
  private compact(): void {
    const live = this.arena.used - this.garbage;
    const next = new Arena(Math.max(1 << 16, Math.ceil(live * 1.5)));
    const old = this.arena.bytes;
    for (let slot = 0; slot < this.count; slot++) {
      if (this.refs[slot]! <= 0) continue;
      const s = this.starts[slot]!;
      this.starts[slot] = next.add(old, s, s + this.lengths[slot]!);
    }
    this.arena = next;
    this.garbage = 0;
    this.compactions++;
  }

  /** Payloads held (referenced). */
  get live(): number {
    return this.count - this.freeCount;
  }

  /** Bytes of memory held. */
  get memory(): number {
    return this.hashes.byteLength * 4 + this.starts.byteLength * 2 + this.free.byteLength + this.arena.bytes.byteLength;
  }
}
