/**
 * The keyed bi-temporal operator on the typed core: what operators/bitemporal.ts does (the same
 * staged rows, the same state lines, the same restore, the same counters and late events), with
 * the keys' states in engine/bitemporal.ts `BitemporalStates` (typed arrays, no object per key,
 * row or event) instead of one `BitemporalKeyState` object per key. operators/bitemporal.ts is
 * the reference it is held to: test/runtime/engine/operator.test.ts runs both on random events,
 * checkpoints and restores and compares every staged file and state line byte for byte.
 *
 * An event comes either from the fast mapping (engine/fast-mapper.ts: its key, payload key and
 * template as bytes, no JSON.parse) or from mapping.ts's `MappedEvent`. The core compares
 * payloads by their payload key's bytes; what the table stores of a row is its template (csv.ts
 * `RowTemplates.of`), the UTF-8 bytes of one per payload the state holds, kept here off the heap
 * (store.ts `ByteStrings`) by the id the core carries for it (its "pid"). A template outlives its
 * payload until the checkpoint has written every row that names it (a closed row's history
 * line, the difference of the current rows).
 *
 * Per key id: its canonical key (the row mapper's key string), its key values as JSON (for the
 * state line) and its key part (the staged lines' key columns). A new key's values are read by
 * the row mapper: the fast path hands an event of an unknown key back (`UNKNOWN_KEY`).
 */
import { OPEN } from '../bitemporal/types.ts';
import type { DatasetLayout } from '../dataset.ts';
import type { MappedEvent } from '../mapping.ts';
import type { Metrics } from '../metrics.ts';
import { noSuchRow, RestoreGathering, type LateEvent, type OperatorOptions, type RestoredRowList, type RestoredRows, type Restoring } from '../operators/bitemporal.ts';
import { RowTemplates, type StagedFile } from '../sink/csv.ts';
import { WarehouseError } from '../sink/duckdb.ts';
import { BitemporalStates, checkTimes, Doubles, DUPLICATE, REJECTED, UNCHANGED } from './bitemporal.ts';
import { Bytes, PUT, utf8, type FastMapper } from './fast-mapper.ts';
import { ByteStrings, hashBytes } from './store.ts';

/** `applyFast`: the event's key is not known yet; map it with the row mapper and `apply` it. */
export const UNKNOWN_KEY = 'unknown key';

/** A growable list of int32. */
class Ints {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(2 * this.length);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export class TypedBitemporalOperator {
  private readonly core: BitemporalStates;
  private readonly rowTemplates: RowTemplates;
  /** Row templates by the core's payload ids. */
  private readonly templates = new ByteStrings();
  /** Ids whose payload the core freed this interval: free once the checkpoint has written the table's rows. */
  private retired: number[] = [];
  /** Per key id. */
  private readonly keyTexts: string[] = [];
  private readonly keyValuesJson: string[] = [];
  private readonly keyParts: string[] = [];
  private epochOf = new Int32Array(1024);
  /** Where a dirty key's committed rows start in `committed`, and how many. */
  private committedAt = new Int32Array(1024);
  private committedCount = new Int32Array(1024);
  /** The rows of dirty keys as the warehouse holds them, copied when a key first changes in an interval: 4 doubles per row. */
  private readonly committed = new Doubles(4 * 4096);
  private readonly dirty = new Ints();
  private epoch = 1;
  private history: StagedFile | undefined;
  private currentDeletes: StagedFile | undefined;
  private currentRows: StagedFile | undefined;
  /** Bytes of a mapped event's key and payload key (the row mapper's path). */
  private readonly keyBytes = new Bytes();
  private readonly payloadBytes = new Bytes();

  /** Set by `apply` when the event it applied or rejected was late, else null. */
  late: LateEvent | null = null;

