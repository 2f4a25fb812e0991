/**
 * The keyed bi-temporal operator (Flink: a KeyedProcessFunction with keyed state). It keeps one
 * `BitemporalKeyState` per key, applies each mapped event with the core (DESIGN.md section 2),
 * and collects what the table must receive at the next checkpoint:
 *
 * - history: the closed rows, streamed to a staged file as they close (a closed row never
 *   changes again);
 * - the current rows, written at the checkpoint as the difference between each changed key's
 *   current rows then and at the previous checkpoint (what the warehouse holds): the rows that
 *   are gone, or whose valid_to or payload changed (rule 3 can put another payload at the same
 *   times), are deleted by identity (key, valid_from, system_from), the rows that are new or
 *   changed are inserted. A row opened and cut again within one checkpoint interval never
 *   reaches the table's current rows, and the sink needs no ordering of operations. The
 *   previous rows of a key (times and payload references) are copied the first time the key
 *   changes in an interval.
 *
 * Its state has two parts. The current rows are the table's own current rows: a restore reads
 * them back from the warehouse, which committed them with the checkpoint. What the table does
 * not hold, each key's clock (rule 5), the events it remembers for rule 4 and the latest stated
 * time it has forgotten (late events), goes to the checkpoint's state files (`StateLine`), with
 * a remembered payload written as the index of the current row that holds it when there is one
 * (nearly always), so a key costs a few dozen bytes. A key with no current rows (after a delete,
 * even a delete of nothing) has a state line and no row, and is restored from it alone.
 */
import { ApplyResult, BitemporalKeyState, OPEN, type AppliedEventSnapshot, type CurrentRowSnapshot, type LatePolicy } from '../bitemporal/index.ts';
import type { DatasetLayout } from '../dataset.ts';
import type { MappedEvent } from '../mapping.ts';
import type { Metrics } from '../metrics.ts';
import { RowTemplates, type StagedFile } from '../sink/csv.ts';
import { WarehouseError } from '../sink/duckdb.ts';
import { grownFloat64, grownInt32, Pages } from '../engine/store.ts';
import { utf8 } from '../engine/fast-mapper.ts';

/**
 * A row's payload in the core: its CSV template (csv.ts `RowTemplates`), one string per row
 * instead of an array of values, which keeps a large state cheap for the garbage collector.
 */
type Row = string;

interface KeyEntry {
  readonly key: string;
  readonly keyValues: unknown[];
  /** The key columns of this key's staged lines (csv.ts `RowTemplates.keyPart`). */
  readonly keyPart: string;
  state: BitemporalKeyState<Row>;
  /** The state epoch in which the state last changed (0: not since the restore). */
  epoch: number;
  /**
   * The current rows' times as the warehouse holds them (at the last checkpoint), copied when
   * the key first changes in an interval; `NEW` for a key the warehouse does not hold yet.
   */
  committed: readonly number[] | undefined;
  /**
   * Their payloads: rule 3 can replace a row opened at the key's latest system time by one with
   * the same times and another payload.
   */
  committedPayloads: readonly Row[] | undefined;
}

const NEW: readonly never[] = [];

/**
 * One line of a state file (state format 4, checkpoint/store.ts): key, key values, the key's
 * clock (rule 5: the time of its last applied event), the remembered events (rule 4), oldest
 * first, and, once the key has forgotten an event, the latest stated time it forgot (late
 * events; absent while it forgot none). Most remembered events are the event that opened a
 * current row (same valid_from, the stated time is the row's system_from, same payload), so such
 * an event is written as the row's index `n` (its valid_to open) or `[n, valid_to]`; any other
 * event in full, `[valid_from, valid_to (null: open), stated system time, payload]`, where the
 * payload is the index of a current row holding it, its payload key as a string, or null for a
 * delete.
 */
export type StateLine = [key: string, keyValues: unknown[], clock: number | null, recent: RememberedEntry[], forgottenStated?: number];
type RememberedEntry = number | [row: number, validTo: number] | [number, number | null, number, number | string | null];

/**
 * Current rows read back from the warehouse on restore, a batch in columns (cheap to build and
 * to send to a worker): per key column its values (the runtime's representation, coerce.ts),
 * each row's payload template (csv.ts `RowTemplates.of`), and its times as `valid_from,
 * valid_to (open: +infinity), system_from` per row.
 */
