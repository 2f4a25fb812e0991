/**
 * The durable local table: a DuckDB database file (the "warehouse"), queried with SQL.
 *
 * Layout per bi-temporal dataset `d` (docs/runtime.md, "The table"):
 *
 * - `lakec.d_history`: closed rows (system_to set). Append-only: a closed row never changes.
 * - `lakec.d_current`: current rows (system_to null), rewritten per key that changed.
 * - view `d` = both; table macros `d_as_of(system_time, valid_time)` and `d_known_at(system_time)`.
 *
 * An append-only dataset is the table `d` itself, and so is a current-state dataset (a `key`
 * without `bitemporal`), which holds one row per key. Rejected events are in `dead_letters.d`, and
 * `lakec.checkpoints` records each commit with its source position: the rows, the dead letters
 * and the position are committed in one transaction (exactly-once, see job.ts).
 *
 * `@duckdb/node-api` is a native module: it is imported on first use only, so that a program
 * (the lakec CLI) that never opens a warehouse never loads it.
 */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';
import { layoutOf, SYSTEM_FROM, SYSTEM_TO, type DatasetSpec, type TypeSpec } from '../dataset.ts';
import { csvDialect, fieldEncoder, RowTemplates, type FieldEncoder } from './csv.ts';
import type { RestoredRows } from '../operators/bitemporal.ts';
import { utf8 } from '../engine/fast-mapper.ts';
import type { Metrics } from '../metrics.ts';

type DuckDB = typeof import('@duckdb/node-api');
let duckdb: Promise<DuckDB> | undefined;
/** Loads the DuckDB module once. */
export function loadDuckDB(): Promise<DuckDB> {
  duckdb ??= import('@duckdb/node-api').then((d) => {
    keepByteOrderMarks();
    return d;
  });
  return duckdb;
}

/**
 * `@duckdb/node-api` (1.5) decodes every VARCHAR it reads with one `new TextDecoder()`, which
 * drops a leading U+FEFF (a byte-order mark) from each value: a string stored as "\ufeffA"
 * read back as "A" (in query results, and in the key values a restore reads). Its decoder is
 * a property of its internal accessors module, read on every call: replaced here by one that
 * keeps the mark. test/runtime/strings.properties.test.ts holds such strings through run,
 * restore and replay, so a version that moves the decoder fails there, not silently.
 */
function keepByteOrderMarks(): void {
  const accessors = createRequire(import.meta.url)('@duckdb/node-api/lib/vectors/dataAccessors.js') as { textDecoder?: { decode(bytes: Uint8Array): string } };
  if (accessors.textDecoder !== undefined) accessors.textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
}

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The DuckDB type of a column type. */
export function sqlType(t: TypeSpec): string {
  switch (t.kind) {
    case 'decimal': return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'list': return `${sqlType(t.element)}[]`;
    case 'map': return `MAP(${sqlType(t.key)}, ${sqlType(t.value)})`;
    case 'struct': return `STRUCT(${t.fields.map((f) => `${ident(f.name)} ${sqlType(f.type)}`).join(', ')})`;
    case 'primitive':
      switch (t.name) {
        case 'string': return 'VARCHAR';
        case 'uuid': return 'UUID';
        case 'binary': return 'BLOB';
        case 'boolean': return 'BOOLEAN';
        case 'int': return 'INTEGER';
        case 'long': return 'BIGINT';
        case 'float': return 'FLOAT';
        case 'double': return 'DOUBLE';
        case 'date': return 'DATE';
        case 'timestamp': return 'TIMESTAMP';
        case 'timestamptz': return 'TIMESTAMPTZ';
        default: throw new Error(`unknown column type '${t.name}'`);
      }
  }
}

/** How a staged CSV field is read (read_csv column type) and turned into the column's value (csv.ts conventions). */
function staged(t: TypeSpec, field: string): { csvType: string; expr: string } {
  if (t.kind === 'decimal') return { csvType: sqlType(t), expr: field };
  if (t.kind !== 'primitive') return { csvType: 'VARCHAR', expr: `CAST(${field}::JSON AS ${sqlType(t)})` };
  switch (t.name) {
    case 'timestamp': return { csvType: 'BIGINT', expr: `epoch_ms(${field})` };
    case 'timestamptz': return { csvType: 'BIGINT', expr: `epoch_ms(${field})::TIMESTAMPTZ` };
    case 'binary': return { csvType: 'VARCHAR', expr: `from_base64(${field})` };
    case 'long': return { csvType: 'VARCHAR', expr: `${field}::BIGINT` };
    default: return { csvType: sqlType(t), expr: field };
  }
}

/**
 * The SQL expression of a column's field in a staged row template (csv.ts `fieldEncoder` of the
 * value a restore reads, coerce.ts representations), for the types whose DuckDB text is that
 * encoding byte for byte: strings, UUIDs, dates and base64 binary quoted (quotes doubled),
 * decimals, integers, longs and booleans as DuckDB prints them, timestamps as epoch
 * milliseconds; null an empty field. Undefined for the types encoded in JS: floats and doubles
 * (DuckDB's shortest text is not JavaScript's) and nested values (JSON text).
 * test/runtime/restore-template.properties.test.ts checks the equality on random values.
 */
