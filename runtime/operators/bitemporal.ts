/**
 * The keyed bi-temporal operator (Flink: a KeyedProcessFunction with keyed state). It keeps one
 * `BitemporalKeyState` per key, applies each mapped event with the core (DESIGN.md section 2),
 * and collects what the table must receive at the next checkpoint:
 *
 * - history: the closed rows, each written once (a closed row never changes again);
 * - current-row operations in order: an upsert for every `added` row, a delete for every
 *   `removed` row and for every closed row's identity (the current row it replaces). The sink
 *   keeps the last operation per (key, valid_from, system_from). (Keeping only each row's last
 *   version in memory until the checkpoint was measured: it costs more in garbage collection
 *   than it saves in writing.)
 *
 * Its state has two parts. The current rows are the table's own current rows: a restore reads
 * them back from the warehouse, which committed them with the checkpoint. What the table does
 * not hold, each key's latest system time and the events it remembers for rule 4, goes to the
 * checkpoint's state files (`StateLine`), with a remembered payload written as the index of the
 * current row that holds it when there is one (nearly always), so a key costs a few dozen bytes.
 */
import { ApplyResult, BitemporalKeyState, OPEN, type AppliedEventSnapshot, type CurrentRowSnapshot } from '../bitemporal/index.ts';
import type { DatasetLayout } from '../dataset.ts';
import type { MappedEvent } from '../mapping.ts';
import type { Metrics } from '../metrics.ts';
import { RowTemplates, type StagedFile } from '../sink/csv.ts';

/**
 * A row's payload in the core: its CSV template (csv.ts `RowTemplates`), one string per row
 * instead of an array of values, which keeps a large state cheap for the garbage collector.
 */
type Row = string;

interface KeyEntry {
  readonly key: string;
  readonly keyValues: unknown[];
  /** The template of this key's identity lines (key columns only), made on first use. */
  identity?: string;
  state: BitemporalKeyState<Row>;
  /** The state epoch in which the state last changed (0: not since the restore). */
  epoch: number;
}

/**
 * One line of a state file: key, key values, latest system time, and the remembered events as
 * [valid_from, valid_to (null: open), stated system time, payload], where the payload is the
 * index of the current row holding it, its payload key as a string, or null for a delete.
 */
export type StateLine = [key: string, keyValues: unknown[], latest: number | null, recent: [number, number | null, number, number | string | null][]];

/** A current row read back from the warehouse on restore. */
export interface RestoredRow {
  readonly values: unknown[];
  readonly validFrom: number;
  readonly validTo: number | null;
  readonly systemFrom: number;
}

export interface OperatorOptions {
  readonly dedupWindow?: number;
}

export class BitemporalOperator {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly result = new ApplyResult<Row>();
  private epoch = 1;
  private dirty: KeyEntry[] = [];
  private readonly templates: RowTemplates;
  private history: StagedFile | undefined;
  private ops: StagedFile | undefined;
  private seq = 0;
  private readonly keyIndexes: readonly number[];
  private readonly columnCount: number;

  constructor(layout: DatasetLayout, private readonly metrics: Metrics, private readonly options: OperatorOptions = {}) {
    this.templates = new RowTemplates(layout.spec.columns.map((c) => c.type), layout.validFromIndex, layout.validToIndex);
    this.keyIndexes = layout.keyIndexes;
    this.columnCount = layout.spec.columns.length;
  }