export interface RestoredRows {
  readonly count: number;
  readonly keyColumns: readonly (readonly unknown[])[];
  /** The templates' UTF-8 bytes: row i's is templates[templateAt[2i], templateAt[2i + 1]) (valid until the next batch). */
  readonly templates: Uint8Array;
  readonly templateAt: Int32Array;
  readonly times: Float64Array;
}

/** Restored row i's template as text. */
export function restoredTemplate(rows: RestoredRows, i: number): string {
  return utf8(rows.templates, rows.templateAt[2 * i]!, rows.templateAt[2 * i + 1]!);
}

/** The canonical key of restored row `i` (as mapping.ts `RowMapper.keyOf` makes it from the row's values). */
export function restoredKey(rows: RestoredRows, i: number): string {
  const k = rows.keyColumns;
  return k.length === 1 ? String(k[0]![i]) : JSON.stringify(k.map((c) => c[i]));
}

export interface OperatorOptions {
  readonly dedupWindow?: number;
  readonly late?: LatePolicy;
}

/** A late event as the operator saw it, for the partition's log. */
export interface LateEvent {
  readonly key: string;
  /** The system time the event states. */
  readonly stated: number;
  /** The latest stated time the key had forgotten: the event states this time or an earlier one. */
  readonly forgotten: number;
  /** When it was applied (`late = apply`), or null when it was rejected. */
  readonly appliedAt: number | null;
}

export class BitemporalOperator {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly result = new ApplyResult<Row>();
  private epoch = 1;
  private dirty: KeyEntry[] = [];
  private readonly templates: RowTemplates;
  private history: StagedFile | undefined;
  private currentDeletes: StagedFile | undefined;
  private currentRows: StagedFile | undefined;

  constructor(layout: DatasetLayout, private readonly metrics: Metrics, private readonly options: OperatorOptions = {}) {
    this.templates = new RowTemplates(layout.spec.columns.map((c) => c.type), layout);
  }

