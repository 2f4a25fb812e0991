import {
  ApplyResult,
  BadEventReason,
  OPEN,
  type AppliedEventSnapshot,
  type BitemporalEvent,
  type KeyStateSnapshot,
  type Version,
} from './types.ts';

/**
 * How many applied events each key remembers to recognize a redelivered one (rule 4).
 * Redeliveries come from producer retries and replays shortly after the original; 32 covers
 * that with a few hundred bytes per busy key. See README.md, "Idempotence memory".
 */
export const DEFAULT_DEDUP_WINDOW = 32;

export interface KeyStateOptions {
  /** Applied events remembered per key for rule 4; 0 turns duplicate detection off. */
  readonly dedupWindow?: number;
}

/** An applied event as rule 4 compares it: op, valid interval, stated system time, payload. */
interface AppliedEvent {
  readonly put: boolean;
  readonly validFrom: number;
  readonly validTo: number;
  readonly systemTime: number;
  readonly payloadKey: string;
}

function version<P>(
  validFrom: number,
  validTo: number,
  systemFrom: number,
  systemTo: number,
  payload: P,
  payloadKey: string,
): Version<P> {
  // One literal shape for every version keeps property access monomorphic in the hot loop.
  return { validFrom, validTo, systemFrom, systemTo, payload, payloadKey };
}

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

// Scratch buffers reused by every apply (the core is single-threaded per instance of the module).
const replacement: Version<unknown>[] = [];
const newPieces: Version<unknown>[] = [];

/**
 * The bi-temporal state of one key: its current rows plus what rules 4 and 5 need.
 *
 * Closed rows are not kept: once its system_to is set a row never changes again (history is
 * append-only), so it is handed to the sink in `ApplyResult.closed` and forgotten. That keeps
 * the state (a Flink keyed state, a checkpoint) as small as the key's current picture.
 */
export class BitemporalKeyState<P> {
  /** Current rows (system_to open), sorted by validFrom, pairwise disjoint. */
  private rows: Version<P>[] = [];
  /** Latest system time at which the rows changed (rule 5); -Infinity before any change. */
  private latest = Number.NEGATIVE_INFINITY;
  /**
   * At least the greatest stated system time among remembered events, so an event stating a
   * later time is new without a lookup (most events, as producers' clocks move forward).
   */
  private maxStated = Number.NEGATIVE_INFINITY;
  /** Ring of the last `window` applied events, allocated on first use. */
  private recent: AppliedEvent[] | null = null;
  /** Next slot to overwrite once the ring is full. */
  private recentNext = 0;
  private readonly window: number;

