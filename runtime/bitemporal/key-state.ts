import {
  ApplyResult,
  BadEventReason,
  OPEN,
  type AppliedEventSnapshot,
  type BitemporalEvent,
  type KeyStateSnapshot,
  type LatePolicy,
  type Version,
} from './types.ts';

/**
 * How many applied events each key remembers to recognize a redelivered one (rule 4).
 * Redeliveries come from producer retries and replays shortly after the original; 32 covers
 * that for about 1 KB per busy key. See README.md, "Idempotence memory".
 */
export const DEFAULT_DEDUP_WINDOW = 32;

export interface KeyStateOptions {
  /** Applied events remembered per key for rule 4; 0 turns duplicate detection off. */
  readonly dedupWindow?: number;
  /** What a late event does (README.md "Late events"); default `apply`. */
  readonly late?: LatePolicy;
}

/** nums[0]: the key's clock (rule 5); nums[1]: maxStated; nums[2]: forgottenStated. */
const HEAD = 3;

function isMillis(t: number): boolean {
  return Number.isSafeInteger(t);
}

/** Rule 6 and sanity of the times; null when the event is well formed. */
export function checkEvent<P>(event: BitemporalEvent<P>): BadEventReason | null {
  if (event.op !== 'put' && event.op !== 'delete') return BadEventReason.unknownOp;
  if (!isMillis(event.validFrom)) return BadEventReason.invalidValidFrom;
  if (event.validTo !== OPEN && !isMillis(event.validTo)) return BadEventReason.invalidValidTo;
  if (!isMillis(event.systemTime)) return BadEventReason.invalidSystemTime;
  if (event.validFrom >= event.validTo) return BadEventReason.invertedValidInterval;
  return null;
}

// What replaces the overlapped rows, built by apply() and then copied into the key's arrays.
// Module-level and reused: apply() is synchronous and not re-entrant.
const nextTimes: number[] = [];
const nextPayloads: unknown[] = [];
const nextKeys: string[] = [];

/** Sets row `n` of the next* buffers; returns n + 1. */
function stage<P>(n: number, validFrom: number, validTo: number, systemFrom: number, payload: P, payloadKey: string): number {
  nextTimes[3 * n] = validFrom;
  nextTimes[3 * n + 1] = validTo;
  nextTimes[3 * n + 2] = systemFrom;
  nextPayloads[n] = payload;
  nextKeys[n] = payloadKey;
  return n + 1;
}

/**
 * The bi-temporal state of one key: its current rows plus what rules 4 and 5 and late events
 * need.
 *
 * Closed rows are not kept: once its system_to is set a row never changes again (history is
 * append-only), so it goes to the sink in `ApplyResult.closed` and is forgotten. The state (a
 * Flink keyed state, a checkpoint) stays as small as the key's current picture.
 *
 * Everything lives in two flat arrays, because with many keys (a trade id is a key) the cost is
 * allocating and then garbage-collecting each key's objects, and every epoch-ms number in an
 * object field would be one more heap object while a number array keeps doubles unboxed:
 *
 *   nums = [clock, maxStated, forgottenStated, (validFrom, validTo, stated) per ring slot,
 *           (validFrom, validTo, systemFrom) per current row]
 *   refs = [payloadKey (null for a delete) per ring slot, (payload, payloadKey) per current row]
 *
 * Current rows are sorted by validFrom and pairwise disjoint. The remembered events (rule 4) are
 * a ring in front of the rows, grown by doubling up to `dedupWindow` slots. The clock is the
 * system time of the last applied event, whether or not it changed a row (rule 5), so a key
 * with no rows keeps one; forgottenStated is the latest stated time of an event the ring
 * overwrote (-Infinity while none).
 */
export class BitemporalKeyState<P> {
  private readonly nums: number[];
  private readonly refs: unknown[] = [];
  private rows = 0;
  /** Ring slots in front of the rows; grows 4, 8, 16... up to the window, so rows rarely move. */
  private ring = 0;
  /** Slots in use. */
  private ringUsed = 0;
  /** Next slot to overwrite once the ring is full. */
  private ringNext = 0;
  private readonly window: number;
  private readonly deadLetterLate: boolean;