  /** Where this checkpoint interval's table writes go: history rows and current-row operations. */
  stageTo(history: StagedFile, ops: StagedFile): void {
    this.history = history;
    this.ops = ops;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  /** Applies one event; returns the reason when the core rejects it (rule 6), else null. */
  apply(ev: MappedEvent): string | null {
    let entry = this.keys.get(ev.key);
    let created = false;
    if (entry === undefined) {
      entry = { key: ev.key, keyValues: this.keyIndexes.map((i) => ev.values[i]), state: new BitemporalKeyState<Row>(this.options), epoch: 0 };
      this.keys.set(ev.key, entry);
      created = true;
    }
    const out = entry.state.apply(
      ev.op === 'put'
        ? { op: 'put', validFrom: ev.validFrom, validTo: ev.validTo, systemTime: ev.systemTime, payload: this.templates.of(ev.values), payloadKey: ev.payloadKey }
        : { op: 'delete', validFrom: ev.validFrom, validTo: ev.validTo, systemTime: ev.systemTime },
      this.result,
    );
    const m = this.metrics;
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
    if (entry.epoch !== this.epoch) {
      entry.epoch = this.epoch;
      this.dirty.push(entry);
    }
    if (!out.changed) {
      m.unchanged++;
      return null;
    }
    m.changed++;
    m.rowsOut += out.closed.length + out.added.length;
    const t = this.templates;
    const history = this.history!;
    const ops = this.ops!;
    const closed = out.closed;
    const added = out.added;
    for (let i = 0; i < closed.length; i++) {
      const vf = closed.validFrom(i);
      const sf = closed.systemFrom(i);
      history.line(t.line(closed.payload(i), vf, closed.validTo(i), sf, closed.systemTo(i)));
      // The closed piece was a whole current row unless the row was cut inside: then its start
      // stays current as an added prefix (same system_from, ending where the piece begins), and
      // the piece is a new identity that no current row has: nothing to delete.
      let cutInside = false;
      for (let j = 0; j < added.length; j++) {
        if (added.systemFrom(j) === sf && added.validTo(j) === vf) {
          cutInside = true;
          break;
        }
      }
      if (!cutInside) ops.line(`${this.seq++},D,${t.line(this.identity(entry), vf, OPEN, sf, OPEN)}`);
    }
    for (const id of out.removed) ops.line(`${this.seq++},D,${t.line(this.identity(entry), id.validFrom, OPEN, id.systemFrom, OPEN)}`);
    for (let i = 0; i < added.length; i++) {
      ops.line(`${this.seq++},U,${t.line(added.payload(i), added.validFrom(i), added.validTo(i), added.systemFrom(i), OPEN)}`);
    }
    return null;
  }

  /**
   * The template of a key's identity lines: the key columns, every other field empty (a delete
   * names a row by key, valid_from and system_from).
   */
  private identity(entry: KeyEntry): string {
    if (entry.identity === undefined) {
      const values = new Array<unknown>(this.columnCount).fill(null);
      this.keyIndexes.forEach((c, k) => (values[c] = entry.keyValues[k]));
      entry.identity = this.templates.of(values);
    }
    return entry.identity;
  }

  /** Closes this checkpoint interval's staged files: their paths, null for a file with no line. */
  drainTable(): { history: string | null; ops: string | null } {
    const out = { history: this.history?.close() ?? null, ops: this.ops?.close() ?? null };
    this.history = undefined;
    this.ops = undefined;
    return out;
  }

  /**
   * State lines for a checkpoint: every key (`full`) or those whose state changed since the
   * previous one. Starts the next epoch.
   */
  *drainState(full: boolean): Generator<string> {
    const entries = full ? this.keys.values() : this.dirty.values();
    for (const e of entries) yield JSON.stringify(stateLine(e));
    this.discardStateChanges();
  }

  /** Starts the next epoch without writing state (a run without checkpoints). */
  discardStateChanges(): void {
    this.dirty = [];
    this.epoch++;
  }

  // ---- restore: state lines first, then the current rows, then finish ----------------------

  private restoring: Map<string, { keyValues: unknown[]; latest: number | null; recent: StateLine[3]; rows: RestoredRow[] }> | undefined;

  /** Reads one state line (later lines of the chain win); `accept` filters the keys this partition owns. */
  restoreStateLine(line: string, accept: (key: string) => boolean): void {
    const [key, keyValues, latest, recent] = JSON.parse(line) as StateLine;
    if (!accept(key)) return;
    this.restoring ??= new Map();
    const had = this.restoring.get(key);
    this.restoring.set(key, { keyValues, latest, recent, rows: had?.rows ?? [] });
  }

  /** Adds a current row of `key` from the warehouse (rows of a key in valid_from order). */
  restoreRow(key: string, row: RestoredRow): void {
    this.restoring ??= new Map();
    let r = this.restoring.get(key);
    if (r === undefined) {
      // A key whose state line is missing cannot have rows; keep them rather than lose them.
      r = { keyValues: this.keyIndexes.map((i) => row.values[i]), latest: null, recent: [], rows: [] };
      this.restoring.set(key, r);
    }
    r.rows.push(row);
  }

  /** Builds the key states from what restore* gathered; `payloadKey` is the mapper's. */
  finishRestore(payloadKey: (values: readonly unknown[]) => string): void {
    const gathered = this.restoring;
    this.restoring = undefined;
    if (gathered === undefined) return;
    for (const [key, g] of gathered) {
      const rows: CurrentRowSnapshot<Row>[] = g.rows.map((r) => ({
        validFrom: r.validFrom,
        validTo: r.validTo,
        systemFrom: r.systemFrom,
        payload: this.templates.of(r.values),
        payloadKey: payloadKey(r.values),
      }));
      const recent: AppliedEventSnapshot[] = g.recent.map(([validFrom, validTo, systemTime, p]) => ({
        op: p === null ? 'delete' : 'put',
        validFrom,
        validTo,
        systemTime,
        payloadKey: p === null ? '' : typeof p === 'number' ? rows[p]!.payloadKey : p,
      }));
      const state = BitemporalKeyState.fromSnapshot<Row>({ latestSystemTime: g.latest, rows, recent }, this.options);
      this.keys.set(key, { key, keyValues: g.keyValues, state, epoch: 0 });
    }
  }
}

function stateLine(e: KeyEntry): StateLine {
  const snapshot = e.state.toSnapshot();
  const index = new Map<string, number>();
  snapshot.rows.forEach((r, i) => {
    if (!index.has(r.payloadKey)) index.set(r.payloadKey, i);
  });
  const recent = snapshot.recent.map((a): StateLine[3][number] => [
    a.validFrom,
    a.validTo,
    a.systemTime,
    a.op === 'delete' ? null : index.get(a.payloadKey) ?? a.payloadKey,
  ]);
  return [e.key, e.keyValues, snapshot.latestSystemTime, recent];
}