  /**
   * Where this checkpoint interval's table writes go: history rows (as they close), and at the
   * checkpoint the identities of current rows to delete and the current rows to insert.
   */
  stageTo(history: StagedFile, currentDeletes: StagedFile, currentRows: StagedFile): void {
    this.history = history;
    this.currentDeletes = currentDeletes;
    this.currentRows = currentRows;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  /** Set by `apply` when the event it applied or rejected was late, else null. */
  late: LateEvent | null = null;

  /** Applies one event; returns the reason when the core rejects it (rule 6, a late event under `late = dead_letter`), else null. */
  apply(ev: MappedEvent): string | null {
    let entry = this.keys.get(ev.key);
    let created = false;
    const t = this.templates;
    if (entry === undefined) {
      const keyValues = t.keyValues(ev.values);
      entry = { key: ev.key, keyValues, keyPart: t.keyPart(keyValues), state: new BitemporalKeyState<Row>(this.options), epoch: 0, committed: NEW, committedPayloads: NEW };
      this.keys.set(ev.key, entry);
      created = true;
    }
    // The rows as committed, before this interval's first change of the key.
    const first = entry.epoch !== this.epoch;
    const committed = !first ? entry.committed : created ? NEW : entry.state.rowTimes();
    const committedPayloads = !first ? entry.committedPayloads : created ? NEW : entry.state.rowPayloads();
    let out: ApplyResult<Row>;
    if (ev.op === 'put') {
      const payload = t.of(ev.values);
      out = entry.state.apply({ op: 'put', validFrom: ev.validFrom, validTo: ev.validTo, systemTime: ev.systemTime, payload, payloadKey: t.payloadKey(payload) }, this.result);
    } else {
      out = entry.state.apply({ op: 'delete', validFrom: ev.validFrom, validTo: ev.validTo, systemTime: ev.systemTime }, this.result);
    }
    const m = this.metrics;
    this.late = null;
    if (out.late) {
      m.lateEvents++;
      this.late = { key: ev.key, stated: ev.systemTime, forgotten: out.forgottenStated, appliedAt: out.rejected === null ? out.systemTime : null };
    }
    if (out.rejected !== null) {
      // A bad event changes nothing, so a key it created is not kept.
      if (created) this.keys.delete(ev.key);
      return out.rejected;
    }
    if (out.duplicate) {
      m.duplicates++;
      return null;
    }
    if (out.adjustedSystemTime) m.adjustedSystemTimes++;
    if (first) {
      entry.epoch = this.epoch;
      entry.committed = committed;
      entry.committedPayloads = committedPayloads;
      this.dirty.push(entry);
    }
    if (!out.changed) {
      m.unchanged++;
      return null;
    }
    m.changed++;
    m.rowsOut += out.closed.length + out.added.length;
    const history = this.history!;
    const closed = out.closed;
    for (let i = 0; i < closed.length; i++) {
      history.row(entry.keyPart, closed.payload(i), closed.validFrom(i), closed.validTo(i), closed.systemFrom(i), closed.systemTo(i));
    }
    return null;
  }

  /**
   * Closes this checkpoint interval's staged files: their paths, null for a file with no line.
   * Writes the current rows of every key changed in the interval as the difference with what
   * the warehouse holds (the rows at the previous checkpoint): an identity to delete for each
   * committed row that is gone or changed, a row to insert for each row that is new or changed.
   */
  drainTable(): { history: string | null; currentDeletes: string | null; currentRows: string | null } {
    const deletes = this.currentDeletes;
    const inserts = this.currentRows;
    if (deletes !== undefined && inserts !== undefined) {
      for (const e of this.dirty) {
        const was = e.committed ?? NEW;
        const wasPayloads = e.committedPayloads ?? NEW;
        e.committed = undefined;
        e.committedPayloads = undefined;
        const s = e.state;
        const n = s.rowCount;
        // Both lists are sorted by validFrom and their rows disjoint: one merge walk.
        let i = 0;
        let j = 0;
        while (i < was.length || j < n) {
          const wFrom = i < was.length ? was[i]! : Number.POSITIVE_INFINITY;
          const sFrom = j < n ? s.validFromAt(j) : Number.POSITIVE_INFINITY;
          // The same row: same identity, same valid_to and the same payload (rule 3 may have put
          // another payload at the same times).
          if (wFrom === sFrom && was[i + 1] === s.validToAt(j) && was[i + 2] === s.systemFromAt(j) && wasPayloads[i / 3] === s.payloadAt(j)) {
            i += 3;
            j++;
          } else if (wFrom <= sFrom) {
            deletes.identity(e.keyPart, wFrom, was[i + 2]!);
            i += 3;
          } else {
            inserts.row(e.keyPart, s.payloadAt(j), sFrom, s.validToAt(j), s.systemFromAt(j), Number.POSITIVE_INFINITY);
            j++;
          }
        }
      }
    }
    const out = { history: this.history?.close() ?? null, currentDeletes: deletes?.close() ?? null, currentRows: inserts?.close() ?? null };
    this.history = undefined;
    this.currentDeletes = undefined;
    this.currentRows = undefined;
    return out;
  }

  /**
   * State lines for a checkpoint: every key (`full`) or those whose state changed since the
   * previous one. Starts the next epoch.
   */
  *drainState(full: boolean): Generator<string> {
    const entries = full ? this.keys.values() : this.dirty.values();
    for (const e of entries) yield stateLine(e);
    this.discardStateChanges();
  }

  /** Starts the next epoch without writing state (a run without checkpoints). */
  discardStateChanges(): void {
    this.dirty = [];
    this.epoch++;
  }

  // ---- restore: state lines first, then the current rows, then finish ----------------------

  private readonly restoring = new RestoreGathering();

  /** Reads one state line (later lines of the chain win); `accept` filters the keys this partition owns. */
  restoreStateLine(line: string, accept: (key: string) => boolean): void {
    this.restoring.stateLine(line, accept);
  }

  /** Adds current rows from the warehouse, in any order. */
  restoreRows(rows: RestoredRows): void {
    this.restoring.rows(rows);
  }

  /** Builds the key states from what restore* gathered. */
  finishRestore(): void {
    this.restoring.finish((key, g, list) => this.restoreKey(key, g, list));
  }

  private restoreKey(key: string, g: Restoring, list: RestoredRowList): void {
    const t = this.templates;
    const rows: CurrentRowSnapshot<Row>[] = [];
    let sorted = true;
    for (let k = g.first; k >= 0; k = list.next[k]!) {
      const payload = list.template(k);
      const validFrom = list.times[3 * k]!;
      if (rows.length > 0 && !(rows[rows.length - 1]!.validFrom < validFrom)) sorted = false;
      rows.push({ validFrom, validTo: list.times[3 * k + 1]!, systemFrom: list.times[3 * k + 2]!, payload, payloadKey: t.payloadKeyOf(payload) });
    }
    if (!sorted) rows.sort((a, b) => a.validFrom - b.validFrom);
    const rowAt = (n: number): CurrentRowSnapshot<Row> => {
      const row = rows[n];
      if (row === undefined) throw noSuchRow(key, n, rows.length);
      return row;
    };
    const recent: AppliedEventSnapshot[] = g.recent.map((e): AppliedEventSnapshot => {
      if (typeof e === 'number' || e.length === 2) {
        // The event that opened current row n.
        const row = rowAt(typeof e === 'number' ? e : e[0]);
        return { op: 'put', validFrom: row.validFrom, validTo: typeof e === 'number' ? null : e[1], systemTime: row.systemFrom, payloadKey: row.payloadKey };
      }
      const [validFrom, validTo, systemTime, p] = e;
      return { op: p === null ? 'delete' : 'put', validFrom, validTo, systemTime, payloadKey: p === null ? '' : typeof p === 'number' ? rowAt(p).payloadKey : p };
    });
    const state = BitemporalKeyState.fromSnapshot<Row>({ latestSystemTime: g.latest, forgottenStated: g.forgotten, rows, recent }, this.options);
    this.keys.set(key, { key, keyValues: g.keyValues, keyPart: t.keyPart(g.keyValues), state, epoch: 0, committed: undefined, committedPayloads: undefined });
  }
}

/** A state line that names a current row the warehouse does not hold for its key (a restore of either operator). */
export function noSuchRow(key: string, n: number, rows: number): WarehouseError {
  return new WarehouseError(
    `the checkpoint's state of key ${JSON.stringify(key)} names current row ${n}, but the warehouse holds ${rows} for it: the warehouse and its checkpoints disagree; replay the events into a new warehouse`,
  );
}

/**
 * What a restore gathers before it builds the key states (of either operator: this one and
 * engine/operator.ts): the state lines of the keys a partition owns (later lines of a checkpoint
 * chain win) and the current rows the warehouse returns, in any order, by key.
 */
export class RestoreGathering {
  private restoring: Map<string, Restoring> | undefined;
  private restoredRows: RestoredRowList | undefined;

