// A deliberately naive model of DESIGN.md section 2, written without looking at how the core
// stores rows: per key, the current picture is an array holding the payload at every valid
// instant of a small integer grid, and history is a copy of that array for every system time
// at which it changed. An as-of query reads the last copy taken at or before the system time.
// Several events at one system time leave one copy (the last), which is what rule 3 means for
// as-of answers. It is slow and memory-hungry on purpose; it only has to be obviously right.

export interface ModelEvent {
  key: string;
  op: 'put' | 'delete';
  validFrom: number;
  /** null = open. */
  validTo: number | null;
  systemTime: number;
  /** The payload's canonical key (the core compares payloads by it). */
  payload: string;
}

export type ModelOutcome =
  | { kind: 'rejected'; late: boolean }
  | { kind: 'duplicate' }
  | { kind: 'applied'; systemTime: number; adjusted: boolean; changed: boolean; late: boolean };

interface KeyModel {
  view: (string | null)[];
  history: { systemTime: number; view: (string | null)[] }[];
  /** The system time of the last applied event (rule 5), changed rows or not. */
  latest: number;
  /** Remembered applied events, oldest first (at most `dedupWindow`), with their stated times. */
  applied: { fingerprint: string; stated: number }[];
  /** The latest stated time of an event pushed out of `applied`. */
  forgotten: number;
}

export class ReferenceModel {
  private readonly keys = new Map<string, KeyModel>();

  /**
   * @param grid valid instants 0..grid-1 are modelled; every finite valid time must be < grid,
   *   and instants from the largest finite time on all behave alike.
   * @param dedupWindow how many applied events per key count for rule 4 (Infinity = all).
   * @param late what a late event does.
   */
  constructor(
    readonly grid: number,
    readonly dedupWindow: number,
    readonly late: 'apply' | 'dead_letter' = 'apply',
  ) {}

  private model(key: string): KeyModel {
    let m = this.keys.get(key);
    if (m === undefined) {
      m = { view: new Array<string | null>(this.grid).fill(null), history: [], latest: -Infinity, applied: [], forgotten: -Infinity };
      this.keys.set(key, m);
    }
    return m;
  }

  /** The current picture of a key: payload per valid instant. */
  currentView(key: string): (string | null)[] {
    return [...this.model(key).view];
  }

  apply(e: ModelEvent): ModelOutcome {
    const end = e.validTo ?? this.grid;
    if (e.validTo !== null && e.validFrom >= e.validTo) return { kind: 'rejected', late: false };
    if (e.validTo !== null && e.validTo >= this.grid) throw new Error('valid time outside the model grid');
    const m = this.model(e.key);
    const fingerprint = JSON.stringify([e.op, e.validFrom, e.validTo, e.systemTime, e.op === 'put' ? e.payload : '']);
    if (m.applied.some((a) => a.fingerprint === fingerprint)) return { kind: 'duplicate' };
    const late = e.systemTime <= m.forgotten;
    if (late && this.late === 'dead_letter') return { kind: 'rejected', late };
    // Remember it; what no longer fits in the window is forgotten (all of it with a window of 0).
    m.applied.push({ fingerprint, stated: e.systemTime });
    while (m.applied.length > this.dedupWindow) m.forgotten = Math.max(m.forgotten, m.applied.shift()!.stated);
    const adjusted = e.systemTime < m.latest;
    const t = adjusted ? m.latest + 1 : e.systemTime;
    // Rule 5: every applied event is known at t, changed rows or not.
    m.latest = t;
    let changed = false;
    for (let v = e.validFrom; v < end; v++) {
      const next = e.op === 'put' ? e.payload : null;
      if (m.view[v] !== next) {
        m.view[v] = next;
        changed = true;
      }
    }
    if (changed) {
      const last = m.history[m.history.length - 1];
      if (last !== undefined && last.systemTime === t) last.view = [...m.view];
      else m.history.push({ systemTime: t, view: [...m.view] });
    }
    return { kind: 'applied', systemTime: t, adjusted, changed, late };
  }

  /** Payload known at system time `s` as true at valid instant `v`, or null. */
  asOf(key: string, s: number, v: number): string | null {
    const m = this.keys.get(key);
    if (m === undefined) return null;
    let found: (string | null)[] | null = null;
    for (const h of m.history) if (h.systemTime <= s) found = h.view;
    return found === null ? null : (found[Math.min(v, this.grid - 1)] ?? null);
  }
}
