import { BitemporalKeyState, type KeyStateOptions } from './key-state.ts';
import {
  ApplyResult,
  OPEN,
  type BadEventReason,
  type BitemporalEvent,
  type KeyStateSnapshot,
  type Version,
} from './types.ts';

/** A stored row with its key (the caller's canonical key string). */
export interface TableRow<P> extends Version<P> {
  readonly key: string;
}

export interface DeadLetter {
  /** 1-based position of the event among all events given to this table. */
  readonly event: number;
  readonly key: string;
  readonly reason: BadEventReason;
}

export interface TableMetrics {
  events: number;
  /** Events that changed rows. */
  changed: number;
  /** Well-formed, new events that changed nothing (e.g. a put of the value already current). */
  unchanged: number;
  duplicates: number;
  /** Rejected events: bad ones (rule 6) and, under `late = dead_letter`, late ones. */
  rejected: number;
  adjustedSystemTimes: number;
  /** Late events, applied or rejected as the policy says. */
  lateEvents: number;
}

/** JSON form of a stored row: open ends are null. */
export interface TableRowSnapshot<P> {
  key: string;
  validFrom: number;
  validTo: number | null;
  systemFrom: number;
  systemTo: number | null;
  payload: P;
  payloadKey: string;
}

export interface TableSnapshot<P> {
  keys: Record<string, KeyStateSnapshot<P>>;
  rows: TableRowSnapshot<P>[];
  deadLetters: DeadLetter[];
  metrics: TableMetrics;
}

/**
 * A whole bi-temporal table in memory: one `BitemporalKeyState` per key plus the stored rows,
 * kept the way a sink would (upsert on (key, valid_from, system_from), delete on `removed`).
 * For tests, the local table sink and small tools; a processor keeps the key states in keyed
 * state and sends the changes to its sink instead.
 */
export class BitemporalTable<P> {
  private readonly states = new Map<string, BitemporalKeyState<P>>();
  /** key -> "validFrom|systemFrom" -> row. */
  private readonly stored = new Map<string, Map<string, Version<P>>>();
  private readonly result = new ApplyResult<P>();
  readonly deadLetters: DeadLetter[] = [];
  readonly metrics: TableMetrics = { events: 0, changed: 0, unchanged: 0, duplicates: 0, rejected: 0, adjustedSystemTimes: 0, lateEvents: 0 };

  constructor(private readonly options: KeyStateOptions = {}) {}

  /**
   * Applies one event to the key's state and stores the changes. The returned result is
   * reused by the next call: read it before applying again.
   */
  apply(key: string, event: BitemporalEvent<P>): ApplyResult<P> {
    this.metrics.events++;
    let state = this.states.get(key);
    if (state === undefined) {
      state = new BitemporalKeyState<P>(this.options);
      this.states.set(key, state);
    }
    const out = state.apply(event, this.result);
    if (out.late) this.metrics.lateEvents++;
    if (out.rejected !== null) {
      this.metrics.rejected++;
      this.deadLetters.push({ event: this.metrics.events, key, reason: out.rejected });
      return out;
    }
    if (out.duplicate) {
      this.metrics.duplicates++;
      return out;
    }
    if (out.adjustedSystemTime) this.metrics.adjustedSystemTimes++;
    if (!out.changed) {
      this.metrics.unchanged++;
      return out;
    }
    this.metrics.changed++;
    let rows = this.stored.get(key);
    if (rows === undefined) {
      rows = new Map();
      this.stored.set(key, rows);
    }
    for (const id of out.removed) rows.delete(`${id.validFrom}|${id.systemFrom}`);
    for (let i = 0; i < out.closed.length; i++) rows.set(`${out.closed.validFrom(i)}|${out.closed.systemFrom(i)}`, out.closed.at(i));
    for (let i = 0; i < out.added.length; i++) rows.set(`${out.added.validFrom(i)}|${out.added.systemFrom(i)}`, out.added.at(i));
    return out;
  }

  keys(): string[] {
    return [...this.states.keys()].sort();
  }

  state(key: string): BitemporalKeyState<P> | undefined {
    return this.states.get(key);
  }

  /** Every stored row (current and history), sorted by key, validFrom, systemFrom. */
  rows(): TableRow<P>[] {
    const all: TableRow<P>[] = [];
    for (const key of [...this.stored.keys()].sort()) all.push(...this.rowsOf(key));
    return all;
  }

  /** The stored rows of one key, sorted by validFrom, systemFrom. */
  rowsOf(key: string): TableRow<P>[] {
    const rows = this.stored.get(key);
    if (rows === undefined) return [];
    return [...rows.values()]
      .map((r) => ({ key, ...r }))
      .sort((a, b) => a.validFrom - b.validFrom || a.systemFrom - b.systemFrom);
  }

  /**
   * "As known at system time s, as true at valid time v" (DESIGN.md section 2): the row with
   * system_from <= s < system_to and valid_from <= v < valid_to, if any.
   */
  asOf(key: string, systemTime: number, validTime: number): TableRow<P> | undefined {
    const rows = this.stored.get(key);
    if (rows === undefined) return undefined;
    for (const r of rows.values()) {
      if (r.systemFrom <= systemTime && systemTime < r.systemTo && r.validFrom <= validTime && validTime < r.validTo) {
        return { key, ...r };
      }
    }
    return undefined;
  }

  toSnapshot(): TableSnapshot<P> {
    const keys: Record<string, KeyStateSnapshot<P>> = {};
    for (const key of this.keys()) keys[key] = this.states.get(key)!.toSnapshot();
    return {
      keys,
      rows: this.rows().map((r) => ({
        key: r.key,
        validFrom: r.validFrom,
        validTo: r.validTo === OPEN ? null : r.validTo,
        systemFrom: r.systemFrom,
        systemTo: r.systemTo === OPEN ? null : r.systemTo,
        payload: r.payload,
        payloadKey: r.payloadKey,
      })),
      deadLetters: [...this.deadLetters],
      metrics: { ...this.metrics },
    };
  }

  static fromSnapshot<P>(snapshot: TableSnapshot<P>, options: KeyStateOptions = {}): BitemporalTable<P> {
    const table = new BitemporalTable<P>(options);
    for (const [key, s] of Object.entries(snapshot.keys)) table.states.set(key, BitemporalKeyState.fromSnapshot(s, options));
    for (const r of snapshot.rows) {
      let rows = table.stored.get(r.key);
      if (rows === undefined) {
        rows = new Map();
        table.stored.set(r.key, rows);
      }
      rows.set(`${r.validFrom}|${r.systemFrom}`, {
        validFrom: r.validFrom,
        validTo: r.validTo ?? OPEN,
        systemFrom: r.systemFrom,
        systemTo: r.systemTo ?? OPEN,
        payload: r.payload,
        payloadKey: r.payloadKey,
      });
    }
    table.deadLetters.push(...snapshot.deadLetters);
    Object.assign(table.metrics, snapshot.metrics);
    return table;
  }
}