  stateLine(line: string, accept: (key: string) => boolean): void {
    // The key is the line's first field: read it without parsing a line another partition owns.
    const key = leadingKey(line);
    if (key !== undefined && !accept(key)) return;
    const [parsedKey, keyValues, latest, recent, forgotten] = JSON.parse(line) as StateLine;
    if (key === undefined && !accept(parsedKey)) return;
    this.restoring ??= new Map();
    const had = this.restoring.get(parsedKey);
    if (had !== undefined) {
      had.keyValues = keyValues;
      had.latest = latest;
      had.recent = recent;
      had.forgotten = forgotten ?? null;
      had.stated = true;
    } else {
      this.restoring.set(parsedKey, { keyValues, latest, recent, forgotten: forgotten ?? null, stated: true, first: -1, last: -1 });
    }
  }

  rows(rows: RestoredRows): void {
    this.restoring ??= new Map();
    this.restoredRows ??= new RestoredRowList();
    const restoring = this.restoring;
    const list = this.restoredRows;
    const times = rows.times;
    for (let i = 0; i < rows.count; i++) {
      const key = restoredKey(rows, i);
      let r = restoring.get(key);
      if (r === undefined) {
        // A key whose state line is missing cannot have rows; keep them rather than lose them.
        r = { keyValues: rows.keyColumns.map((c) => c[i]), latest: null, recent: [], forgotten: null, stated: false, first: -1, last: -1 };
        restoring.set(key, r);
      }
      const row = list.add(rows.templates, rows.templateAt[2 * i]!, rows.templateAt[2 * i + 1]!, times[3 * i]!, times[3 * i + 1]!, times[3 * i + 2]!);
      if (r.last < 0) r.first = row;
      else list.next[r.last] = row;
      r.last = row;
    }
  }

