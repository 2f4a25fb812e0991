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
 * One stored row of a key, without the key itself (the caller knows which key it applied):
 * valid time `[validFrom, validTo)` and system time `[systemFrom, systemTo)`, both closed-open.
 * Versions are immutable once created: a cut makes new versions, so a sink may keep them.
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
} as const;
export type BadEventReason = (typeof BadEventReason)[keyof typeof BadEventReason];

/**
 * What applying one event did, for the sink and the metrics. A sink applies `removed` as
 * deletes and `closed` + `added` as upserts on (key, valid_from, system_from); none of the three
 * lists share an identity. The object may be reused across calls (see `BitemporalKeyState.apply`),
 * so a sink must consume it before the next call.
 */
export class ApplyResult<P> {
  /** Rows whose system_to this event set: history from now on, never touched again. */
  readonly closed: Version<P>[] = [];
  /**
   * Current rows that are new or whose valid interval changed: the new put pieces and the
   * remainders of cut rows. A remainder that starts where the cut row started keeps its
   * identity, so for the sink it is an update of that row.
   */
  readonly added: Version<P>[] = [];
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
  /** Rule 6 and malformed times: the event is bad, nothing changed; the reason for the dead letter. */
  rejected: BadEventReason | null = null;

  /** True when the table changed (something for the sink to write). */
  get changed(): boolean {
    return this.closed.length + this.added.length + this.removed.length > 0;
  }

  reset(): this {
    this.closed.length = 0;
    this.added.length = 0;
    this.removed.length = 0;
    this.systemTime = Number.NaN;
    this.adjustedSystemTime = false;
    this.duplicate = false;
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
  /** Latest system time at which this key's rows changed; null before the first change. */
  latestSystemTime: number | null;
  /** Current rows, sorted by validFrom, pairwise disjoint. */
  rows: CurrentRowSnapshot<P>[];
  /** The remembered applied events, oldest first. */
  recent: AppliedEventSnapshot[];
}
