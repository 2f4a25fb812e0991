/**
 * Row mapping and validation: one event (the JSON object as published to the stream) becomes
 * the dataset's row, or a rejection with the reason. Each column reads its SOURCE (a JSON path,
 * `raw_payload()` or `ingestion_time()`), is coerced to its type (coerce.ts), and then every
 * `@check` runs on the whole row. For a bi-temporal dataset the mapped event also carries what
 * the core needs: op, key, valid interval, system time and the payload key.
 *
 * A keyed dataset reads the event's `op`: absent or `"put"` is a put, `"delete"` a delete, and
 * any other value (`"DELETE"`, `"upsert"`, `1`, `null`) is a bad event whose reason names the
 * accepted values (a casing typo must not turn a delete into an insert). A delete needs only the
 * key, the valid interval and the system time: its payload columns are not read. An append-only
 * dataset stores every event as it is and does not read `op`.
 */
import { OPEN } from './bitemporal/index.ts';
import { compileCheck, type Predicate } from './checks.ts';
import { coercer, describe, INEXACT, Invalid, numberTextCoercer, type Coercer } from './coerce.ts';
import { isWellFormed, loneSurrogate, numberTextAt } from './json-text.ts';
import { layoutOf, type DatasetLayout, type DatasetSpec } from './dataset.ts';

/** One mapped event. `values` holds every column in declared order and is the row's payload. */
export interface MappedEvent {
  op: 'put' | 'delete';
  /** Canonical key: the single key value as text, or the key values as a JSON array. */
  key: string;
  values: unknown[];
  validFrom: number;
  /** OPEN when the valid interval is open. */
  validTo: number;
  /** As the event states it (or the arrival time with `system = ingestion`). */
  systemTime: number;
}

/** Why an event was rejected. `reason` is the message written to the dead-letter output. */
export interface Rejection {
  readonly rejected: true;
  readonly reason: string;
  readonly column?: string;
}

export function isRejection(x: MappedEvent | Rejection): x is Rejection {
  return (x as Rejection).rejected === true;
}

type Reader = (event: Record<string, unknown>, raw: string, ingestionTime: number) => unknown;

interface CompiledColumn {
  readonly name: string;
  readonly where: string;
  readonly optional: boolean;
  readonly read: Reader;
  readonly coerce: Coercer;
  /** The column's JSON path, and the coercer of its number's text when `coerce` may answer INEXACT. */
  readonly segments: readonly (string | number)[];
  readonly exact: ((text: string) => unknown) | undefined;
  /** Read for deletes too (key, valid interval, system time). */
  readonly identity: boolean;
}

function pathReader(segments: readonly (string | number)[]): Reader {
  if (segments.length === 1) {
    const s = segments[0]!;
    return (e) => e[s as string];
  }
  if (segments.length === 2) {
    const [a, b] = segments as [string | number, string | number];
    return (e) => {
      const x = e[a as string] as Record<string, unknown> | null | undefined;
      return x === null || typeof x !== 'object' ? undefined : x[b as string];
    };
  }
  return (e) => {
    let x: unknown = e;
    for (const s of segments) {
      if (x === null || typeof x !== 'object') return undefined;
      x = (x as Record<string, unknown>)[s as string];
    }
    return x;
  };
}

/**
 * The reason of an `op` other than the accepted ones. The accepted values are named in it
 * (shared with the Java processor through test/vectors/mapping).
 */
export function opReason(given: unknown): string {
  return `'op' must be "put" or "delete" (or absent for a put), got ${describe(given)}`;
}

/** raw_payload(): the text as received, which the table stores when it is valid Unicode. */
function rawPayload(v: unknown): unknown {
  const text = v as string;
  if (isWellFormed(text)) return text;
  return new Invalid(`the event's text holds a lone UTF-16 surrogate (${loneSurrogate(text)!.escape}) at character ${loneSurrogate(text)!.index}, which UTF-8, and so the table, cannot store`);
}

const rejection = (reason: string, column?: string): Rejection => (column !== undefined ? { rejected: true, reason, column } : { rejected: true, reason });

export class RowMapper {
  readonly layout: DatasetLayout;
  private readonly columns: CompiledColumn[];
  private readonly checks: { column: string; text: string; test: Predicate }[];
  private readonly bitemporal: boolean;
  /** Keyed datasets read `op` (put or delete); an append-only one stores every event. */
  private readonly readsOp: boolean;
  private readonly singleKey: number;

