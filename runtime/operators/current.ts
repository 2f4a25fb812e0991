/**
 * The keyed current-state operator: a dataset with a `key` and no `bitemporal` block. It
 * keeps one `CurrentKeyState` per key (current/state.ts: the key's row and its last applied
 * events), and at each checkpoint writes the table the difference with what the warehouse holds,
 * as the bi-temporal operator writes its current rows: for each key changed in the interval,
 * the key's committed row is deleted (by key) when it is gone or different, and its row now is
 * inserted when it is new or different. A key upserted several times between two checkpoints
 * costs one delete and one insert.
 *
 * Its state has the same two parts as the bi-temporal operator's: the rows are the table's own
 * (a restore reads them back from the warehouse), and the remembered events go to the
 * checkpoint's state files, one line per key: `[key, key values, null, recent]`, where each
 * remembered event is `0` when it is the put that holds the key's row now (nearly always the
 * newest), null for a delete, or the payload key of another put (the compared columns' part of
 * its csv.ts row template). A key with no row (after a delete) keeps its line, so a redelivery
 * of an event it remembers is still recognized after a restart.
 */
import { CurrentKeyState } from '../current/state.ts';
import type { DatasetLayout } from '../dataset.ts';
import type { MappedEvent } from '../mapping.ts';
import type { Metrics } from '../metrics.ts';
import { RowTemplates, type StagedFile } from '../sink/csv.ts';
import { WarehouseError } from '../sink/duckdb.ts';
import { leadingKey, restoredKey, restoredTemplate, type RestoredRows } from './bitemporal.ts';

/** A row in the state: its csv.ts template (the payload columns, compared ones first). */
type Row = string;

interface KeyEntry {
  readonly key: string;
  readonly keyValues: unknown[];
  /** The key columns of this key's staged lines. */
  readonly keyPart: string;
  readonly state: CurrentKeyState<Row>;
  /** The state epoch in which the state last changed (0: not since the restore). */
  epoch: number;
  /** The row the warehouse holds for the key (at the last checkpoint), kept when it first changes in an interval. */
  committed: Row | null;
}

/** A current-state key's state line: key, key values, no clock (null), remembered events. */
export type CurrentStateLine = [key: string, keyValues: unknown[], clock: null, recent: (0 | string | null)[]];

export class CurrentOperator {
  private readonly keys = new Map<string, KeyEntry>();
  private epoch = 1;
  private dirty: KeyEntry[] = [];
  private readonly templates: RowTemplates;
  private currentDeletes: StagedFile | undefined;
  private currentRows: StagedFile | undefined;

  constructor(layout: DatasetLayout, private readonly metrics: Metrics, private readonly dedupWindow: number | undefined) {
    this.templates = new RowTemplates(layout.spec.columns.map((c) => c.type), layout);
  }