export function templateFieldSql(t: TypeSpec, column: string): string | undefined {
  const quoted = (text: string): string => `coalesce('"' || ${text} || '"', '')`;
  if (t.kind === 'decimal') return `coalesce(${column}::VARCHAR, '')`;
  if (t.kind !== 'primitive') return undefined;
  switch (t.name) {
    case 'string': return quoted(`replace(${column}, '"', '""')`);
    case 'uuid': case 'date': return quoted(`${column}::VARCHAR`);
    case 'binary': return quoted(`to_base64(${column})`);
    case 'boolean': case 'int': case 'long': return `coalesce(${column}::VARCHAR, '')`;
    case 'timestamp': case 'timestamptz': return `coalesce(epoch_ms(${column})::VARCHAR, '')`;
    default: return undefined;
  }
}

/**
 * How a restore reads a column's value in the runtime's representation (coerce.ts): the SQL
 * it selects and the conversion of what DuckDB returns.
 */
export function restoredColumn(t: TypeSpec, column: string, d: DuckDB): { sql: string; read: (v: DuckDBValue) => unknown } {
  if (t.kind === 'primitive' && (t.name === 'timestamp' || t.name === 'timestamptz')) {
    return { sql: `epoch_ms(${column})`, read: (v) => (v === null ? null : Number(jsonValue(v, d))) };
  }
  // Decimals and UUIDs as text: DuckDB prints them canonically, and no value object is built.
  const asText = t.kind === 'decimal' || (t.kind === 'primitive' && t.name === 'uuid');
  return { sql: asText ? `${column}::VARCHAR` : column, read: (v) => jsonValue(v, d) };
}

/**
 * The columns of a dead-letter table `dead_letters.<dataset>`, in order; one dead letter is one
 * row, and the same object in `lakec replay --dead-letter` and `lakec query` (docs/runtime.md,
 * "Dead letters"). `staged`: the SELECT of the staged CSV field (partition.ts `deadLetter`);
 * `addedLater`: added to an existing table by `ensureDataset` (tables made by an earlier lakec).
 */
export const DEAD_LETTER_COLUMNS: readonly { readonly name: string; readonly sql: string; readonly staged: string; readonly addedLater?: true }[] = [
  { name: 'reason', sql: 'VARCHAR NOT NULL', staged: 'reason' },
  { name: 'column_name', sql: 'VARCHAR', staged: 'column_name' },
  { name: 'position', sql: 'JSON NOT NULL', staged: 'position::JSON' },
  { name: 'event', sql: 'VARCHAR NOT NULL', staged: 'event' },
  { name: 'event_bytes', sql: 'BLOB', staged: 'from_base64(event_bytes)', addedLater: true },
];

/** Names of a dataset's tables and views. */
export function tableNames(dataset: string): { view: string; history: string; current: string; deadLetters: string; asOf: string; knownAt: string } {
  return {
    view: ident(dataset),
    history: `lakec.${ident(`${dataset}_history`)}`,
    current: `lakec.${ident(`${dataset}_current`)}`,
    deadLetters: `dead_letters.${ident(dataset)}`,
    asOf: ident(`${dataset}_as_of`),
    knownAt: ident(`${dataset}_known_at`),
  };
}

/** Staged files of one commit, per kind; each file is CSV as written by the operators. */
export interface StagedFiles {
  /**
   * Bi-temporal: closed rows (history), in the staged row layout of csv.ts `RowTemplates`;
   * append-only: the new rows, in column order.
   */
  readonly rows: readonly string[];
  /**
   * Current rows to delete, by identity: bi-temporal `key columns, valid_from, system_from`;
   * current-state `key columns`.
   */
  readonly currentDeletes: readonly string[];
  /** Current rows to insert (after the deletes), in the staged row layout (current-state: key columns, then the template). */
  readonly currentRows: readonly string[];
  readonly deadLetters: readonly string[];
  /** Bytes of the longest line in these files (csv.ts `StagedFile.longest`); absent: short lines. */
  readonly longestLine?: number;
}

export interface CommitRecord {
  readonly dataset: string;
  readonly checkpoint: number;
  /** The source position after the last event this commit covers (JSON). */
  readonly position: unknown;
  readonly metrics: Metrics;
}

export interface CommittedCheckpoint {
  readonly checkpoint: number;
  readonly position: unknown;
  readonly metrics: Metrics;
}