  constructor(layout: DatasetLayout, private readonly metrics: Metrics, options: OperatorOptions = {}) {
    this.rowTemplates = new RowTemplates(layout.spec.columns.map((c) => c.type), layout);
    this.core = new BitemporalStates({
      ...(options.dedupWindow !== undefined ? { dedupWindow: options.dedupWindow } : {}),
      ...(options.late !== undefined ? { late: options.late } : {}),
    });
    this.core.payloads.onFree = (pid) => this.retired.push(pid);
  }

  stageTo(history: StagedFile, currentDeletes: StagedFile, currentRows: StagedFile): void {
    this.history = history;
    this.currentDeletes = currentDeletes;
    this.currentRows = currentRows;
  }

  get keyCount(): number {
    return this.core.keyCount;
  }

  /** A template id for a template's text. */
  private takeId(template: string): number {
    const b = this.payloadBytes;
    b.len = 0;
    b.text(template);
    return this.templates.add(b.buf, 0, b.len);
  }

  /** Applies an event the fast mapping read (`FAST`); null, a rejection reason, or `UNKNOWN_KEY`. */
  applyFast(f: FastMapper): string | null {
    this.late = null;
    const put = f.op === PUT;
    const bad = checkTimes(f.validFrom, f.validTo, f.systemTime);
    if (bad !== null) return bad;
    const kb = f.key;
    const k = this.core.keys.find(kb.buf, 0, kb.len, hashBytes(kb.buf, 0, kb.len));
    if (k < 0) return UNKNOWN_KEY;
    return this.applyTo(k, put, f.validFrom, f.validTo, f.systemTime, f.payload.buf, f.payload.len, f, null);
  }

  /** Applies a mapped event; returns the reason when the core rejects it (rule 6, a late event under `late = dead_letter`), else null. */
  apply(ev: MappedEvent): string | null {
    this.late = null;
    const bad = checkTimes(ev.validFrom, ev.validTo, ev.systemTime);
    if (bad !== null) return bad;
    const kb = this.keyBytes;
    kb.len = 0;
    kb.text(ev.key);
    const hash = hashBytes(kb.buf, 0, kb.len);
    const before = this.core.keyCount;
    const k = this.core.key(kb.buf, 0, kb.len, hash);
    if (k === before) this.created(k, ev.key, this.rowTemplates.keyValues(ev.values));
    const put = ev.op === 'put';
    const pb = this.payloadBytes;
    pb.len = 0;
    let template: string | null = null;
    if (put) {
      template = this.rowTemplates.of(ev.values);
      pb.text(this.rowTemplates.payloadKey(template));
    }
    return this.applyTo(k, put, ev.validFrom, ev.validTo, ev.systemTime, pb.buf, pb.len, null, template);
  }

  private created(k: number, key: string, keyValues: unknown[]): void {
    this.keyTexts[k] = key;
    this.keyValuesJson[k] = JSON.stringify(keyValues);
    this.keyParts[k] = this.rowTemplates.keyPart(keyValues);
    if (k === this.epochOf.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const n = new Int32Array(2 * k);
        n.set(a);
        return n;
      };
      this.epochOf = grow(this.epochOf);
      this.committedAt = grow(this.committedAt);
      this.committedCount = grow(this.committedCount);
    }
    this.epochOf[k] = 0;
  }

