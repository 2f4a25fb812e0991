/**
 * The current-state core: what a dataset with a `key` and no `bitemporal` block keeps per key
 * (docs/language.md "key"). One row per key, upserted in arrival order: a put
 * replaces the key's row, a delete removes it. An event equal to one of the key's last
 * `dedupWindow` applied events (same op, same payload) is a redelivery: a duplicate, counted,
 * changing nothing. Plain synchronous TypeScript with no I/O, like the bi-temporal core; the
 * operator (operators/current.ts) holds one `CurrentKeyState` per key, and `CurrentTable` is
 * the whole table in memory for tests and the shared vectors (test/vectors/current).
 *
 * There is no time axis here, so nothing is "late" (late events need a stated time): a redelivery
 * older than the window is applied again, and if the key's row changed since, it goes back to
 * the redelivered value. docs/runtime.md ("Current-state tables") says what that means and how
 * to avoid it.
 */
import { DEFAULT_DEDUP_WINDOW } from '../bitemporal/key-state.ts';

/** What applying one event to a key did. */
export type CurrentOutcome = 'changed' | 'unchanged' | 'duplicate';

/** JSON form of a key's state: its row (null: none) and the remembered events, oldest first. */
export interface CurrentKeySnapshot<P> {
  row: P | null;
  /** The row's payload key; null with no row. */
  rowKey: string | null;
  /** The payload key of each remembered put, null for a remembered delete. */
  recent: (string | null)[];
}

export class CurrentKeyState<P> {
  private current: P | null = null;
  private currentKey: string | null = null;
  /** Payload key of each remembered put, null for a delete; a ring once `window` long. */
  private readonly ring: (string | null)[] = [];
  private next = 0;

  constructor(private readonly window: number = DEFAULT_DEDUP_WINDOW) {
    if (!Number.isInteger(window) || window < 0) throw new RangeError(`dedupWindow must be a non-negative integer, got ${window}`);
  }

  /** The key's row, or null when it has none (never put, or deleted). */
  get row(): P | null {
    return this.current;
  }

  /** The payload key of the key's row (what rule "unchanged" compares), or null. */
  get rowKey(): string | null {
    return this.currentKey;
  }

  /**
   * Applies a put (`payloadKey`: the canonical text of the compared columns, as the bi-temporal
   * core's) or a delete (`payload` and `payloadKey` null). A put equal to the row leaves it as it
   * is (its other columns, such as `ingestion_time()`, keep the values of the event that set it).
   */
  apply(payload: P | null, payloadKey: string | null): CurrentOutcome {
    const ring = this.ring;
    if (this.window > 0) {
      for (let i = 0; i < ring.length; i++) if (ring[i] === payloadKey) return 'duplicate';
      if (ring.length < this.window) ring.push(payloadKey);
      else {
        ring[this.next] = payloadKey;
        this.next = this.next + 1 === this.window ? 0 : this.next + 1;
      }
    }
    if (payloadKey === null) {
      if (this.current === null) return 'unchanged';
      this.current = null;
      this.currentKey = null;
      return 'changed';
    }
    if (this.currentKey === payloadKey) return 'unchanged';
    this.current = payload;
    this.currentKey = payloadKey;
    return 'changed';
  }

  /** The remembered events, oldest first: a put's payload key, null for a delete. */
  forEachRemembered(visit: (payloadKey: string | null) => void): void {
    const ring = this.ring;
    const start = ring.length < this.window ? 0 : this.next;
    for (let j = 0; j < ring.length; j++) visit(ring[(start + j) % ring.length]!);
  }

  toSnapshot(): CurrentKeySnapshot<P> {
    const recent: (string | null)[] = [];
    this.forEachRemembered((k) => recent.push(k));
    return { row: this.current, rowKey: this.currentKey, recent };
  }

  /** Rebuilds a state; with a smaller window than the snapshot's, the newest events are kept. */
  static fromSnapshot<P>(s: CurrentKeySnapshot<P>, window: number = DEFAULT_DEDUP_WINDOW): CurrentKeyState<P> {
    const state = new CurrentKeyState<P>(window);
    state.current = s.row;
    state.currentKey = s.row === null ? null : s.rowKey;
    if (window > 0) for (const k of s.recent.slice(Math.max(0, s.recent.length - window))) state.ring.push(k);
    if (state.ring.length === window) state.next = 0;
    return state;
  }
}

export interface CurrentTableMetrics {
  events: number;
  changed: number;
  unchanged: number;
  duplicates: number;
}

export interface CurrentTableSnapshot<P> {
  keys: Record<string, CurrentKeySnapshot<P>>;
  metrics: CurrentTableMetrics;
}

/** A whole current-state table in memory: one `CurrentKeyState` per key. For tests and small tools. */
export class CurrentTable<P> {
  private readonly states = new Map<string, CurrentKeyState<P>>();
  readonly metrics: CurrentTableMetrics = { events: 0, changed: 0, unchanged: 0, duplicates: 0 };

  constructor(private readonly dedupWindow: number = DEFAULT_DEDUP_WINDOW) {}

  apply(key: string, payload: P | null, payloadKey: string | null): CurrentOutcome {
    this.metrics.events++;
    let state = this.states.get(key);
    if (state === undefined) {
      state = new CurrentKeyState<P>(this.dedupWindow);
      this.states.set(key, state);
    }
    const outcome = state.apply(payload, payloadKey);
    this.metrics[outcome === 'duplicate' ? 'duplicates' : outcome]++;
    return outcome;
  }

  state(key: string): CurrentKeyState<P> | undefined {
    return this.states.get(key);
  }

  /** The stored rows, one per key that has one, sorted by key. */
  rows(): { key: string; payload: P }[] {
    const out: { key: string; payload: P }[] = [];
    for (const key of [...this.states.keys()].sort()) {
      const row = this.states.get(key)!.row;
      if (row !== null) out.push({ key, payload: row });
    }
    return out;
  }

  toSnapshot(): CurrentTableSnapshot<P> {
    const keys: Record<string, CurrentKeySnapshot<P>> = {};
    for (const key of [...this.states.keys()].sort()) keys[key] = this.states.get(key)!.toSnapshot();
    return { keys, metrics: { ...this.metrics } };
  }

  static fromSnapshot<P>(s: CurrentTableSnapshot<P>, dedupWindow: number = DEFAULT_DEDUP_WINDOW): CurrentTable<P> {
    const table = new CurrentTable<P>(dedupWindow);
    for (const [key, k] of Object.entries(s.keys)) table.states.set(key, CurrentKeyState.fromSnapshot(k, dedupWindow));
    Object.assign(table.metrics, s.metrics);
    return table;
  }
}