  constructor(readonly spec: DatasetSpec) {
    this.layout = layoutOf(spec);
    const identity = new Set<number>([...this.layout.keyIndexes, this.layout.validFromIndex, this.layout.validToIndex, this.layout.systemIndex]);
    this.columns = spec.columns.map((c, i): CompiledColumn => {
      const src = c.source;
      const read: Reader =
        src.kind === 'path' ? pathReader(src.segments) : src.kind === 'raw_payload' ? (_e, raw) => raw : (_e, _raw, at) => at;
      const where = src.kind === 'path' ? src.path : `${src.kind}()`;
      // ingestion_time() is already epoch milliseconds; raw_payload() is the text as received,
      // which the table can store when it is valid Unicode (a text given by code may not be).
      const coerce = src.kind === 'path' ? coercer(c.type) : src.kind === 'raw_payload' ? rawPayload : (v: unknown) => v;
      const segments = src.kind === 'path' ? src.segments : [];
      return { name: c.name, where, optional: c.optional, read, coerce, segments, exact: src.kind === 'path' ? numberTextCoercer(c.type) : undefined, identity: identity.has(i) };
    });
    this.checks = spec.columns.flatMap((c) => c.checks.map((k) => ({ column: c.name, text: k.text, test: compileCheck(k.expr, spec.columns) })));
    this.bitemporal = spec.mode === 'bitemporal';
    this.readsOp = spec.mode !== 'append';
    this.singleKey = this.layout.keyIndexes.length === 1 ? this.layout.keyIndexes[0]! : -1;
  }

  /**
   * Maps one event. `raw` is its text as received (for `raw_payload()` and the dead-letter
   * output); `parsed` its JSON value when the caller already parsed it.
   */
  map(raw: string, ingestionTime: number, parsed?: unknown): MappedEvent | Rejection {
    let event: unknown = parsed;
    if (event === undefined) {
      try {
        event = JSON.parse(raw);
      } catch (e) {
        return rejection(`malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return rejection(`the event is ${describe(event)}, not a JSON object`);
    const e = event as Record<string, unknown>;
    let op: 'put' | 'delete' = 'put';
    if (this.readsOp) {
      const given = e['op'];
      if (given === 'delete') op = 'delete';
      else if (given !== undefined && given !== 'put') return rejection(opReason(given));
    }
    const columns = this.columns;
    const values = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (op === 'delete' && !c.identity) {
        values[i] = null;
        continue;
      }
      const x = this.column(c, e, raw, ingestionTime);
      if (x === undefined) {
        if (!c.optional) return rejection(`missing required field '${c.name}' (${c.where})`, c.name);
        values[i] = null;
        continue;
      }
      if (x instanceof Invalid) return rejection(`'${c.name}' (${c.where}): ${x.message}`, c.name);
      values[i] = x;
    }
    if (op === 'put') {
      for (const k of this.checks) {
        if (k.test(values) === false) return rejection(`check failed on '${k.column}': ${k.text}`, k.column);
      }
    }
    const l = this.layout;
    const key = this.keyOf(values);
    if (!this.bitemporal) return { op, key, values, validFrom: 0, validTo: OPEN, systemTime: ingestionTime };
    const validTo = values[l.validToIndex];
    const mapped: MappedEvent = {
      op,
      key,
      values,
      validFrom: values[l.validFromIndex] as number,
      validTo: validTo === null ? OPEN : (validTo as number),
      systemTime: l.systemIndex >= 0 ? (values[l.systemIndex] as number) : ingestionTime,
    };
    return mapped;
  }

  /**
   * One column's value: undefined when the event lacks it (or holds null), an Invalid when it
   * does not fit the column, else the value in the runtime's representation (coerce.ts). A
   * number JSON.parse may have rounded is read from the event's text.
   */
  private column(c: CompiledColumn, e: Record<string, unknown>, raw: string, ingestionTime: number): unknown {
    const v = c.read(e, raw, ingestionTime);
    if (v === undefined || v === null) return undefined;
    const x = c.coerce(v);
    return x === INEXACT ? c.exact!(numberTextAt(raw, c.segments) ?? String(v)) : x;
  }

  /**
   * The canonical key of an event as `map` computes it, or undefined when the event will be
   * rejected for its key (the router: a key always lands on the partition that maps it).
   */
  keyOfEvent(event: unknown, raw: string): string | undefined {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return undefined;
    const values = new Array<unknown>(this.columns.length);
    for (const i of this.layout.keyIndexes) {
      const x = this.column(this.columns[i]!, event as Record<string, unknown>, raw, 0);
      if (x === undefined || x instanceof Invalid) return undefined;
      values[i] = x;
    }
    return this.keyOf(values);
  }

  /** The canonical key of a row's values. */
  keyOf(values: readonly unknown[]): string {
    return this.singleKey >= 0 ? String(values[this.singleKey]) : JSON.stringify(this.layout.keyIndexes.map((i) => values[i]));
  }
}