  /** The core's apply and its accounting; the template from the fast mapping (its payload and rest) or as text. */
  private applyTo(k: number, put: boolean, vf: number, vt: number, st: number, pb: Uint8Array, pl: number, fast: FastMapper | null, template: string | null): string | null {
    const core = this.core;
    // The rows as committed, before this interval's first change of the key.
    const first = this.epochOf[k] !== this.epoch;
    const c = this.committed;
    const mark = c.length;
    if (first) {
      const n = core.rowCount[k]!;
      c.reserve(4 * n);
      const start = 4 * core.rows.start[k]!;
      c.data.set(core.rows.data.subarray(start, start + 4 * n), mark);
      // The payload slots become the ids of their templates (a slot is reused once freed; an id only after the checkpoint).
      for (let i = 0; i < n; i++) c.data[mark + 4 * i + 3] = core.payloads.pid(c.data[mark + 4 * i + 3]!);
      c.length = mark + 4 * n;
    }
    const h = core.history;
    h.length = 0;
    const templates = this.templates;
    const pid = templates.nextId();
    const code = core.apply(k, put, vf, vt, st, pb, 0, pl, hashBytes(pb, 0, pl), pid);
    const m = this.metrics;
    if (core.late) {
      m.lateEvents++;
      this.late = { key: this.keyTexts[k]!, stated: st, forgotten: core.forgottenStated, appliedAt: code === REJECTED ? null : core.systemTime };
    }
    if (core.usedPayload) {
      if (fast !== null) templates.add(fast.payload.buf, 0, fast.payload.len, fast.rest.buf, 0, fast.rest.len);
      else this.takeId(template!);
    }
    if (code === REJECTED || code === DUPLICATE) {
      c.length = mark;
      if (code === REJECTED) return core.rejected;
      m.duplicates++;
      return null;
    }
    if (core.adjusted) m.adjustedSystemTimes++;
    if (first) {
      this.epochOf[k] = this.epoch;
      this.committedAt[k] = mark;
      this.committedCount[k] = (c.length - mark) / 4;
      this.dirty.push(k);
    }
    if (code === UNCHANGED) {
      m.unchanged++;
      return null;
    }
    m.changed++;
    m.rowsOut += core.rowWrites;
    if (h.length > 0) {
      const history = this.history!;
      const keyPart = this.keyParts[k]!;
      const d = h.data;
      for (let at = 0; at < h.length; at += 5) {
        const id = d[at]!;
        const o = templates.offset(id);
        history.rowOf(keyPart, templates.page(id), o, o + templates.length(id), d[at + 1]!, d[at + 2]!, d[at + 3]!, d[at + 4]!);
      }
      h.length = 0;
    }
    return null;
  }

  /**
   * Closes this checkpoint interval's staged files (operators/bitemporal.ts `drainTable`): the
   * current rows of every key changed in the interval as the difference with what the warehouse
   * holds. Then the templates of payloads freed in the interval are freed too.
   */
  drainTable(): { history: string | null; currentDeletes: string | null; currentRows: string | null } {
    const deletes = this.currentDeletes;
    const inserts = this.currentRows;
    if (deletes !== undefined && inserts !== undefined) {
      const core = this.core;
      const templates = this.templates;
      const c = this.committed.data;
      const dirty = this.dirty.data;
      for (let x = 0; x < this.dirty.length; x++) {
        const k = dirty[x]!;
        const keyPart = this.keyParts[k]!;
        const wasAt = this.committedAt[k]!;
        const was = this.committedCount[k]!;
        const n = core.rowCount[k]!;
        const base = 4 * core.rows.start[k]!;
        const rows = core.rows.data;
        let i = 0;
        let j = 0;
        while (i < was || j < n) {
          const w = wasAt + 4 * i;
          const s = base + 4 * j;
          const wFrom = i < was ? c[w]! : Number.POSITIVE_INFINITY;
          const sFrom = j < n ? rows[s]! : Number.POSITIVE_INFINITY;
          if (wFrom === sFrom && c[w + 1] === rows[s + 1] && c[w + 2] === rows[s + 2] && templates.equals(c[w + 3]!, core.payloads.pid(rows[s + 3]!))) {
            i++;
            j++;
          } else if (wFrom <= sFrom) {
            deletes.identity(keyPart, wFrom, c[w + 2]!);
            i++;
          } else {
            const id = core.payloads.pid(rows[s + 3]!);
            const o = templates.offset(id);
            inserts.rowOf(keyPart, templates.page(id), o, o + templates.length(id), sFrom, rows[s + 1]!, rows[s + 2]!, Number.POSITIVE_INFINITY);
            j++;
          }
        }
      }
    }
    const out = { history: this.history?.close() ?? null, currentDeletes: deletes?.close() ?? null, currentRows: inserts?.close() ?? null };
    this.history = undefined;
    this.currentDeletes = undefined;
    this.currentRows = undefined;
    // Every row naming a freed payload's template is written now.
    for (const id of this.retired) this.templates.release(id);
    this.retired = [];
    this.templates.compact();
    return out;
  }