/** Converts a DuckDB value to JSON: timestamps as ISO-8601 UTC with milliseconds, decimals and big integers as exact strings. */
export function jsonValue(v: DuckDBValue, d: DuckDB): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v.toString();
  if (v instanceof d.DuckDBTimestampValue || v instanceof d.DuckDBTimestampTZValue) return isoOfMicros(v.micros);
  if (v instanceof d.DuckDBTimestampMillisecondsValue) return isoOfMicros(v.millis * 1000n);
  if (v instanceof d.DuckDBTimestampSecondsValue) return isoOfMicros(v.seconds * 1_000_000n);
  if (v instanceof d.DuckDBTimestampNanosecondsValue) return isoOfMicros(v.nanos / 1000n);
  if (v instanceof d.DuckDBListValue || v instanceof d.DuckDBArrayValue) return v.items.map((x) => jsonValue(x, d));
  if (v instanceof d.DuckDBStructValue) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v.entries)) o[k] = jsonValue(x, d);
    return o;
  }
  if (v instanceof d.DuckDBMapValue) {
    const o: Record<string, unknown> = {};
    for (const e of v.entries) o[String(jsonValue(e.key, d))] = jsonValue(e.value, d);
    return o;
  }
  if (v instanceof d.DuckDBBlobValue) return Buffer.from(v.bytes).toString('base64');
  return String(v);
}

/** Which result columns are of DuckDB's JSON type (a dead letter's position, a checkpoint's metrics): printed as their value, not as text. */
function jsonColumns(types: readonly { readonly alias?: string | undefined }[]): boolean[] {
  return types.map((t) => t.alias === 'JSON');
}

function parsedJson(v: DuckDBValue): unknown {
  return v === null ? null : JSON.parse(String(v));
}

function isoOfMicros(micros: bigint): string | null {
  const ms = Number(micros < 0n ? -((-micros + 999n) / 1000n) : micros / 1000n);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return micros > 0n ? 'infinity' : '-infinity';
  return new Date(ms).toISOString();
}

export interface QueryResult {
  readonly columns: string[];
  readonly rows: unknown[][];
}

/** The columns `lakec replay` orders a dataset's rows by (those DuckDB can sort: not lists, maps or structs). */
function rowsOrder(spec: DatasetSpec): string[] {
  const order = spec.mode === 'bitemporal'
    ? [...spec.key, spec.bitemporal!.validFrom, SYSTEM_FROM]
    : [...spec.key, ...spec.columns.map((c) => c.name).filter((c) => !spec.key.includes(c))];
  return order.filter((name) => {
    const c = spec.columns.find((x) => x.name === name);
    return c === undefined || c.type.kind === 'primitive' || c.type.kind === 'decimal';
  });
}