  /** Where this checkpoint interval's table writes go: the keys of rows to delete, the rows to insert. */
  stageTo(currentDeletes: StagedFile, currentRows: StagedFile): void {
    this.currentDeletes = currentDeletes;
    this.currentRows = currentRows;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  /** Applies one event; nothing is rejected here (the mapper rejected the bad ones). */
  apply(ev: MappedEvent): null {
    let entry = this.keys.get(ev.key);
    let created = false;
    const t = this.templates;
    if (entry === undefined) {
      const keyValues = t.keyValues(ev.values);
      entry = { key: ev.key, keyValues, keyPart: t.keyPart(keyValues), state: new CurrentKeyState<Row>(this.dedupWindow), epoch: 0, committed: null };
      this.keys.set(ev.key, entry);
      created = true;
    }
    const committed = created ? null : entry.state.row;
    let outcome;
    if (ev.op === 'put') {
      const row = t.of(ev.values);
      outcome = entry.state.apply(row, t.payloadKey(row));
    } else {
      outcome = entry.state.apply(null, null);
    }
    const m = this.metrics;
    if (outcome === 'duplicate') {
      m.duplicates++;
      return null;
    }
    if (entry.epoch !== this.epoch) {
      entry.epoch = this.epoch;
      entry.committed = committed;
      this.dirty.push(entry);
    }
    if (outcome === 'unchanged') {
      m.unchanged++;
      return null;
    }
    m.changed++;
    if (ev.op === 'put') m.rowsOut++;
    return null;
  }

  /** Closes this interval's staged files, writing each changed key's difference with the warehouse. */
  drainTable(): { currentDeletes: string | null; currentRows: string | null } {
    const deletes = this.currentDeletes;
    const inserts = this.currentRows;
    if (deletes !== undefined && inserts !== undefined) {
      for (const e of this.dirty) {
        const was = e.committed;
        const now = e.state.row;
        e.committed = null;
        if (was === now) continue;
        if (was !== null) deletes.line(e.keyPart);
        if (now !== null) inserts.line(e.keyPart + now);
      }
    }
    const out = { currentDeletes: deletes?.close() ?? null, currentRows: inserts?.close() ?? null };
    this.currentDeletes = undefined;
    this.currentRows = undefined;
    return out;
  }

  /** State lines for a checkpoint: every key (`full`) or those changed since the previous one. Starts the next epoch. */
  *drainState(full: boolean): Generator<string> {
    const entries = full ? this.keys.values() : this.dirty.values();
    for (const e of entries) {
      const rowKey = e.state.rowKey;
      let recent = '';
      e.state.forEachRemembered((k) => {
        recent += (recent === '' ? '' : ',') + (k === null ? 'null' : k === rowKey ? '0' : JSON.stringify(k));
      });
      yield '[' + JSON.stringify(e.key) + ',' + JSON.stringify(e.keyValues) + ',null,[' + recent + ']]';
    }
    this.discardStateChanges();
  }

  discardStateChanges(): void {
    this.dirty = [];
    this.epoch++;
  }

  // ---- restore: state lines, then the rows, then finish --------------------------------------

  private restoring: Map<string, { keyValues: unknown[]; recent: CurrentStateLine[3] | null; row: Row | null }> | undefined;

  restoreStateLine(line: string, accept: (key: string) => boolean): void {
    const key = leadingKey(line);
    if (key !== undefined && !accept(key)) return;
    const [parsedKey, keyValues, , recent] = JSON.parse(line) as CurrentStateLine;
    if (key === undefined && !accept(parsedKey)) return;
    this.restoring ??= new Map();
    const had = this.restoring.get(parsedKey);
    if (had !== undefined) {
      had.recent = recent;
      return;
    }
    this.restoring.set(parsedKey, { keyValues, recent, row: null });
  }

  restoreRows(rows: RestoredRows): void {
    this.restoring ??= new Map();
    for (let i = 0; i < rows.count; i++) {
      const key = restoredKey(rows, i);
      let r = this.restoring.get(key);
      if (r === undefined) {
        // A key whose state line is missing: keep its row rather than lose it.
        r = { keyValues: rows.keyColumns.map((c) => c[i]), recent: null, row: null };
        this.restoring.set(key, r);
      }
      if (r.row !== null) {
        throw new WarehouseError(`the warehouse holds more than one row for key ${JSON.stringify(key)} of a current-state table: it was changed outside lakec; replay the events into a new warehouse`);
      }
      r.row = restoredTemplate(rows, i);
    }
  }

  finishRestore(): void {
    const gathered = this.restoring;
    this.restoring = undefined;
    if (gathered === undefined) return;
    const t = this.templates;
    // Keys with a state line in the state files' order, then the others by key.
    const ordered = [...gathered.entries()].filter(([, g]) => g.recent !== null);
    ordered.push(...[...gathered.entries()].filter(([, g]) => g.recent === null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const [key, g] of ordered) {
      const rowKey = g.row === null ? null : t.payloadKeyOf(g.row);
      const recent = (g.recent ?? []).map((e) => {
        if (e !== 0) return e;
        if (rowKey === null) {
          throw new WarehouseError(
            `the checkpoint's state of key ${JSON.stringify(key)} names its current row, but the warehouse holds none for it: the warehouse and its checkpoints disagree; replay the events into a new warehouse`,
          );
        }
        return rowKey;
      });
      const state = CurrentKeyState.fromSnapshot<Row>({ row: g.row, rowKey, recent }, this.dedupWindow);
      this.keys.set(key, { key, keyValues: g.keyValues, keyPart: t.keyPart(g.keyValues), state, epoch: 0, committed: null });
    }
  }
}