  /** State lines for a checkpoint (operators/bitemporal.ts `drainState`): every key, or those changed since the previous one. */
  *drainState(full: boolean): Generator<string> {
    if (full) for (let k = 0; k < this.core.keyCount; k++) yield this.stateLine(k);
    else for (let x = 0; x < this.dirty.length; x++) yield this.stateLine(this.dirty.data[x]!);
    this.discardStateChanges();
  }

  discardStateChanges(): void {
    this.dirty.length = 0;
    this.committed.length = 0;
    this.epoch++;
  }

  /** A key's state line, the text operators/bitemporal.ts `stateLine` writes. */
  private stateLine(k: number): string {
    const core = this.core;
    const clock = core.clock[k]!;
    const forgotten = core.forgotten[k]!;
    const payloads = core.payloads;
    let text = '[' + JSON.stringify(this.keyTexts[k]) + ',' + this.keyValuesJson[k] + ',' + (clock === Number.NEGATIVE_INFINITY ? 'null' : clock) + ',[';
    let first = true;
    let next = 0;
    const n = core.rowCount[k]!;
    core.forEachRemembered(k, (validFrom, validTo, stated, slot) => {
      let entry: string;
      const opened = slot < 0 ? -1 : this.rowStartingAt(k, validFrom);
      if (opened >= 0 && core.rowSystemFrom(k, opened) === stated && payloads.same(core.rowSlot(k, opened), slot)) {
        entry = validTo === OPEN ? String(opened) : '[' + opened + ',' + validTo + ']';
      } else {
        let payload: string;
        if (slot < 0) payload = 'null';
        else {
          let row = -1;
          for (let i = next; i < n && row < 0; i++) if (payloads.same(core.rowSlot(k, i), slot)) row = i;
          for (let i = 0; i < next && i < n && row < 0; i++) if (payloads.same(core.rowSlot(k, i), slot)) row = i;
          if (row >= 0) {
            payload = String(row);
            next = row + 1;
          } else {
            const b = payloads.bytes(slot);
            payload = JSON.stringify(utf8(b, 0, b.length));
          }
        }
        entry = '[' + validFrom + ',' + (validTo === OPEN ? 'null' : validTo) + ',' + stated + ',' + payload + ']';
      }
      text += first ? entry : ',' + entry;
      first = false;
    });
    return text + (forgotten === Number.NEGATIVE_INFINITY ? ']]' : '],' + forgotten + ']');
  }