  constructor(options: KeyStateOptions = {}) {
    const window = options.dedupWindow ?? DEFAULT_DEDUP_WINDOW;
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`dedupWindow must be a non-negative integer, got ${window}`);
    this.window = window;
  }

  /** The current rows, sorted by validFrom. Read-only view: do not mutate. */
  currentRows(): readonly Version<P>[] {
    return this.rows;
  }

  /** Latest system time at which this key's rows changed, or null. */
  latestSystemTime(): number | null {
    return this.latest === Number.NEGATIVE_INFINITY ? null : this.latest;
  }

  /** The current row valid at `validTime`, if any. */
  currentAt(validTime: number): Version<P> | undefined {
    const i = firstEndingAfter(this.rows, validTime);
    const row = this.rows[i];
    return row !== undefined && row.validFrom <= validTime ? row : undefined;
  }

  /**
   * Applies one event (DESIGN.md section 2, rules 1-6). Pass `out` to reuse one result object
   * across calls in a hot loop; it is reset first. Never throws on a bad event: it comes back
   * with `rejected` set and the state unchanged.
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
    const payloadKey = put ? event.payloadKey : '';

    // Rule 4. Every remembered event stated a time <= maxStated, so a later one is new.
    if (this.window > 0) {
      if (stated <= this.maxStated && this.remembers(put, vf, vt, stated, payloadKey)) {
        out.duplicate = true;
        return out;
      }
      this.remember({ put, validFrom: vf, validTo: vt, systemTime: stated, payloadKey });
    }

    // Rule 5: never write a system time earlier than one already written for this key.
    let t = stated;
    if (stated < this.latest) {
      t = this.latest + 1;
      out.adjustedSystemTime = true;
    }
    out.systemTime = t;

    const rows = this.rows;
    const first = firstEndingAfter(rows, vf);
    let end = first;
    while (end < rows.length && rows[end]!.validFrom < vt) end++;

    // Walk the current rows overlapping V in valid-time order, building what replaces them.
    // `cursor` is where the part of V not yet accounted for starts: a put fills each stretch
    // between rows that already hold its payload with one new row (rule 2).
    const repl = replacement as Version<P>[];
    const fresh = newPieces as Version<P>[];
    repl.length = 0;
    fresh.length = 0;
    let cursor = vf;
    let tail: Version<P> | null = null;
    let changed = false;
    for (let k = first; k < end; k++) {
      const r = rows[k]!;
      if (put && r.payloadKey === payloadKey) {
        // Unchanged fact: keep the row as it is, with its own system_from.
        const from = r.validFrom > vf ? r.validFrom : vf;
        if (cursor < from) {
          const piece = version(cursor, from, t, OPEN, event.payload, payloadKey);
          repl.push(piece);
          fresh.push(piece);
        }
        repl.push(r);
        cursor = r.validTo < vt ? r.validTo : vt;
        continue;
      }
      // Rule 1: cut r. The part before V stays current and keeps r's identity.
      changed = true;
      if (r.validFrom < vf) {
        const left = version(r.validFrom, vf, r.systemFrom, OPEN, r.payload, r.payloadKey);
        repl.push(left);
        out.added.push(left);
      }
      const from = r.validFrom > vf ? r.validFrom : vf;
      const to = r.validTo < vt ? r.validTo : vt;
      if (r.systemFrom < t) {
        out.closed.push(version(from, to, r.systemFrom, t, r.payload, r.payloadKey));
      } else if (from === r.validFrom) {
        // Rule 3: opened at t and closed at t is no row at all. Only r's own identity existed
        // in the sink; a piece starting later inside r was never written.
        out.removed.push({ validFrom: r.validFrom, systemFrom: r.systemFrom });
      }
      if (r.validTo > vt) tail = version(vt, r.validTo, r.systemFrom, OPEN, r.payload, r.payloadKey);
    }
    if (put && cursor < vt) {
      const piece = version(cursor, vt, t, OPEN, event.payload, payloadKey);
      repl.push(piece);
      fresh.push(piece);
    }
    if (tail !== null) {
      repl.push(tail);
      out.added.push(tail);
    }
    if (fresh.length > 0) {
      changed = true;
      for (const piece of fresh) out.added.push(piece);
      // A row removed by rule 3 and put back at the same (valid_from, system_from) is an update.
      if (out.removed.length > 0) {
        for (let k = out.removed.length - 1; k >= 0; k--) {
          const gone = out.removed[k]!;
          if (fresh.some((p) => p.validFrom === gone.validFrom && p.systemFrom === gone.systemFrom)) out.removed.splice(k, 1);
        }
      }
    }
    if (changed) {
      replaceRange(rows, first, end, repl);
      this.latest = t;
    }
    repl.length = 0;
    fresh.length = 0;
    return out;
  }

  private remembers(put: boolean, vf: number, vt: number, stated: number, payloadKey: string): boolean {
    const recent = this.recent;
    if (recent === null) return false;
    for (let k = 0; k < recent.length; k++) {
      const e = recent[k]!;
      if (e.systemTime === stated && e.validFrom === vf && e.validTo === vt && e.put === put && e.payloadKey === payloadKey) {
        return true;
      }
    }
    return false;
  }

  private remember(e: AppliedEvent): void {
    if (e.systemTime > this.maxStated) this.maxStated = e.systemTime;
    if (this.recent === null) this.recent = [];
    if (this.recent.length < this.window) {
      this.recent.push(e);
    } else {
      this.recent[this.recentNext] = e;
      this.recentNext = (this.recentNext + 1) % this.window;
    }
  }

  /** A JSON-able copy of the state (the payloads are shared, not copied). */
  toSnapshot(): KeyStateSnapshot<P> {
    const recent: AppliedEventSnapshot[] = [];
    if (this.recent !== null) {
      const n = this.recent.length;
      // Oldest first: once the ring is full the oldest entry is the next one to overwrite.
      for (let k = 0; k < n; k++) {
        const e = this.recent[(this.recentNext + k) % n]!;
        recent.push({
          op: e.put ? 'put' : 'delete',
          validFrom: e.validFrom,
          validTo: e.validTo === OPEN ? null : e.validTo,
          systemTime: e.systemTime,
          payloadKey: e.payloadKey,
        });
      }
    }
    return {
      latestSystemTime: this.latestSystemTime(),
      rows: this.rows.map((r) => ({
        validFrom: r.validFrom,
        validTo: r.validTo === OPEN ? null : r.validTo,
        systemFrom: r.systemFrom,
        payload: r.payload,
        payloadKey: r.payloadKey,
      })),
      recent,
    };
  }

  /**
   * Rebuilds a state from `toSnapshot()` output (possibly through JSON). With a smaller
   * `dedupWindow` than the snapshot was taken with, the oldest remembered events are dropped.
   */
  static fromSnapshot<P>(snapshot: KeyStateSnapshot<P>, options: KeyStateOptions = {}): BitemporalKeyState<P> {
    const state = new BitemporalKeyState<P>(options);
    state.latest = snapshot.latestSystemTime ?? Number.NEGATIVE_INFINITY;
    state.rows = snapshot.rows.map((r) =>
      version(r.validFrom, r.validTo ?? OPEN, r.systemFrom, OPEN, r.payload, r.payloadKey),
    );
    const keep = snapshot.recent.slice(Math.max(0, snapshot.recent.length - state.window));
    for (const e of keep) {
      state.remember({
        put: e.op === 'put',
        validFrom: e.validFrom,
        validTo: e.validTo ?? OPEN,
        systemTime: e.systemTime,
        payloadKey: e.payloadKey,
      });
    }
    return state;
  }
}

/** Index of the first row whose validTo is after `t` (rows are sorted and disjoint). */
function firstEndingAfter<P>(rows: readonly Version<P>[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.validTo <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** rows[from, to) := repl, in place (no spread of a temporary argument list). */
function replaceRange<P>(rows: Version<P>[], from: number, to: number, repl: readonly Version<P>[]): void {
  const removed = to - from;
  const delta = repl.length - removed;
  if (delta > 0) {
    const oldLength = rows.length;
    rows.length = oldLength + delta;
    for (let k = oldLength - 1; k >= to; k--) rows[k + delta] = rows[k]!;
  } else if (delta < 0) {
    for (let k = to; k < rows.length; k++) rows[k + delta] = rows[k]!;
    rows.length += delta;
  }
  for (let k = 0; k < repl.length; k++) rows[from + k] = repl[k]!;
}