  /**
   * Hands over every key gathered, then forgets them: keys with a state line in the state
   * files' order, then any without one by key (the same order whatever order the rows came in).
   */
  finish(restoreKey: (key: string, g: Restoring, list: RestoredRowList) => void): void {
    const gathered = this.restoring;
    const list = this.restoredRows ?? new RestoredRowList();
    this.restoring = undefined;
    this.restoredRows = undefined;
    if (gathered === undefined) return;
    const orphans: string[] = [];
    for (const [key, g] of gathered) {
      if (g.stated) restoreKey(key, g, list);
      else orphans.push(key);
    }
    orphans.sort();
    for (const key of orphans) restoreKey(key, gathered.get(key)!, list);
  }
}

/** What a restore gathers for one key: its state line's fields, and its first and last rows in the `RestoredRowList` (-1: none). */
export interface Restoring {
  keyValues: unknown[];
  latest: number | null;
  recent: StateLine[3];
  forgotten: number | null;
  /** Whether the key has a state line. */
  stated: boolean;
  first: number;
  last: number;
}

/**
 * The rows a restore gathers, in flat arrays (a few large arrays instead of two small ones per
 * key, which the garbage collector copies as they grow): templates as UTF-8 bytes in pages (off
 * the heap: a restore of 10M rows held as many strings until every row had come), times (three
 * per row) and each row's next row of the same key.
 */
export class RestoredRowList {
  readonly pages = new Pages();
  positions = new Float64Array(4096);
  lengths = new Int32Array(4096);
  times = new Float64Array(3 * 4096);
  next = new Int32Array(4096);
  private count = 0;

  /** A row, its template t[from, to). */
  add(t: Uint8Array, from: number, to: number, validFrom: number, validTo: number, systemFrom: number): number {
    const i = this.count++;
    if (i === this.next.length) {
      this.next = grownInt32(this.next, 2 * i);
      this.positions = grownFloat64(this.positions, 2 * i);
      this.lengths = grownInt32(this.lengths, 2 * i);
      this.times = grownFloat64(this.times, 6 * i);
    }
    this.positions[i] = this.pages.add(t, from, to);
    this.lengths[i] = to - from;
    this.times[3 * i] = validFrom;
    this.times[3 * i + 1] = validTo;
    this.times[3 * i + 2] = systemFrom;
    this.next[i] = -1;
    return i;
  }

  /** Row r's template: its page, offset and byte length. */
  page(r: number): Uint8Array {
    return this.pages.pageAt(this.positions[r]!);
  }

  offset(r: number): number {
    return this.pages.offset(this.positions[r]!);
  }

  /** Row r's template as text. */
  template(r: number): string {
    const o = this.offset(r);
    return utf8(this.page(r), o, o + this.lengths[r]!);
  }
}

/**
 * The key of a state line (its first field, a JSON string) read without parsing the line;
 * undefined when it holds an escape (then the line is parsed).
 */
export function leadingKey(line: string): string | undefined {
  if (line.charCodeAt(0) !== 91 || line.charCodeAt(1) !== 34) return undefined;
  const end = line.indexOf('"', 2);
  if (end < 0) return undefined;
  const key = line.slice(2, end);
  return key.indexOf('\\') < 0 ? key : undefined;
}

/**
 * The JSON text of a key's `StateLine`, built as a string: a checkpoint writes one per changed
 * key, and going through snapshot objects and JSON.stringify cost several times as much.
 */
function stateLine(e: KeyEntry): string {
  const state = e.state;
  const latest = state.latestSystemTime();
  const forgotten = state.forgottenStated();
  let text = '[' + JSON.stringify(e.key) + ',' + JSON.stringify(e.keyValues) + ',' + (latest === null ? 'null' : latest) + ',[';
  let first = true;
  let next = 0;
  state.forEachRemembered((validFrom, validTo, stated, payloadKey) => {
    let entry: string;
    const opened = payloadKey === null ? -1 : state.rowStartingAt(validFrom);
    if (opened >= 0 && state.systemFromAt(opened) === stated && state.payloadKeyAt(opened) === payloadKey) {
      entry = validTo === OPEN ? String(opened) : '[' + opened + ',' + validTo + ']';
    } else {
      let payload: string;
      if (payloadKey === null) payload = 'null';
      else {
        const row = state.rowWithPayloadKey(payloadKey, next);
        if (row >= 0) {
          payload = String(row);
          next = row + 1;
        } else payload = JSON.stringify(payloadKey);
      }
      entry = '[' + validFrom + ',' + (validTo === OPEN ? 'null' : validTo) + ',' + stated + ',' + payload + ']';
    }
    text += first ? entry : ',' + entry;
    first = false;
  });
  return text + (forgotten === null ? ']]' : '],' + forgotten + ']');
}