  /** The index of key k's current row starting at `validFrom`, or -1. */
  private rowStartingAt(k: number, validFrom: number): number {
    const core = this.core;
    let lo = 0;
    let hi = core.rowCount[k]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (core.rowValidFrom(k, mid) < validFrom) lo = mid + 1;
      else hi = mid;
    }
    return lo < core.rowCount[k]! && core.rowValidFrom(k, lo) === validFrom ? lo : -1;
  }

  // ---- restore: state lines first, then the current rows, then finish ----------------------

  private readonly restoring = new RestoreGathering();

  restoreStateLine(line: string, accept: (key: string) => boolean): void {
    this.restoring.stateLine(line, accept);
  }

  restoreRows(rows: RestoredRows): void {
    this.restoring.rows(rows);
  }

  finishRestore(): void {
    this.restoring.finish((key, g, list) => {
      // The restored templates' pages become the templates' own: no copy.
      if (list !== this.adoptedFrom) {
        this.adoptedFrom = list;
        this.adoptedBase = this.templates.adopt(list.pages);
      }
      this.restoreKey(key, g, list);
    });
    this.adoptedFrom = null;
  }

  private adoptedFrom: RestoredRowList | null = null;
  private adoptedBase = 0;

  /** A remembered event's payload (no row holds it) from its payload key's text; its template is empty. */
  private addPayload(payloadKey: string): number {
    const id = this.templates.add(this.payloadBytes.buf, 0, 0);
    const pb = this.payloadBytes;
    pb.len = 0;
    pb.text(payloadKey);
    return this.core.payloads.add(pb.buf, 0, pb.len, hashBytes(pb.buf, 0, pb.len), id);
  }

  /** Restored row r's payload, with its template (the payload key is its prefix) in the adopted pages. */
  private addRowPayload(list: RestoredRowList, r: number): number {
    const t = this.templates;
    const id = t.adopted(this.adoptedBase + list.positions[r]!, list.lengths[r]!);
    const page = t.page(id);
    const from = t.offset(id);
    const to = from + t.length(id);
    const end = this.rowTemplates.payloadKeyEnd(page, from, to);
    return this.core.payloads.add(page, from, end, hashBytes(page, from, end), id);
  }

  private restoreKey(key: string, g: Restoring, list: RestoredRowList): void {
    const core = this.core;
    const kb = this.keyBytes;
    kb.len = 0;
    kb.text(key);
    const before = core.keyCount;
    const k = core.key(kb.buf, 0, kb.len, hashBytes(kb.buf, 0, kb.len));
    if (k !== before) throw new WarehouseError(`the checkpoint's state holds key ${JSON.stringify(key)} twice: the warehouse and its checkpoints disagree; replay the events into a new warehouse`);
    this.created(k, key, g.keyValues);
    let count = 0;
    for (let r = g.first; r >= 0; r = list.next[r]!) count++;
    core.reserveRows(k, count);
    for (let r = g.first; r >= 0; r = list.next[r]!) core.addRow(k, list.times[3 * r]!, list.times[3 * r + 1]!, list.times[3 * r + 2]!, this.addRowPayload(list, r));
    core.sortRows(k);
    const rows = core.rowCount[k]!;
    const recent = g.recent;
    if (3 * recent.length > this.entries.length) this.entries = new Float64Array(6 * recent.length);
    const entries = this.entries;
    const slots = this.slots;
    slots.length = 0;
    for (let j = 0; j < recent.length; j++) {
      const e = recent[j]!;
      if (typeof e === 'number' || e.length === 2) {
        const row = typeof e === 'number' ? e : e[0];
        if (!(row >= 0 && row < rows)) throw noSuchRow(key, row, rows);
        entries[3 * j] = core.rowValidFrom(k, row);
        entries[3 * j + 1] = typeof e === 'number' ? OPEN : e[1];
        entries[3 * j + 2] = core.rowSystemFrom(k, row);
        const slot = core.rowSlot(k, row);
        core.payloads.retain(slot);
        slots.push(slot);
        continue;
      }
      const [validFrom, validTo, stated, p] = e;
      entries[3 * j] = validFrom;
      entries[3 * j + 1] = validTo ?? OPEN;
      entries[3 * j + 2] = stated;
      if (p === null) slots.push(-1);
      else if (typeof p === 'number') {
        if (!(p >= 0 && p < rows)) throw noSuchRow(key, p, rows);
        const slot = core.rowSlot(k, p);
        core.payloads.retain(slot);
        slots.push(slot);
      } else slots.push(this.addPayload(p));
    }
    core.restoreKey(k, g.latest ?? Number.NEGATIVE_INFINITY, g.forgotten ?? Number.NEGATIVE_INFINITY, entries, slots);
  }

  /** A restore's scratch: a key's remembered events (3 times each) and their payload slots. */
  private entries = new Float64Array(3 * 64);
  private readonly slots: number[] = [];

}