export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly d: DuckDB,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (creating) the warehouse database at `path`; `:memory:` for a throw-away one. */
  static async open(path: string, options: { readOnly?: boolean } = {}): Promise<Warehouse> {
    const d = await loadDuckDB();
    const instance = await d.DuckDBInstance.create(path, options.readOnly === true ? { access_mode: 'READ_ONLY' } : {});
    const connection = await instance.connect();
    // Insertion order is not part of any table's meaning (every read orders): without it DuckDB
    // inserts the staged files in parallel.
    await connection.run(`SET TimeZone = 'UTC'; SET preserve_insertion_order = false`);
    const w = new Warehouse(path, d, instance, connection);
    if (options.readOnly !== true) {
      await connection.run(`CREATE SCHEMA IF NOT EXISTS lakec; CREATE SCHEMA IF NOT EXISTS dead_letters;
        CREATE TABLE IF NOT EXISTS lakec.checkpoints (dataset VARCHAR NOT NULL, checkpoint BIGINT NOT NULL, position JSON, metrics JSON, committed_at TIMESTAMP NOT NULL);
        CREATE TABLE IF NOT EXISTS lakec.datasets (dataset VARCHAR PRIMARY KEY, definition JSON NOT NULL);`);
    }
    return w;
  }

  /**
   * Caps DuckDB's memory (its buffer pool: cached blocks, and what queries hold before they
   * spill to disk) at `mb`, for a warehouse file; an in-memory one keeps DuckDB's default,
   * since its tables live in that memory.
   */
  async limitMemory(mb: number): Promise<void> {
    if (this.path !== ':memory:') await this.connection.run(`SET memory_limit = '${Math.floor(mb)}MB'`);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /**
   * Creates the dataset's tables, view, macros and dead-letter table if they do not exist.
   * Throws when the warehouse holds the dataset with other columns (no schema evolution here).
   */
  async ensureDataset(spec: DatasetSpec): Promise<void> {
    // What the stored tables depend on. The dedup window and the late policy are not part of
    // it: they may change between runs (a restore with a smaller window forgets the oldest events).
    const b = spec.bitemporal;
    const definition = JSON.stringify({
      mode: spec.mode, columns: spec.columns.map((c) => ({ name: c.name, type: c.type })), key: spec.key,
      bitemporal: b !== undefined ? { validFrom: b.validFrom, validTo: b.validTo, system: b.system } : null,
    });
    const existing = await this.connection.runAndReadAll(`SELECT definition FROM lakec.datasets WHERE dataset = ${sqlString(spec.name)}`);
    const rows = existing.getRows();
    if (rows.length > 0) {
      const stored = JSON.parse(String(rows[0]![0])) as { mode?: string };
      if (JSON.stringify(stored) !== definition) {
        // A keyed dataset without bitemporal appended every event before lakec kept one row per key.
        const why = stored.mode === 'append' && spec.mode === 'current'
          ? ` (it was stored append-only, every event a row; a dataset with a key and no bitemporal block now keeps one row per key)`
          : '';
        throw new WarehouseError(`the warehouse holds dataset '${spec.name}' with a different definition${why}; use another --warehouse (the local runtime does not evolve schemas)`);
      }
      // A dead-letter table made by an earlier lakec lacks the columns added since (all nullable).
      await this.connection.run(
        DEAD_LETTER_COLUMNS.filter((c) => c.addedLater === true).map((c) => `ALTER TABLE ${tableNames(spec.name).deadLetters} ADD COLUMN IF NOT EXISTS ${c.name} ${c.sql}`).join(';\n'),
      );
      return;
    }
    const n = tableNames(spec.name);
    const columns = spec.columns.map((c) => `${ident(c.name)} ${sqlType(c.type)}${c.optional ? '' : ' NOT NULL'}`);
    const statements: string[] = [`BEGIN`];
    if (spec.mode === 'bitemporal') {
      const b = spec.bitemporal!;
      const all = [...columns, `${SYSTEM_FROM} TIMESTAMP NOT NULL`, `${SYSTEM_TO} TIMESTAMP`];
      statements.push(
        `CREATE TABLE ${n.history} (${all.join(', ')})`,
        `CREATE TABLE ${n.current} (${all.join(', ')})`,
        `CREATE VIEW ${n.view} AS SELECT * FROM ${n.history} UNION ALL SELECT * FROM ${n.current}`,
        // "As known at system time s, as true at valid time v" (docs/language.md section 8).
        `CREATE MACRO ${n.asOf}(system_time, valid_time) AS TABLE SELECT * FROM ${n.view} WHERE ${SYSTEM_FROM} <= CAST(system_time AS TIMESTAMP) AND (${SYSTEM_TO} IS NULL OR CAST(system_time AS TIMESTAMP) < ${SYSTEM_TO}) AND ${ident(b.validFrom)} <= CAST(valid_time AS TIMESTAMP) AND (${ident(b.validTo)} IS NULL OR CAST(valid_time AS TIMESTAMP) < ${ident(b.validTo)})`,
        `CREATE MACRO ${n.knownAt}(system_time) AS TABLE SELECT * FROM ${n.view} WHERE ${SYSTEM_FROM} <= CAST(system_time AS TIMESTAMP) AND (${SYSTEM_TO} IS NULL OR CAST(system_time AS TIMESTAMP) < ${SYSTEM_TO})`,
      );
    } else {
      statements.push(`CREATE TABLE ${n.view} (${columns.join(', ')})`);
    }
    statements.push(
      `CREATE TABLE ${n.deadLetters} (${DEAD_LETTER_COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`,
      `INSERT INTO lakec.datasets VALUES (${sqlString(spec.name)}, ${sqlString(definition)})`,
      `COMMIT`,
    );
    await this.connection.run(statements.join(';\n'));
  }

  /** The last committed checkpoint of a dataset, if any. */
  async lastCommit(dataset: string): Promise<CommittedCheckpoint | undefined> {
    const r = await this.connection.runAndReadAll(
      `SELECT checkpoint, position::VARCHAR, metrics::VARCHAR FROM lakec.checkpoints WHERE dataset = ${sqlString(dataset)} ORDER BY checkpoint DESC LIMIT 1`,
    );
    const row = r.getRows()[0];
    if (row === undefined) return undefined;
    return { checkpoint: Number(row[0]), position: JSON.parse(String(row[1])), metrics: JSON.parse(String(row[2])) as Metrics };
  }

  /**
   * Commits one checkpoint's staged files and its record in one transaction: after a crash the
   * table holds either all of it or none of it, and the record says which source position the
   * table corresponds to.
   */
  async commit(spec: DatasetSpec, files: StagedFiles, record: CommitRecord): Promise<void> {
    const n = tableNames(spec.name);
    const cols = spec.columns.map((c, i) => ({ name: `c${i}`, ...staged(c.type, `c${i}`) }));
    const statements: string[] = ['BEGIN'];
    const read = (paths: readonly string[], fields: { name: string; csvType: string }[]): string =>
      `read_csv([${paths.map(sqlString).join(', ')}], ${csvDialect(files.longestLine ?? 0)}, ` +
      `columns = {${fields.map((f) => `${sqlString(f.name)}: ${sqlString(f.csvType)}`).join(', ')}})`;
    if (spec.mode === 'bitemporal') {
      // A staged row: key columns, valid_from, valid_to, system_from, system_to, then the
      // payload columns (csv.ts RowTemplates); the SELECT puts them back in table order.
      const layout = layoutOf(spec);
      const order = RowTemplates.columnOrder(layout, spec.columns.length);
      const time = (name: string): { name: string; csvType: string; expr: string } => ({ name, csvType: 'BIGINT', expr: `epoch_ms(${name})` });
      const fieldOf = new Map<number, { name: string; csvType: string; expr: string }>();
      for (const i of [...order.key, ...order.payload]) fieldOf.set(i, cols[i]!);
      fieldOf.set(layout.validFromIndex, time('vf'));
      fieldOf.set(layout.validToIndex, time('vt'));
      const rowFields = [...order.key.map((i) => cols[i]!), time('vf'), time('vt'), time('sf'), time('st'), ...order.payload.map((i) => cols[i]!)];
      const select = [...spec.columns.map((_c, i) => fieldOf.get(i)!.expr), 'epoch_ms(sf)', 'epoch_ms(st)'].join(', ');
      if (files.currentDeletes.length > 0) {
        const idFields = [...order.key.map((i) => cols[i]!), time('vf'), time('sf')];
        const identity = [...spec.key.map(ident), ident(spec.bitemporal!.validFrom), SYSTEM_FROM];
        const idExprs = [...order.key.map((i) => cols[i]!.expr), 'epoch_ms(vf)', 'epoch_ms(sf)'];
        statements.push(
          `DELETE FROM ${n.current} USING (SELECT ${idExprs.map((e, k) => `${e} AS ${identity[k]}`).join(', ')} FROM ${read(files.currentDeletes, idFields)}) AS gone ` +
            `WHERE ${identity.map((c) => `${n.current}.${c} = gone.${c}`).join(' AND ')}`,
        );
      }
      if (files.currentRows.length > 0) statements.push(`INSERT INTO ${n.current} SELECT ${select} FROM ${read(files.currentRows, rowFields)}`);
      if (files.rows.length > 0) statements.push(`INSERT INTO ${n.history} SELECT ${select} FROM ${read(files.rows, rowFields)}`);
    } else if (spec.mode === 'current') {
      // A staged row: key columns, then the payload columns (csv.ts RowTemplates); a staged
      // delete: the key columns. The key's old row goes first, then its new one.
      const order = RowTemplates.columnOrder(layoutOf(spec), spec.columns.length);
      const keyFields = order.key.map((i) => cols[i]!);
      if (files.currentDeletes.length > 0) {
        const keys = spec.key.map(ident);
        statements.push(
          `DELETE FROM ${n.view} USING (SELECT ${keyFields.map((f, k) => `${f.expr} AS ${keys[k]}`).join(', ')} FROM ${read(files.currentDeletes, keyFields)}) AS gone ` +
            `WHERE ${keys.map((c) => `${n.view}.${c} = gone.${c}`).join(' AND ')}`,
        );
      }
      if (files.currentRows.length > 0) {
        const rowFields = [...keyFields, ...order.payload.map((i) => cols[i]!)];
        statements.push(`INSERT INTO ${n.view} SELECT ${cols.map((f) => f.expr).join(', ')} FROM ${read(files.currentRows, rowFields)}`);
      }
    } else if (files.rows.length > 0) {
      statements.push(`INSERT INTO ${n.view} SELECT ${cols.map((f) => f.expr).join(', ')} FROM ${read(files.rows, cols)}`);
    }
    if (files.deadLetters.length > 0) {
      const c = DEAD_LETTER_COLUMNS;
      statements.push(
        `INSERT INTO ${n.deadLetters} (${c.map((x) => x.name).join(', ')}) SELECT ${c.map((x) => x.staged).join(', ')} FROM ${read(files.deadLetters, c.map((x) => ({ name: x.name, csvType: 'VARCHAR' })))}`,
      );
    }
    statements.push(
      `INSERT INTO lakec.checkpoints VALUES (${sqlString(record.dataset)}, ${record.checkpoint}, ${sqlString(JSON.stringify(record.position))}, ${sqlString(JSON.stringify(record.metrics))}, now()::TIMESTAMP)`,
      'COMMIT',
    );
    try {
      await this.connection.run(statements.join(';\n'));
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * The current rows of a keyed dataset, for a restore, in batches (`RestoredRows`): each row's
   * key values, its payload template as the operator builds it (csv.ts `RowTemplates.of`) and,
   * bi-temporal, its times (a current-state table's rows have none: `times` is empty). DuckDB writes a template's fields itself for the column types whose text it
   * prints exactly as `fieldEncoder` encodes the runtime's value (`templateFieldSql`); the other
   * fields are read as values and encoded here. Rows come in no particular order (a key's rows
   * are put in valid_from order by the operator): no sort, and DuckDB scans in parallel.
   */
  async *currentRows(spec: DatasetSpec, scratchDir?: string): AsyncGenerator<RestoredRows> {
    const n = tableNames(spec.name);
    const layout = layoutOf(spec);
    const order = RowTemplates.columnOrder(layout, spec.columns.length);
    const select: string[] = [];
    const keyReaders: ((v: DuckDBValue) => unknown)[] = [];
    for (const i of order.key) {
      const r = restoredColumn(spec.columns[i]!.type, ident(spec.columns[i]!.name), this.d);
      select.push(r.sql);
      keyReaders.push(r.read);
    }
    // The template's pieces: a run of fields DuckDB writes is one text column (its fields with
    // their leading commas), a field encoded here is a value column.
    const pieces: ({ readonly text: true } | { readonly text: false; readonly read: (v: DuckDBValue) => unknown; readonly encode: FieldEncoder })[] = [];
    let run: string[] = [];
    const endRun = (): void => {
      if (run.length === 0) return;
      select.push(run.length === 2 ? `${run[0]} || ${run[1]}` : `concat(${run.join(', ')})`);
      pieces.push({ text: true });
      run = [];
    };
    for (const i of order.payload) {
      const c = spec.columns[i]!;
      const sql = templateFieldSql(c.type, ident(c.name));
      if (sql !== undefined) {
        run.push(`','`, sql);
      } else {
        endRun();
        const r = restoredColumn(c.type, ident(c.name), this.d);
        select.push(r.sql);
        pieces.push({ text: false, read: r.read, encode: fieldEncoder(c.type) });
      }
    }
    endRun();
    const b = spec.bitemporal;
    // Times as doubles (exact: epoch milliseconds of the years 0001-9999), an open valid_to as +infinity.
    if (b !== undefined) select.push(`epoch_ms(${ident(b.validFrom)})::DOUBLE`, `coalesce(epoch_ms(${ident(b.validTo)})::DOUBLE, 'infinity'::DOUBLE)`, `epoch_ms(${SYSTEM_FROM})::DOUBLE`);
    const keyCount = order.key.length;
    const timeAt = keyCount + pieces.length;
    const onlyText = pieces.length === 1 && pieces[0]!.text;
    const from = b !== undefined ? n.current : n.view;
    if (scratchDir !== undefined && b !== undefined && framedRestore(spec)) {
      const times = [`epoch_ms(${ident(b.validFrom)})::VARCHAR`, `','`, `coalesce(epoch_ms(${ident(b.validTo)})::VARCHAR, '')`, `','`, `epoch_ms(${SYSTEM_FROM})::VARCHAR`];
      yield* this.currentRowsFramed(select.slice(0, keyCount), pieces.length === 0 ? null : select[keyCount]!, times, from, scratchDir);
      return;
    }
    const result = await this.connection.stream(`SELECT ${select.join(', ')} FROM ${from}`);
    const bytes = new TemplateBytes();
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      const keyColumns: unknown[][] = [];
      for (let k = 0; k < keyCount; k++) {
        const v = chunk.getColumnVector(k);
        const read = keyReaders[k]!;
        const out = new Array<unknown>(count);
        for (let i = 0; i < count; i++) out[i] = read(v.getItem(i));
        keyColumns.push(out);
      }
      bytes.reset(count);
      if (pieces.length === 0) {
        for (let i = 0; i < count; i++) bytes.add('');
      } else if (onlyText) {
        const v = chunk.getColumnVector(keyCount);
        for (let i = 0; i < count; i++) bytes.add(v.getItem(i) as string);
      } else {
        const vectors = pieces.map((_p, j) => chunk.getColumnVector(keyCount + j));
        const parts = new Array<string>(pieces.length);
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < pieces.length; j++) {
            const p = pieces[j]!;
            const v = vectors[j]!.getItem(i);
            parts[j] = p.text ? (v as string) : ',' + p.encode(p.read(v));
          }
          bytes.add(parts.join(''));
        }
      }
      const times = new Float64Array(b !== undefined ? 3 * count : 0);
      for (let t = 0; t < (b !== undefined ? 3 : 0); t++) {
        const v = chunk.getColumnVector(timeAt + t);
        for (let i = 0; i < count; i++) times[3 * i + t] = v.getItem(i) as number;
      }
      yield { count, keyColumns, templates: bytes.buf, templateAt: bytes.at, times };
    }
  }

  /**
   * `currentRows` where every key column is a string and DuckDB writes the whole template: the
   * rows written by DuckDB (on its threads) into a file in `scratchDir`, each line framed by
   * byte lengths, `<n>:<key>` per key column, `<n>:<template>`, then `valid_from,valid_to,
   * system_from` as epoch ms (valid_to empty when open), and read back as bytes. No value goes
   * through the driver: through it each string of more than 12 bytes is an ArrayBuffer of its
   * own and a decoding, most of a restore's time (docs/runtime.md, "Performance").
   */
  private async *currentRowsFramed(keys: readonly string[], template: string | null, times: readonly string[], from: string, scratchDir: string): AsyncGenerator<RestoredRows> {
    const framed = (sql: string): string => `strlen(${sql})::VARCHAR || ':' || ${sql}`;
    const parts = [...keys.map(framed), template === null ? `'0:'` : framed(`(${template})`), ...times];
    const keyCount = keys.length;
    const path = join(scratchDir, `restore-${process.pid}-${++framedFiles}.txt`);
    try {
      // No quote and no escape, together: each line's text as it is (the lengths frame it).
      await this.connection.run(`COPY (SELECT ${parts.join(' || ')} FROM ${from}) TO ${sqlString(path)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '')`);
      yield* readFramedRows(path, keyCount);
    } finally {
      rmSync(path, { force: true });
    }
  }

  /** Runs SQL (possibly several statements) and returns the last statement's result as JSON values. */
  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    return this.toResult(reader);
  }

  private toResult(reader: DuckDBResultReader): QueryResult {
    const columns = reader.columnNames();
    const json = jsonColumns(reader.columnTypes());
    const rows = reader.getRows().map((r) => r.map((v, i) => (json[i] ? parsedJson(v) : jsonValue(v, this.d))));
    return { columns, rows };
  }

  /** Streams the result of `sql` in chunks of rows (JSON values; a JSON column as its value), for large outputs. */
  async *stream(sql: string): AsyncGenerator<{ columns: string[]; rows: unknown[][] }> {
    const result = await this.connection.stream(sql);
    const columns = result.columnNames();
    const json = jsonColumns(result.columnTypes());
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      yield { columns, rows: chunk.getRows().map((r) => r.map((v, i) => (json[i] ? parsedJson(v) : jsonValue(v, this.d)))) };
    }
  }

  /**
   * The stored rows of a dataset in the order `lakec replay` prints them: by key columns, then
   * the valid-from column, then system_from (append-only: by key, then every column).
   */
  rowsSql(spec: DatasetSpec): string {
    const order = rowsOrder(spec);
    return `SELECT * FROM ${tableNames(spec.name).view}${order.length > 0 ? ` ORDER BY ${order.map(ident).join(', ')}` : ''}`;
  }

  /**
   * Writes the stored rows of a dataset to `file` as `lakec replay` prints them (the JSON lines
   * `stream(rowsSql(spec))` gives, byte for byte), with DuckDB's own JSON writer: no value
   * crosses into JavaScript, which made printing cost more than the replay itself. Only where
   * DuckDB writes the same text: every column a string, boolean, integer, decimal or timestamp,
   * no string holding a control character that DuckDB escapes in upper-case hex (U+000B,
   * U+000E, U+000F, U+001A to U+001F; JSON.stringify writes lower case), no timestamp outside
   * the years 1000 to 9999. Otherwise it writes nothing and returns false: print through
   * `stream` then. test/runtime/sink.export.test.ts holds the two to the same bytes.
   */
  async exportRows(spec: DatasetSpec, file: string): Promise<boolean> {
    const view = tableNames(spec.name).view;
    const described = await this.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${view}`);
    const select: string[] = [];
    const risky: string[] = [];
    for (const [name, type] of described.getRows() as [string, string][]) {
      const c = `t.${ident(name)}`;
      const as = ` AS ${ident(name)}`;
      if (type === 'VARCHAR') {
        select.push(c);
        risky.push(`regexp_matches(${c}, '[\\x0B\\x0E\\x0F\\x1A-\\x1F]')`);
      } else if (type === 'BOOLEAN' || type === 'INTEGER') {
        select.push(c);
      } else if (type === 'BIGINT') {
        // A JavaScript number where it is exact, else its digits as a string (jsonValue); a JSON value is written as it is.
        select.push(`CASE WHEN ${c} BETWEEN -9007199254740991 AND 9007199254740991 THEN to_json(${c}) ELSE to_json(${c}::VARCHAR) END${as}`);
      } else if (/^DECIMAL\(\d+,\d+\)$/.test(type)) {
        select.push(`${c}::VARCHAR${as}`);
      } else if (type === 'TIMESTAMP' || type === 'TIMESTAMP WITH TIME ZONE') {
        // Written in Date.toISOString's form (TIMESTAMPFORMAT below), from the UTC instant whatever the session's time zone.
        const utc = type === 'TIMESTAMP' ? c : `make_timestamp(epoch_us(${c}))`;
        select.push(type === 'TIMESTAMP' ? c : `${utc}${as}`);
        risky.push(`NOT isfinite(${c}) OR year(${utc}) < 1000 OR year(${utc}) > 9999`);
      } else {
        return false;
      }
    }
    if (risky.length > 0) {
      const r = await this.connection.runAndReadAll(`SELECT count(*) FROM ${view} AS t WHERE ${risky.map((x) => `(${x})`).join(' OR ')}`);
      if (Number(r.getRows()[0]![0]) > 0) return false;
    }
    const order = rowsOrder(spec).map((x) => `t.${ident(x)}`);
    await this.connection.run(`COPY (SELECT ${select.join(', ')} FROM ${view} AS t${order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''}) TO ${sqlString(file)} (FORMAT JSON, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ', USE_TMP_FILE false)`);
    return true;
  }

  /**
   * The dead letters of a dataset, in source order, with the table's columns (`lakec replay
   * --dead-letter` writes these rows; `lakec query` prints the same).
   */
  deadLettersSql(dataset: string): string {
    return `SELECT ${DEAD_LETTER_COLUMNS.map((c) => c.name).join(', ')} FROM ${tableNames(dataset).deadLetters} ORDER BY position->>'file', (position->>'line')::BIGINT, position->>'shard', position->>'sequenceNumber', (position->>'index')::BIGINT`;
  }
}