  constructor(options: KeyStateOptions = {}) {
    const window = options.dedupWindow ?? DEFAULT_DEDUP_WINDOW;
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`dedupWindow must be a non-negative integer, got ${window}`);
    const late = options.late ?? 'apply';
    if (late !== 'apply' && late !== 'dead_letter') throw new RangeError(`late must be 'apply' or 'dead_letter', got ${String(late)}`);
    this.window = window;
    this.deadLetterLate = late === 'dead_letter';
    // clock: the system time of the last applied event (rule 5). maxStated: at least the
    // greatest stated time among remembered events, so a later one is new without a lookup.
    // forgottenStated: the latest stated time the ring has overwritten.
    this.nums = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  }

  get rowCount(): number {
    return this.rows;
  }

  /** The current rows, sorted by validFrom (allocates; for queries and tests, not per event). */
  currentRows(): Version<P>[] {
    const rows: Version<P>[] = [];
    for (let i = 0; i < this.rows; i++) rows.push(this.row(i));
    return rows;
  }

  /** The current row valid at `validTime`, if any. */
  currentAt(validTime: number): Version<P> | undefined {
    const i = this.firstEndingAfter(validTime, HEAD + 3 * this.ring);
    return i < this.rows && this.nums[HEAD + 3 * this.ring + 3 * i]! <= validTime ? this.row(i) : undefined;
  }

  /**
   * A copy of the current rows' times, `(validFrom, validTo, systemFrom)` per row in valid-time
   * order, and `rowPayloads` a copy of their payloads: what a sink compares with the rows later
   * to write only what changed.
   */
  rowTimes(): number[] {
    // slice copies a packed double array with one memcpy (a typed array costs more to allocate).
    const at = HEAD + 3 * this.ring;
    return this.nums.slice(at, at + 3 * this.rows);
  }

  rowPayloads(): P[] {
    const out = new Array<P>(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.refs[this.ring + 2 * i] as P;
    return out;
  }

  /** Current row `i`'s validFrom (rows in valid-time order; no allocation, for sinks). */
  validFromAt(i: number): number {
    return this.nums[HEAD + 3 * this.ring + 3 * i]!;
  }

  validToAt(i: number): number {
    return this.nums[HEAD + 3 * this.ring + 3 * i + 1]!;
  }

  systemFromAt(i: number): number {
    return this.nums[HEAD + 3 * this.ring + 3 * i + 2]!;
  }

  payloadAt(i: number): P {
    return this.refs[this.ring + 2 * i] as P;
  }

  /**
   * The key's clock (rule 5): the system time the last applied event was applied at, whether
   * or not it changed a row; null before the first. No later event is applied before it, so
   * what the key's rows answer as of any earlier system time never changes again.
   */
  latestSystemTime(): number | null {
    const latest = this.nums[0]!;
    return latest === Number.NEGATIVE_INFINITY ? null : latest;
  }

  /**
   * The latest stated system time among the events the dedup window has forgotten, or
   * null: an event stated at or before it that is not recognized as a duplicate is late.
   */
  forgottenStated(): number | null {
    const forgotten = this.nums[2]!;
    return forgotten === Number.NEGATIVE_INFINITY ? null : forgotten;
  }

  private row(i: number): Version<P> {
    const at = HEAD + 3 * this.ring + 3 * i;
    const ref = this.ring + 2 * i;
    return {
      validFrom: this.nums[at]!,
      validTo: this.nums[at + 1]!,
      systemFrom: this.nums[at + 2]!,
      systemTo: OPEN,
      payload: this.refs[ref] as P,
      payloadKey: this.refs[ref + 1] as string,
    };
  }

  /**
   * Applies one event (DESIGN.md section 2, rules 1-6, and late events). Pass `out` to
   * reuse one result object across calls in a hot loop; it is reset first. Never throws on a
   * bad event: it comes back with `rejected` set and the state unchanged.
   */
  apply(event: BitemporalEvent<P>, out: ApplyResult<P> = new ApplyResult<P>()): ApplyResult<P> {
    out.reset();
    const bad = checkEvent(event);
    if (bad !== null) {
      out.rejected = bad;
      return out;
    }
    const put = event.op === 'put';
    const vf = event.validFrom;
    const vt = event.validTo;
    const stated = event.systemTime;
    const payloadKey = put ? event.payloadKey : null;
    const nums = this.nums;

    // Rule 4. Every remembered event stated a time <= maxStated, so a later one is new.
    if (this.window > 0 && stated <= nums[1]! && this.remembers(vf, vt, stated, payloadKey)) {
      out.duplicate = true;
      return out;
    }
    // Late events: the window cannot tell whether an event stated at or before a forgotten one is a
    // redelivery of it.
    if (stated <= nums[2]!) {
      out.late = true;
      out.forgottenStated = nums[2]!;
      if (this.deadLetterLate) {
        out.rejected = BadEventReason.late;
        return out;
      }
    }
    if (this.window > 0) this.remember(vf, vt, stated, payloadKey);
    else if (stated > nums[2]!) nums[2] = stated; // a window of 0 forgets every event at once

    // Rule 5: never apply an event before the key's clock; every applied event moves the
    // clock to its time, whether or not it changes a row (C12, C13).
    const latest = nums[0]!;
    let t = stated;
    if (stated < latest) {
      t = latest + 1;
      out.adjustedSystemTime = true;
    }
    out.systemTime = t;
    nums[0] = t;

    const refs = this.refs;
    const base = HEAD + 3 * this.ring; // first row in nums
    const refBase = this.ring; // first row in refs
    const first = this.firstEndingAfter(vf, base);
    let end = first;
    while (end < this.rows && nums[base + 3 * end]! < vt) end++;

    // Walk the current rows overlapping V in valid-time order, building what replaces them.
    // `cursor` is where the part of V not yet accounted for starts: a put fills each stretch
    // between rows that already hold its payload with one new row (rule 2).
    let n = 0;
    let cursor = vf;
    let changed = false;
    let tailTo = 0;
    let tailSystemFrom = Number.NaN; // NaN: no tail
    let tailPayload: P | undefined;
    let tailKey = '';
    for (let i = first; i < end; i++) {
      const at = base + 3 * i;
      const rFrom = nums[at]!;
      const rTo = nums[at + 1]!;
      const rSystemFrom = nums[at + 2]!;
      const rPayload = refs[refBase + 2 * i] as P;
      const rKey = refs[refBase + 2 * i + 1] as string;
      if (rKey === payloadKey) {
        // Unchanged fact: keep the row as it is, with its own system_from.
        const from = rFrom > vf ? rFrom : vf;
        if (cursor < from) {
          // put is true here: a delete's payloadKey is null and never equals a row's.
          const payload = (event as { payload: P }).payload;
          n = stage(n, cursor, from, t, payload, rKey);
          out.added.append(cursor, from, t, OPEN, payload, rKey);
          changed = true;
        }
        n = stage(n, rFrom, rTo, rSystemFrom, rPayload, rKey);
        cursor = rTo < vt ? rTo : vt;
        continue;
      }
      // Rule 1: cut the row. The part before V stays current and keeps the row's identity.
      changed = true;
      if (rFrom < vf) {
        n = stage(n, rFrom, vf, rSystemFrom, rPayload, rKey);
        out.added.append(rFrom, vf, rSystemFrom, OPEN, rPayload, rKey);
      }
      const from = rFrom > vf ? rFrom : vf;
      if (rSystemFrom < t) {
        out.closed.append(from, rTo < vt ? rTo : vt, rSystemFrom, t, rPayload, rKey);
      } else if (from === rFrom) {
        // Rule 3: opened at t and closed at t is no row at all. Only the row's own identity
        // was ever written; a piece starting later inside it never existed for the sink.
        out.removed.push({ validFrom: rFrom, systemFrom: rSystemFrom });
      }
      if (rTo > vt) {
        tailTo = rTo;
        tailSystemFrom = rSystemFrom;
        tailPayload = rPayload;
        tailKey = rKey;
      }
    }
    if (put && cursor < vt) {
      n = stage(n, cursor, vt, t, event.payload, event.payloadKey);
      out.added.append(cursor, vt, t, OPEN, event.payload, event.payloadKey);
      changed = true;
    }
    if (tailSystemFrom === tailSystemFrom) {
      const payload = tailPayload as P;
      n = stage(n, vt, tailTo, tailSystemFrom, payload, tailKey);
      out.added.append(vt, tailTo, tailSystemFrom, OPEN, payload, tailKey);
    }
    if (out.removed.length > 0) dropReAdded(out);
    if (changed) this.replaceRows(first, end, n);
    return out;
  }

  /** Index of the first current row whose validTo is after `t` (rows are sorted and disjoint). */
  private firstEndingAfter(t: number, base: number): number {
    const nums = this.nums;
    let lo = 0;
    let hi = this.rows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (nums[base + 3 * mid + 1]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows [from, to) := the first n rows of the next* buffers, in place. */
  private replaceRows(from: number, to: number, n: number): void {
    const nums = this.nums;
    const refs = this.refs;
    const base = HEAD + 3 * this.ring;
    const refBase = this.ring;
    const count = this.rows;
    const delta = n - (to - from);
    if (delta > 0) {
      if (to === count) {
        // The usual update, at the end of the valid timeline: append.
        for (let k = 0; k < delta; k++) {
          nums.push(0, 0, 0);
          refs.push(null, null);
        }
      } else {
        openGap(nums, base + 3 * to, 3 * delta, 0);
        openGap(refs, refBase + 2 * to, 2 * delta, null);
      }
    } else if (delta < 0) {
      // splice moves what follows with one memmove; a loop of element moves is far slower.
      nums.splice(base + 3 * (to + delta), -3 * delta);
      refs.splice(refBase + 2 * (to + delta), -2 * delta);
    }
    for (let k = 0; k < n; k++) {
      const at = base + 3 * (from + k);
      const ref = refBase + 2 * (from + k);
      nums[at] = nextTimes[3 * k]!;
      nums[at + 1] = nextTimes[3 * k + 1]!;
      nums[at + 2] = nextTimes[3 * k + 2]!;
      refs[ref] = nextPayloads[k];
      refs[ref + 1] = nextKeys[k];
    }
    this.rows = count + delta;
  }

  private remembers(vf: number, vt: number, stated: number, payloadKey: string | null): boolean {
    const nums = this.nums;
    const refs = this.refs;
    for (let k = 0; k < this.ringUsed; k++) {
      const at = HEAD + 3 * k;
      if (nums[at + 2] === stated && nums[at] === vf && nums[at + 1] === vt && refs[k] === payloadKey) return true;
    }
    return false;
  }

  private remember(vf: number, vt: number, stated: number, payloadKey: string | null): void {
    const nums = this.nums;
    const refs = this.refs;
    if (stated > nums[1]!) nums[1] = stated;
    let slot: number;
    if (this.ringUsed < this.window) {
      if (this.ringUsed === this.ring) this.growRing(Math.min(this.window, Math.max(4, 2 * this.ring)));
      slot = this.ringUsed++;
    } else {
      slot = this.ringNext;
      this.ringNext = slot + 1 === this.window ? 0 : slot + 1;
      // Late events: the overwritten event is forgotten; remember how late a forgotten one was.
      const evicted = nums[HEAD + 3 * slot + 2]!;
      if (evicted > nums[2]!) nums[2] = evicted;
    }
    nums[HEAD + 3 * slot] = vf;
    nums[HEAD + 3 * slot + 1] = vt;
    nums[HEAD + 3 * slot + 2] = stated;
    refs[slot] = payloadKey;
  }

  /** Makes room for `slots` ring entries in front of the rows, moving the rows up. */
  private growRing(slots: number): void {
    const more = slots - this.ring;
    openGap(this.nums, HEAD + 3 * this.ring, 3 * more, 0);
    openGap(this.refs, this.ring, more, null);
    this.ring = slots;
  }

  /** Index of the current row starting at `validFrom`, or -1 (rows are sorted and disjoint). */
  rowStartingAt(validFrom: number): number {
    const base = HEAD + 3 * this.ring;
    const i = this.firstEndingAfter(validFrom, base);
    return i < this.rows && this.nums[base + 3 * i] === validFrom ? i : -1;
  }

  /** Current row `i`'s payload key. */
  payloadKeyAt(i: number): string {
    return this.refs[this.ring + 2 * i + 1] as string;
  }

  /**
   * The remembered events (rule 4), oldest first, without allocating: `visit` gets each one's
   * times (validTo OPEN when open) and payload key (null for a delete).
   */
  forEachRemembered(visit: (validFrom: number, validTo: number, stated: number, payloadKey: string | null) => void): void {
    const nums = this.nums;
    for (let j = 0; j < this.ringUsed; j++) {
      const k = (this.ringNext + j) % this.ringUsed;
      visit(nums[HEAD + 3 * k]!, nums[HEAD + 3 * k + 1]!, nums[HEAD + 3 * k + 2]!, this.refs[k] as string | null);
    }
  }

  /**
   * Index of a current row whose payload key is `payloadKey` (the first from `from` on, else
   * the first before it), or -1: when the remembered events are asked for in
   * order, the row after the last one found is nearly always the next one (payload keys of one
   * key share long prefixes, so every miss costs a string comparison).
   */
  rowWithPayloadKey(payloadKey: string, from = 0): number {
    const refs = this.refs;
    const base = this.ring + 1;
    for (let i = from; i < this.rows; i++) if (refs[base + 2 * i] === payloadKey) return i;
    for (let i = 0; i < from && i < this.rows; i++) if (refs[base + 2 * i] === payloadKey) return i;
    return -1;
  }

  /** A JSON-able copy of the state (the payloads are shared, not copied). */
  toSnapshot(): KeyStateSnapshot<P> {
    const nums = this.nums;
    const recent: AppliedEventSnapshot[] = [];
    // Oldest first: once the ring is full the oldest entry is the next one to overwrite.
    for (let j = 0; j < this.ringUsed; j++) {
      const k = (this.ringNext + j) % this.ringUsed;
      const key = this.refs[k] as string | null;
      const validTo = nums[HEAD + 3 * k + 1]!;
      recent.push({
        op: key === null ? 'delete' : 'put',
        validFrom: nums[HEAD + 3 * k]!,
        validTo: validTo === OPEN ? null : validTo,
        systemTime: nums[HEAD + 3 * k + 2]!,
        payloadKey: key ?? '',
      });
    }
    const rows = this.currentRows().map((r) => ({
      validFrom: r.validFrom,
      validTo: r.validTo === OPEN ? null : r.validTo,
      systemFrom: r.systemFrom,
      payload: r.payload,
      payloadKey: r.payloadKey,
    }));
    return { latestSystemTime: this.latestSystemTime(), forgottenStated: this.forgottenStated(), rows, recent };
  }

  /**
   * Rebuilds a state from `toSnapshot()` output (possibly through JSON). With a smaller
   * `dedupWindow` than the snapshot was taken with, the oldest remembered events are dropped,
   * and so forgotten: the latest of their stated times counts as forgotten.
   */
  static fromSnapshot<P>(snapshot: KeyStateSnapshot<P>, options: KeyStateOptions = {}): BitemporalKeyState<P> {
    const state = new BitemporalKeyState<P>(options);
    const dropped = Math.max(0, snapshot.recent.length - state.window);
    let forgotten = snapshot.forgottenStated ?? Number.NEGATIVE_INFINITY;
    for (let i = 0; i < snapshot.recent.length; i++) {
      const e = snapshot.recent[i]!;
      if (i < dropped) forgotten = Math.max(forgotten, e.systemTime);
      else state.remember(e.validFrom, e.validTo ?? OPEN, e.systemTime, e.op === 'put' ? e.payloadKey : null);
    }
    for (const r of snapshot.rows) {
      state.nums.push(r.validFrom, r.validTo ?? OPEN, r.systemFrom);
      state.refs.push(r.payload, r.payloadKey);
    }
    state.rows = snapshot.rows.length;
    state.nums[0] = snapshot.latestSystemTime ?? Number.NEGATIVE_INFINITY;
    state.nums[2] = forgotten;
    return state;
  }
}

/**
 * Inserts `size` placeholder slots at `at` (zeros in a number array keep it unboxed; null in
 * a reference array). splice moves the rest with one memmove, unlike copyWithin on plain arrays.
 */
function openGap<T>(array: T[], at: number, size: number, fill: T): void {
  let left = size;
  while (left >= 3) {
    array.splice(at, 0, fill, fill, fill);
    left -= 3;
  }
  if (left === 2) array.splice(at, 0, fill, fill);
  else if (left === 1) array.splice(at, 0, fill);
}

/** A row removed by rule 3 and put back at the same (valid_from, system_from) is an update. */
function dropReAdded<P>(out: ApplyResult<P>): void {
  for (let k = out.removed.length - 1; k >= 0; k--) {
    const gone = out.removed[k]!;
    for (let i = 0; i < out.added.length; i++) {
      if (out.added.validFrom(i) === gone.validFrom && out.added.systemFrom(i) === gone.systemFrom) {
        out.removed.splice(k, 1);
        break;
      }
    }
  }
}
