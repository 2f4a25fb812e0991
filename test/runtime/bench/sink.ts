/**
 * The table sink's benchmark: ways to apply a checkpoint's row changes (upserts on
 * (key, valid_from, system_from)) to a durable DuckDB table, on trades-shaped rows. Each batch
 * upserts `rows` rows, half of them new and half updating a row of the previous batch (what a
 * correction at the end of a key's timeline does), in one transaction; the table grows batch by
 * batch. Reported: the JavaScript time (building what DuckDB reads), DuckDB's time, and a query
 * over the result (current rows) at the end. docs/runtime.md quotes the numbers.
 *
 *   npx tsx test/runtime/bench/sink.ts [rows=200000] [batches=5]
 *
 * - csv + QUALIFY: the runtime's way: CSV staged by JavaScript, read by DuckDB's parallel CSV
 *   reader, last operation per identity kept, DELETE ... USING, INSERT.
 * - appender + QUALIFY: the same SQL, staging through DuckDB's Appender (one call per value).
 * - INSERT ... ON CONFLICT: a PRIMARY KEY on the identity and DuckDB's upsert (its ART index).
 * - parquet + view: a Parquet file per batch and a view keeping the latest version per identity.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCHES = Number(process.argv[3] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'lakec-sink-bench-'));
const START = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

const columns = `trade_id VARCHAR NOT NULL, account_id VARCHAR, trader_email VARCHAR, symbol VARCHAR, side VARCHAR, quantity DECIMAL(18,4), price DECIMAL(18,6), venue VARCHAR,
  valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP, recorded_at TIMESTAMP, system_from TIMESTAMP NOT NULL, system_to TIMESTAMP`;
const csvColumns = `{'seq': 'BIGINT', 'trade_id': 'VARCHAR', 'account_id': 'VARCHAR', 'trader_email': 'VARCHAR', 'symbol': 'VARCHAR', 'side': 'VARCHAR',
  'quantity': 'DECIMAL(18,4)', 'price': 'DECIMAL(18,6)', 'venue': 'VARCHAR', 'valid_from': 'BIGINT', 'valid_to': 'BIGINT', 'recorded_at': 'BIGINT', 'system_from': 'BIGINT', 'system_to': 'BIGINT'}`;
const select = `trade_id, account_id, trader_email, symbol, side, quantity, price, venue, epoch_ms(valid_from) AS valid_from, epoch_ms(valid_to) AS valid_to,
  epoch_ms(recorded_at) AS recorded_at, epoch_ms(system_from) AS system_from, epoch_ms(system_to) AS system_to`;

interface Row {
  key: number;
  validFrom: number;
  validTo: number | null;
  systemFrom: number;
}

/** Batch b: every key gets a new current row from day b, and its row from day b - 1 now ends there. */
function batch(b: number): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < ROWS / 2; k++) {
    if (b > 0) rows.push({ key: k, validFrom: START + (b - 1) * DAY, validTo: START + b * DAY, systemFrom: START + (b - 1) * DAY });
    rows.push({ key: k, validFrom: START + b * DAY, validTo: null, systemFrom: START + b * DAY });
  }
  return rows;
}

function csvLine(r: Row, seq: number): string {
  const id = `T${String(r.key).padStart(7, '0')}`;
  return `${seq},"${id}","A${r.key % 5000}","t${r.key % 200}@example.com","SYM${r.key % 500}","BUY",${100 + (r.key % 50)}.5000,${10 + (r.key % 90)}.125000,"XNYS",${r.validFrom},${r.validTo ?? ''},${r.systemFrom},${r.systemFrom},`;
}

async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

interface Method {
  readonly name: string;
  setup(c: DuckDBConnection): Promise<void>;
  /** Returns [JavaScript ms, DuckDB ms]. */
  apply(c: DuckDBConnection, rows: Row[], b: number): Promise<[number, number]>;
  currentRows: string;
}

const read = (file: string): string => `read_csv('${file}', header = false, auto_detect = false, quote = '"', escape = '"', allow_quoted_nulls = false, columns = ${csvColumns})`;
const identity = 'trade_id, valid_from, system_from';