/** A problem with the warehouse a user can act on (not a bug). */
export class WarehouseError extends Error {}

/**
 * Whether a restore reads the dataset's current rows from a file DuckDB writes
 * (`currentRowsFramed`): bi-temporal, every key column a string, and every payload field one
 * DuckDB writes (`templateFieldSql`).
 */
export function framedRestore(spec: DatasetSpec): boolean {
  if (spec.mode !== 'bitemporal') return false;
  const order = RowTemplates.columnOrder(layoutOf(spec), spec.columns.length);
  return order.key.every((i) => {
    const c = spec.columns[i]!;
    return c.type.kind === 'primitive' && c.type.name === 'string' && !c.optional;
  }) && order.payload.every((i) => templateFieldSql(spec.columns[i]!.type, ident(spec.columns[i]!.name)) !== undefined);
}


/** A batch's templates as UTF-8 bytes (`RestoredRows.templates`, `templateAt`), the buffer reused batch after batch. */
class TemplateBytes {
  buf = Buffer.allocUnsafe(1 << 20);
  at = new Int32Array(0);
  private used = 0;
  private i = 0;

  reset(count: number): void {
    this.at = new Int32Array(2 * count);
    this.used = 0;
    this.i = 0;
  }

  add(s: string): void {
    if (this.used + 3 * s.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.used + 3 * s.length));
      this.buf.copy(grown, 0, 0, this.used);
      this.buf = grown;
    }
    this.at[2 * this.i] = this.used;
    this.used += this.buf.write(s, this.used);
    this.at[2 * this.i + 1] = this.used;
    this.i++;
  }
}

