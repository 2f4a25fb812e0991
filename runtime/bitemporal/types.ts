/**
 * Data shapes of the bi-temporal core (DESIGN.md section 2).
 *
 * Every time is an integer count of epoch milliseconds. An open end (`valid_to` null, or
 * `system_to` null for a current row) is `OPEN` (+Infinity), so interval tests are plain `<`
 * comparisons with no null checks; snapshots turn it back into `null` for JSON.
 */

/** The open end of an interval: `valid_to` null, or `system_to` null (the row is current). */
export const OPEN = Number.POSITIVE_INFINITY;

export type Op = 'put' | 'delete';

/**
 * What a key does with a late event (README.md "Late events"): an event that is not
 * recognized as a duplicate although it states a system time at or before the latest stated
 * time the key's dedup window has forgotten, so the window cannot tell whether it is a
 * redelivery. `apply` (the default) applies it like any event and counts it; `dead_letter`
 * rejects it with the reason `late` and changes nothing.
 */
export type LatePolicy = 'apply' | 'dead_letter';

/**
 * One stored row of a key, without the key itself (the caller knows which key it applied):
 * valid time `[validFrom, validTo)` and system time `[systemFrom, systemTo)`, both closed-open.
 * A plain value: the core never mutates one it handed out, so a sink may keep it.
 */
export interface Version<P> {
  readonly validFrom: number;
  /** OPEN when valid until further notice. */
  readonly validTo: number;
  readonly systemFrom: number;
  /** OPEN while the row is current. */
  readonly systemTo: number;
  readonly payload: P;
  /**
   * Canonical encoding of the payload, so that equality by value is one string comparison.
   * The row mapper builds it once per event (see `payloadKeyOf`).
   */
  readonly payloadKey: string;
}

/**
 * Where a row lives in the table: with the key, `(valid_from, system_from)` identifies a row.
 * The sink upserts on (key, valid_from, system_from).
 */
export interface VersionId {
  readonly validFrom: number;
  readonly systemFrom: number;
}

interface EventTimes {
  readonly validFrom: number;
  /** OPEN for `valid_to` null. */
  readonly validTo: number;
  /** The system time as the event states it (before any raise by rule 5). */
  readonly systemTime: number;
}

export interface PutEvent<P> extends EventTimes {
  readonly op: 'put';
  readonly payload: P;
  readonly payloadKey: string;
}

export interface DeleteEvent extends EventTimes {
  readonly op: 'delete';
  readonly payload?: null;
  readonly payloadKey?: string;
}

/** One event for one key, already mapped from JSON by the row mapper. */
export type BitemporalEvent<P> = PutEvent<P> | DeleteEvent;

/** Reasons a bad event is rejected; stable strings shared with the Java processor and the vectors. */
export const BadEventReason = {
  invertedValidInterval: 'valid_from >= valid_to',
  invalidValidFrom: 'valid_from is not a millisecond timestamp',
  invalidValidTo: 'valid_to is not a millisecond timestamp',
  invalidSystemTime: 'system time is not a millisecond timestamp',
  unknownOp: 'op is neither put nor delete',
  /** A late event under `late = dead_letter`. */
  late: 'late',
} as const;
export type BadEventReason = (typeof BadEventReason)[keyof typeof BadEventReason];

/**
 * Rows handed to the sink, stored flat so that applying an event allocates nothing: times in
 * one packed number array (V8 keeps doubles unboxed there, while each epoch-ms number in an
 * object field would be a separate heap allocation), payloads beside them. Read it by index
 * (`validFrom(i)`, ...) in a hot sink, or iterate it to get `Version` objects.
 */
export class ChangeList<P> implements Iterable<Version<P>> {
  /** validFrom, validTo, systemFrom, systemTo per row. */
  private readonly times: number[] = [];
  private readonly payloads: P[] = [];
  private readonly payloadKeys: string[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }
  validFrom(i: number): number {
    return this.times[4 * i]!;
  }
  validTo(i: number): number {
    return this.times[4 * i + 1]!;
  }
  systemFrom(i: number): number {
    return this.times[4 * i + 2]!;
  }
  systemTo(i: number): number {
    return this.times[4 * i + 3]!;
  }
  payload(i: number): P {
    return this.payloads[i]!;
  }
  payloadKey(i: number): string {
    return this.payloadKeys[i]!;
  }