const methods: Method[] = [
  {
    name: 'csv + QUALIFY (the runtime)',
    async setup(c) {
      await c.run(`CREATE TABLE t (${columns})`);
    },
    async apply(c, rows, b) {
      const file = join(dir, `b${b}.csv`);
      const [, js] = await timed(() => writeFileSync(file, rows.map(csvLine).join('\n') + '\n'));
      const [, db] = await timed(() =>
        c.run(`BEGIN; CREATE OR REPLACE TEMP TABLE ops AS SELECT ${select} FROM ${read(file)} QUALIFY row_number() OVER (PARTITION BY ${identity} ORDER BY seq DESC) = 1;
          DELETE FROM t USING ops WHERE t.trade_id = ops.trade_id AND t.valid_from = ops.valid_from AND t.system_from = ops.system_from;
          INSERT INTO t SELECT * FROM ops; COMMIT;`),
      );
      return [js, db];
    },
    currentRows: 'SELECT count(*) FROM t WHERE system_to IS NULL',
  },
  {
    name: 'appender + QUALIFY',
    async setup(c) {
      await c.run(`CREATE TABLE t (${columns}); CREATE TABLE stage (seq BIGINT, ${columns})`);
    },
    async apply(c, rows) {
      const [, js] = await timed(async () => {
        const a = await c.createAppender('stage');
        const ts = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(BigInt(ms) * 1000n);
        rows.forEach((r, seq) => {
          a.appendBigInt(BigInt(seq));
          a.appendVarchar(`T${String(r.key).padStart(7, '0')}`);
          a.appendVarchar(`A${r.key % 5000}`);
          a.appendVarchar(`t${r.key % 200}@example.com`);
          a.appendVarchar(`SYM${r.key % 500}`);
          a.appendVarchar('BUY');
          a.appendVarchar(`${100 + (r.key % 50)}.5000`);
          a.appendVarchar(`${10 + (r.key % 90)}.125000`);
          a.appendVarchar('XNYS');
          a.appendTimestamp(ts(r.validFrom));
          if (r.validTo === null) a.appendNull();
          else a.appendTimestamp(ts(r.validTo));
          a.appendTimestamp(ts(r.systemFrom));
          a.appendTimestamp(ts(r.systemFrom));
          a.appendNull();
          a.endRow();
        });
        a.closeSync();
      });
      const [, db] = await timed(() =>
        c.run(`BEGIN; CREATE OR REPLACE TEMP TABLE ops AS SELECT * EXCLUDE (seq) FROM stage QUALIFY row_number() OVER (PARTITION BY ${identity} ORDER BY seq DESC) = 1;
          DELETE FROM t USING ops WHERE t.trade_id = ops.trade_id AND t.valid_from = ops.valid_from AND t.system_from = ops.system_from;
          INSERT INTO t SELECT * FROM ops; DELETE FROM stage; COMMIT;`),
      );
      return [js, db];
    },
    currentRows: 'SELECT count(*) FROM t WHERE system_to IS NULL',
  },
  {
    name: 'INSERT ... ON CONFLICT (primary key)',
    async setup(c) {
      await c.run(`CREATE TABLE t (${columns}, PRIMARY KEY (${identity}))`);
    },
    async apply(c, rows, b) {
      const file = join(dir, `b${b}.csv`);
      const [, js] = await timed(() => writeFileSync(file, rows.map(csvLine).join('\n') + '\n'));
      const [, db] = await timed(() =>
        c.run(`BEGIN; INSERT INTO t SELECT ${select} FROM ${read(file)} QUALIFY row_number() OVER (PARTITION BY trade_id, valid_from, system_from ORDER BY seq DESC) = 1
          ON CONFLICT (${identity}) DO UPDATE SET valid_to = excluded.valid_to, system_to = excluded.system_to, price = excluded.price; COMMIT;`),
      );
      return [js, db];
    },
    currentRows: 'SELECT count(*) FROM t WHERE system_to IS NULL',
  },
  {
    name: 'parquet per batch + latest-version view',
    async setup() {},
    async apply(c, rows, b) {
      const file = join(dir, `b${b}.csv`);
      const [, js] = await timed(() => writeFileSync(file, rows.map(csvLine).join('\n') + '\n'));
      const [, db] = await timed(() => c.run(`COPY (SELECT ${select}, ${b} AS batch FROM ${read(file)}) TO '${dir}/p-${String(b).padStart(4, '0')}.parquet' (FORMAT parquet)`));
      if (b === 0) {
        await c.run(`CREATE VIEW t AS SELECT * EXCLUDE (batch) FROM read_parquet('${dir}/p-*.parquet') QUALIFY row_number() OVER (PARTITION BY ${identity} ORDER BY batch DESC) = 1`);
      }
      return [js, db];
    },
    currentRows: 'SELECT count(*) FROM t WHERE system_to IS NULL',
  },
];

console.log(`sink benchmark: ${BATCHES} batches of ${ROWS.toLocaleString('en-US')} upserts (half new rows, half updates), trades-shaped rows`);
console.log(`${'method'.padEnd(40)} ${'JS ms/batch'.padStart(12)} ${'DuckDB ms/batch'.padStart(16)} ${'rows/s'.padStart(10)} ${'query ms'.padStart(9)}`);
for (const m of methods) {
  rmSync(join(dir, 'db.duckdb'), { force: true });
  rmSync(join(dir, 'db.duckdb.wal'), { force: true });
  for (let b = 0; b < BATCHES; b++) rmSync(join(dir, `p-${String(b).padStart(4, '0')}.parquet`), { force: true });
  const instance = await DuckDBInstance.create(join(dir, 'db.duckdb'));
  const c = await instance.connect();
  await m.setup(c);
  let js = 0;
  let db = 0;
  let rows = 0;
  for (let b = 0; b < BATCHES; b++) {
    const batchRows = batch(b);
    rows += batchRows.length;
    const [j, d] = await m.apply(c, batchRows, b);
    js += j;
    db += d;
  }
  const [, q] = await timed(() => c.runAndReadAll(m.currentRows));
  console.log(`${m.name.padEnd(40)} ${(js / BATCHES).toFixed(0).padStart(12)} ${(db / BATCHES).toFixed(0).padStart(16)} ${Math.round(rows / ((js + db) / 1000)).toLocaleString('en-US').padStart(10)} ${q.toFixed(0).padStart(9)}`);
  c.closeSync();
  instance.closeSync();
}
rmSync(dir, { recursive: true, force: true });
