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
 * - `Pages` and `ByteStrings`: byte strings by dense id in pages that never move (the typed
 *   operator's row templates, and a restore's, whose pages the operator takes over uncopied).
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

export function grownInt32(a: Int32Array, size: number, fill = 0): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

export function grownFloat64(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
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
  /** The payloads' bytes, in pages: a doubling arena held up to twice the live bytes, and three times while it grew. */
  private pages = new Pages();
  /** Bytes in the pages, and those of freed payloads (reclaimed by `compact`). */
  private used = 0;
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
    if (this.garbage > this.compactAt && this.garbage > this.used - this.garbage) this.compact();
    this.hashes[slot] = hash;
    this.starts[slot] = this.pages.add(b, from, to);
    this.used += to - from;
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
    const pos = this.starts[slot]!;
    const a = this.pages.pageAt(pos);
    const s = this.pages.offset(pos);
    for (let i = 0; i < n; i++) if (a[s + i] !== b[from + i]) return false;
    return true;
  }

  /** Whether two payloads are equal. */
  same(x: number, y: number): boolean {
    if (x === y) return true;
    const pos = this.starts[y]!;
    const s = this.pages.offset(pos);
    return this.equals(x, this.pages.pageAt(pos), s, s + this.lengths[y]!, this.hashes[y]!);
  }

  /** The payload's bytes (a view: valid until the next add). */
  bytes(slot: number): Uint8Array {
    const pos = this.starts[slot]!;
    const s = this.pages.offset(pos);
    return this.pages.pageAt(pos).subarray(s, s + this.lengths[slot]!);
  }

  /** Moves the live payloads into new pages, dropping the bytes of freed ones. */
  private compact(): void {
    const next = new Pages();
    const old = this.pages;
    let used = 0;
    for (let slot = 0; slot < this.count; slot++) {
      if (this.refs[slot]! <= 0) continue;
      const pos = this.starts[slot]!;
      const s = old.offset(pos);
      this.starts[slot] = next.add(old.pageAt(pos), s, s + this.lengths[slot]!);
      used += this.lengths[slot]!;
    }
    this.pages = next;
    this.used = used;
    this.garbage = 0;
    this.compactions++;
  }

  /** Payloads held (referenced). */
  get live(): number {
    return this.count - this.freeCount;
  }

  /** Bytes of memory held. */
  get memory(): number {
    return this.hashes.byteLength * 4 + this.starts.byteLength * 2 + this.free.byteLength + this.pages.memory;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Bytes in pages (Buffers of 4 MB), appended and never moved: unlike a doubling arena it holds
 * no spare half of its size, and growing copies nothing. A piece never spans two pages (a
 * longer one gets a page of its own); its position is `page * size + offset`.
 */
export class Pages {
  readonly pages: Uint8Array[] = [];
  private at: number;

  constructor(readonly size = 1 << 22) {
    this.at = size;
  }

  /** Room for n bytes on one page; the position where they go (0 for none). */
  private reserve(n: number): number {
    if (n === 0) return 0;
    const size = this.size;
    if (n > size) {
      // A page of its own; the next piece starts a new page (pages never move: positions name them).
      this.pages.push(Buffer.allocUnsafeSlow(n));
      this.at = size;
      return (this.pages.length - 1) * size;
    }
    if (this.at + n > size) {
      this.pages.push(Buffer.allocUnsafeSlow(size));
      this.at = 0;
    }
    const pos = (this.pages.length - 1) * size + this.at;
    this.at += n;
    return pos;
  }

  /** Copies a[af, at) and then b[bf, bt) in, as one piece; its position. */
  add(a: Uint8Array, af: number, at: number, b: Uint8Array | null = null, bf = 0, bt = 0): number {
    const pos = this.reserve(at - af + bt - bf);
    const dst = this.pages[this.page(pos)] ?? EMPTY;
    const o = this.offset(pos);
    const n = copy(a, af, at, dst, o);
    if (b !== null) copy(b, bf, bt, dst, o + n);
    return pos;
  }

  /**
   * Takes over another's pages, which it must no longer write: their positions become
   * `base + position`, `base` returned. The next piece starts a page of its own.
   */
  adopt(other: Pages): number {
    if (other.size !== this.size) throw new Error('pages of another size');
    const base = this.pages.length * this.size;
    for (const p of other.pages) this.pages.push(p);
    other.pages.length = 0;
    other.at = other.size;
    this.at = this.size;
    return base;
  }

  /** Bytes held. */
  get memory(): number {
    let n = 0;
    for (const p of this.pages) n += p.byteLength;
    return n;
  }

  /** The page of a position. */
  page(pos: number): number {
    return Math.floor(pos / this.size);
  }

  /** The offset of a position in its page (no `%`: a double's remainder is a slow instruction). */
  offset(pos: number): number {
    return pos - Math.floor(pos / this.size) * this.size;
  }

  /** The page holding the piece at `pos`. */
  pageAt(pos: number): Uint8Array {
    return this.pages[this.page(pos)] ?? EMPTY;
  }

}

/** Copies src[from, to) to dst at `at`; the count. A loop below a few hundred bytes (`set` needs a subarray, an object per call). */
function copy(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): number {
  const n = to - from;
  if (n < 512) for (let i = 0; i < n; i++) dst[at + i] = src[from + i]!;
  else dst.set(src.subarray(from, to), at);
  return n;
}

/**
 * Byte strings by dense id, with ids reused once released, in `Pages`: the typed operator's row
 * templates (engine/operator.ts), off the JavaScript heap. The bytes of released ids are
 * reclaimed by `compact`, which moves the live ones to new pages (ids do not change).
 */
export class ByteStrings {
  private pages: Pages;
  private positions = new Float64Array(1024);
  private lengths = new Int32Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 0;
  private ids = 0;
  /** Bytes held by live ids, and by released ones (reclaimed by `compact`). */
  private live = 0;
  private garbage = 0;
  /** Times compacted. */
  compactions = 0;

  /** `compactAt`: released bytes that make compacting worth it (when they are also more than half the live ones). */
  constructor(private readonly compactAt = 1 << 24, private readonly pageSize = 1 << 22) {
    this.pages = new Pages(pageSize);
  }

  /** The id the next `add` returns. */
  nextId(): number {
    return this.freeCount > 0 ? this.free[this.freeCount - 1]! : this.ids;
  }

  /** A new id holding a[af, at) followed by b[bf, bt). */
  add(a: Uint8Array, af: number, at: number, b: Uint8Array | null = null, bf = 0, bt = 0): number {
    return this.adopted(this.pages.add(a, af, at, b, bf, bt), at - af + (b === null ? 0 : bt - bf));
  }

  /** Takes over a restore's pages (`Pages.adopt`): its pieces become ids with `adopted` without a copy. */
  adopt(pages: Pages): number {
    return this.pages.adopt(pages);
  }

  /** A new id holding the n bytes at `pos` (`base + position` for adopted pages). */
  adopted(pos: number, n: number): number {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount]!;
    else {
      id = this.ids++;
      if (id === this.lengths.length) {
        this.positions = grownFloat64(this.positions, 2 * id);
        this.lengths = grownInt32(this.lengths, 2 * id);
      }
    }
    this.positions[id] = pos;
    this.lengths[id] = n;
    this.live += n;
    return id;
  }

  /** Frees an id (its bytes go at the next `compact` that pays). */
  release(id: number): void {
    const n = this.lengths[id]!;
    this.live -= n;
    this.garbage += n;
    this.lengths[id] = -1;
    if (this.freeCount === this.free.length) this.free = grownInt32(this.free, 2 * this.free.length);
    this.free[this.freeCount++] = id;
  }

  /** The page holding id's bytes (with `offset` and `length`). */
  page(id: number): Uint8Array {
    return this.pages.pageAt(this.positions[id]!);
  }

  offset(id: number): number {
    return this.pages.offset(this.positions[id]!);
  }

  length(id: number): number {
    return this.lengths[id]!;
  }

  /** Whether ids x and y hold the same bytes. */
  equals(x: number, y: number): boolean {
    if (x === y) return true;
    const n = this.lengths[x]!;
    if (this.lengths[y] !== n) return false;
    const a = this.page(x);
    const b = this.page(y);
    const ao = this.offset(x);
    const bo = this.offset(y);
    for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
    return true;
  }

  /**
   * Moves the live bytes to new pages when released ones are more than `compactAt` and more than
   * half the live: the pages hold at most 1.5 times the live bytes (2.5 while compacting), and
   * each compaction copies at most twice what was released since the one before.
   */
  compact(): void {
    if (this.garbage < this.compactAt || 2 * this.garbage < this.live) return;
    const next = new Pages(this.pageSize);
    for (let id = 0; id < this.ids; id++) {
      const n = this.lengths[id]!;
      if (n < 0) continue;
      const o = this.offset(id);
      this.positions[id] = next.add(this.page(id), o, o + n);
    }
    this.pages = next;
    this.garbage = 0;
    this.compactions++;
  }

  /** Ids held (not released). */
  get count(): number {
    return this.ids - this.freeCount;
  }

}