  /** Row i as an object (allocates). */
  at(i: number): Version<P> {
    const t = this.times;
    return {
      validFrom: t[4 * i]!,
      validTo: t[4 * i + 1]!,
      systemFrom: t[4 * i + 2]!,
      systemTo: t[4 * i + 3]!,
      payload: this.payloads[i]!,
      payloadKey: this.payloadKeys[i]!,
    };
  }

  toArray(): Version<P>[] {
    const out: Version<P>[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  *[Symbol.iterator](): Iterator<Version<P>> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  /** For the core only. Slots are reused; index == length appends without holes. */
  append(validFrom: number, validTo: number, systemFrom: number, systemTo: number, payload: P, payloadKey: string): void {
    const i = this.count++;
    const t = this.times;
    t[4 * i] = validFrom;
    t[4 * i + 1] = validTo;
    t[4 * i + 2] = systemFrom;
    t[4 * i + 3] = systemTo;
    this.payloads[i] = payload;
    this.payloadKeys[i] = payloadKey;
  }

  /** Empties the list, keeping its storage (stale payload references stay until overwritten). */
  clear(): void {
    this.count = 0;
  }
}

/**
 * What applying one event did, for the sink and the metrics. A sink applies `removed` as
 * deletes and `closed` + `added` as upserts on (key, valid_from, system_from); none of the three
 * share an identity. The object may be reused across calls (see `BitemporalKeyState.apply`), so
 * a sink must consume it before the next call.
 */
export class ApplyResult<P> {
  /** Rows whose system_to this event set: history from now on, never touched again. */
  readonly closed = new ChangeList<P>();
  /**
   * Current rows that are new or whose valid interval changed: the new put pieces and the
   * remainders of cut rows. A remainder that starts where the cut row started keeps its
   * identity, so for the sink it is an update of that row.
   */
  readonly added = new ChangeList<P>();
  /**
   * Rows that vanished: a current row opened at this same system time and now cut away
   * entirely (rule 3: an empty system interval is dropped). Only happens with several events
   * for a key at one system time.
   */
  readonly removed: VersionId[] = [];
  /** The system time the event was applied at (after rule 5); NaN when not applied. */
  systemTime = Number.NaN;
  /** Rule 5: the stated system time was earlier than the key's latest and was raised. */
  adjustedSystemTime = false;
  /** Rule 4: the event was already applied; nothing changed. */
  duplicate = false;
  /**
   * Late events: the event was late (not a duplicate, but stated at or before the latest stated time
   * the key has forgotten). Set whether it was applied (`late = apply`) or rejected.
   */
  late = false;
  /** When `late`: the latest forgotten stated time the event was found at or before (else NaN). */
  forgottenStated = Number.NaN;
  /**
   * Rule 6 and malformed times, or a late event under `late = dead_letter`: the event is
   * rejected, nothing changed (not even the key's clock); the reason for the dead letter.
   */
  rejected: BadEventReason | null = null;

  /** True when the table changed (something for the sink to write). */
  get changed(): boolean {
    return this.closed.length + this.added.length + this.removed.length > 0;
  }

  reset(): this {
    this.closed.clear();
    this.added.clear();
    // Shrinking an array is a runtime call in V8; it is almost always empty already.
    if (this.removed.length !== 0) this.removed.length = 0;
    this.systemTime = Number.NaN;
    this.adjustedSystemTime = false;
    this.duplicate = false;
    this.late = false;
    this.forgottenStated = Number.NaN;
    this.rejected = null;
    return this;
  }
}

/** JSON form of a version: open ends are `null`. Only current rows are snapshotted. */
export interface CurrentRowSnapshot<P> {
  validFrom: number;
  validTo: number | null;
  systemFrom: number;
  payload: P;
  payloadKey: string;
}

/** JSON form of an applied event remembered for idempotence (rule 4). */
export interface AppliedEventSnapshot {
  op: Op;
  validFrom: number;
  validTo: number | null;
  systemTime: number;
  /** Empty for a delete. */
  payloadKey: string;
}

/** JSON-able snapshot of one key's state, for checkpoints. `P` must itself be JSON-able. */
export interface KeyStateSnapshot<P> {
  /**
   * The key's clock (rule 5): the system time the last applied event was applied at, whether
   * or not it changed a row; null before the first applied event.
   */
  latestSystemTime: number | null;
  /**
   * The latest stated system time among the events the key's dedup window has forgotten (see
   * README.md "Late events"); null while it has forgotten none.
   */
  forgottenStated: number | null;
  /** Current rows, sorted by validFrom, pairwise disjoint. */
  rows: CurrentRowSnapshot<P>[];
  /** The remembered applied events, oldest first. */
  recent: AppliedEventSnapshot[];
}