/** Files `currentRowsFramed` wrote, for their names. */
let framedFiles = 0;

/** Rows per batch of `readFramedRows`. */
const FRAMED_BATCH = 16_384;

/**
 * The rows of a file `currentRowsFramed` had DuckDB write, in batches: read in pieces of 8 MB
 * (a line longer than that grows the buffer), a batch's key strings decoded, its templates
 * left as bytes in the buffer (valid until the next batch).
 */
export async function* readFramedRows(path: string, keyCount: number): AsyncGenerator<RestoredRows> {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(1 << 23);
    let end = 0;
    // Bytes of the file before the buffer's first.
    let base = 0;
    const bad = (at: number): Error => new WarehouseError(`the restore's copy of the current rows (${path}) is not as lakec had DuckDB write it at byte ${base + at}; this is a bug in lakec`);
    for (;;) {
      if (end === buf.length) {
        const grown = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(grown, 0, 0, end);
        buf = grown;
      }
      const got = readSync(fd, buf, end, buf.length - end, null);
      const eof = got === 0;
      end += got;
      // Whole lines from the start of the buffer; what is left is moved to the front.
      let done = 0;
      let keys: string[][] = Array.from({ length: keyCount }, () => []);
      let at = new Int32Array(2 * FRAMED_BATCH);
      let times = new Float64Array(3 * FRAMED_BATCH);
      let count = 0;
      const batch = (): RestoredRows => {
        const out = { count, keyColumns: keys, templates: buf, templateAt: at.subarray(0, 2 * count), times: times.subarray(0, 3 * count) };
        keys = Array.from({ length: keyCount }, () => []);
        at = new Int32Array(2 * FRAMED_BATCH);
        times = new Float64Array(3 * FRAMED_BATCH);
        count = 0;
        return out;
      };
      const keyAt = new Int32Array(2 * keyCount);
      for (;;) {
        // One line: `n:` and n bytes per key column and for the template, then three times.
        let q = done;
        let complete = true;
        for (let f = 0; f <= keyCount && complete; f++) {
          let n = 0;
          const digits = q;
          while (q < end && buf[q] !== 58) {
            const d = buf[q]! - 48;
            if (d < 0 || d > 9) throw bad(q);
            n = 10 * n + d;
            q++;
          }
          if (q < end && q === digits) throw bad(q);
          if (q + 1 + n > end) complete = false;
          else {
            q++;
            if (f < keyCount) {
              keyAt[2 * f] = q;
              keyAt[2 * f + 1] = q + n;
            } else {
              at[2 * count] = q;
              at[2 * count + 1] = q + n;
            }
            q += n;
          }
        }
        for (let f = 0; f < 3 && complete; f++) {
          const stop = f < 2 ? 44 : 10;
          let v = 0;
          let sign = 1;
          const start = q;
          if (q < end && buf[q] === 45) {
            sign = -1;
            q++;
          }
          while (q < end && buf[q] !== stop) {
            const d = buf[q]! - 48;
            if (d < 0 || d > 9) throw bad(q);
            v = 10 * v + d;
            q++;
          }
          if (q >= end) complete = false;
          else {
            // Digits, or nothing for an open valid_to.
            if (q === start ? f !== 1 : q === start + 1 && sign < 0) throw bad(q);
            times[3 * count + f] = q === start ? Number.POSITIVE_INFINITY : sign * v;
            q++;
          }
        }
        if (!complete) break;
        for (let k = 0; k < keyCount; k++) keys[k]!.push(utf8(buf, keyAt[2 * k]!, keyAt[2 * k + 1]!));
        count++;
        done = q;
        if (count === FRAMED_BATCH) yield batch();
      }
      if (count > 0) yield batch();
      if (eof) {
        if (done < end) throw bad(done);
        break;
      }
      buf.copy(buf, 0, done, end);
      end -= done;
      base += done;
    }
  } finally {
    closeSync(fd);
  }
}
