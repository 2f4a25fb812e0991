/**
 * A restore reads each current row's payload template from DuckDB, which writes the fields of
 * most column types itself (duckdb.ts `templateFieldSql`); the others are read as values and
 * encoded in JS. These properties hold `Warehouse.currentRows` to the JS encoding of the values
 * a restore reads (csv.ts `RowTemplates.of` of the runtime representation, coerce.ts): the same
 * template byte for byte, the same payload key (found in the text and in its UTF-8 bytes), the
 * same key and times, on random values of every column type (any Unicode with quotes, commas,
 * newlines and NUL; the full ranges of ints, longs, dates and timestamps; decimals of several
 * precisions; any bytes), nulls included. Each is read both ways: through the driver's values,
 * and (with a scratch folder, where the keys are strings and DuckDB writes the whole template)
 * from the file DuckDB writes of them.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutOf, type DatasetSpec } from '../../runtime/dataset.ts';
import { RowMapper } from '../../runtime/mapping.ts';
import { restoredKey, restoredTemplate } from '../../runtime/operators/bitemporal.ts';
import { RowTemplates } from '../../runtime/sink/csv.ts';
import { framedRestore, ident, readFramedRows, tableNames, Warehouse } from '../../runtime/sink/duckdb.ts';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../runtime/time.ts';
import { specHeader, specOf, tempDir } from './support.ts';

const dataset = (name: string, columns: string, key: string): DatasetSpec =>
  specOf(
    `${specHeader}dataset ${name} in curated {
  from stream events
  format = iceberg
  columns {
${columns}
    valid_from timestamp
    valid_to   timestamp?
    seen_at    timestamp
  }
  key (${key})
  bitemporal {
    valid = valid_from .. valid_to
    system = seen_at
  }
}
`,
    name,
  );

/** Every type, DuckDB-written and JS-encoded fields interleaved. */
const everything = dataset(
  'everything',
  `    id    string
    s     string?
    u     uuid?
    b     binary?
    fl    float?
    d     date?
    f     boolean?
    i     int?
    db    double?
    l     long?
    dec   decimal(38, 10)?
    small decimal(4, 2)?
    tags  list<string?>?
    ts    timestamp?
    tz    timestamptz?`,
  'id',
);

/** Only DuckDB-written fields (one text column per row), and a key of two columns. */
const plain = dataset(
  'plain',
  `    name  string
    n     long
    s     string?
    amount decimal(18, 4)
    at    timestamp?`,
  'name, n',
);

/** Keys of two strings and only DuckDB-written fields: read from the file DuckDB writes. */
const strings = dataset(
  'strings',
  `    name  string
    code  string
    s     string?
    l     long?
    amount decimal(18, 4)
    at    timestamp?`,
  'name, code',
);

/** A SQL literal of a value of each kind (strings through their UTF-8 bytes: any code point, NUL included). */
type Literal = string;
const text = (s: string): Literal => `decode(from_hex('${Buffer.from(s, 'utf8').toString('hex')}'))`;
const nullable = (a: fc.Arbitrary<Literal>): fc.Arbitrary<Literal> => fc.option(a, { nil: 'NULL', freq: 4 });

const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: fc.constantFrom('"', ',', '\n', '\u0000', 'a', 'é', '🚀', '\\'), maxLength: 8 }));
const epochMs = fc.integer({ min: MIN_TIMESTAMP, max: MAX_TIMESTAMP });
const timestamp = epochMs.map((ms) => `epoch_ms('${ms}'::BIGINT)`);
const decimal = (precision: number, scale: number): fc.Arbitrary<Literal> =>
  fc.bigInt({ min: -(10n ** BigInt(precision)) + 1n, max: 10n ** BigInt(precision) - 1n }).map((u) => {
    const digits = (u < 0n ? -u : u).toString().padStart(scale + 1, '0');
    return `'${u < 0n ? '-' : ''}${digits.slice(0, digits.length - scale)}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}'::DECIMAL(${precision}, ${scale})`;
  });
const date = epochMs.map((ms) => `'${new Date(ms).toISOString().slice(0, 10)}'::DATE`);
const long = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n })).map((n) => `'${n}'::BIGINT`);

const payload: Record<string, fc.Arbitrary<Literal>> = {
  s: nullable(anyString.map(text)),
  u: nullable(fc.uuid().map((u) => `'${u}'::UUID`)),
  b: nullable(fc.uint8Array({ maxLength: 20 }).map((b) => `from_hex('${Buffer.from(b).toString('hex')}')`)),
  fl: nullable(fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => `'${x}'::FLOAT`)),
  d: nullable(date),
  f: nullable(fc.boolean().map(String)),
  i: nullable(fc.integer().map((i) => `'${i}'::INTEGER`)),
  db: nullable(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => `'${x}'::DOUBLE`)),
  l: nullable(long),
  dec: nullable(decimal(38, 10)),
  small: nullable(decimal(4, 2)),
  tags: nullable(fc.array(fc.option(anyString.map(text), { nil: 'NULL' }), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]::VARCHAR[]`)),
  ts: nullable(timestamp),
  tz: nullable(timestamp.map((t) => `${t}::TIMESTAMPTZ`)),
  at: nullable(timestamp),
  amount: decimal(18, 4),
};

/** Rows of `spec` as SQL literals in table order (system_from and system_to last), keys unique. */
function rows(spec: DatasetSpec): fc.Arbitrary<Literal[][]> {
  const keyArb = spec.key.length === 1
    ? anyString.map((s) => [s])
    : spec === strings
      ? fc.tuple(anyString, anyString).map(([a, b]) => [a, b])
      : fc.tuple(anyString, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map(([s, n]) => [s, n]);
  const row = fc.record({
    values: fc.tuple(...spec.columns.map((c) => payload[c.name] ?? fc.constant(''))),
    validFrom: timestamp,
    validTo: nullable(timestamp),
    seenAt: timestamp,
    systemFrom: timestamp,
  });
  return fc.uniqueArray(fc.tuple(keyArb, row), { minLength: 1, maxLength: 12, selector: ([k]) => JSON.stringify(k, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) }).map((list) =>
    list.map(([key, r]) => {
      const out = spec.columns.map((c, i) => {
        const k = spec.key.indexOf(c.name);
        if (k >= 0) return typeof key[k] === 'bigint' ? `'${key[k]}'::BIGINT` : text(key[k] as string);
        if (c.name === 'valid_from') return r.validFrom;
        if (c.name === 'valid_to') return r.validTo;
        if (c.name === 'seen_at') return r.seenAt;
        return r.values[i]!;
      });
      return [...out, r.systemFrom, 'NULL'];
    }),
  );
}

let warehouse: Warehouse;
const scratch = tempDir('lakec-restore-');
beforeAll(async () => {
  warehouse = await Warehouse.open(':memory:');
  for (const spec of [everything, plain, strings]) await warehouse.ensureDataset(spec);
});
afterAll(() => {
  warehouse.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the current rows a restore reads', () => {
  it('are read from a file DuckDB writes where the keys are strings and DuckDB writes the whole template', () => {
    expect([everything, plain, strings].map((s) => framedRestore(s))).toEqual([false, false, true]);
  });
  it('are read from the file in batches, lines across its reads, a line longer than a read, as the driver reads them', async () => {
    const current = tableNames(strings.name).current;
    // 40,000 rows (three batches), about 10 MB with one row of 9 MB (longer than the 8 MB read).
    await warehouse.query(`DELETE FROM ${current}; INSERT INTO ${current}
      SELECT 'k' || i, repeat('é"', i % 7), CASE WHEN i = 777 THEN repeat('x,', 4500000) WHEN i % 5 = 0 THEN NULL ELSE repeat('é
', i % 300) END,
        i - 20000, (i / 10000)::DECIMAL(18, 4), NULL, epoch_ms(i * 1000 - 5000000), CASE WHEN i % 2 = 0 THEN NULL ELSE epoch_ms(i * 1000) END, epoch_ms(i), epoch_ms(i + 1), NULL
      FROM range(40000) t(i)`);
    const read = async (dir: string | undefined): Promise<{ batches: number; rows: Map<string, string> }> => {
      const rows = new Map<string, string>();
      let batches = 0;
      for await (const batch of warehouse.currentRows(strings, dir)) {
        batches++;
        for (let i = 0; i < batch.count; i++) rows.set(restoredKey(batch, i), `${restoredTemplate(batch, i)}|${Array.from(batch.times.subarray(3 * i, 3 * i + 3)).join(',')}`);
      }
      return { batches, rows };
    };
    const driver = await read(undefined);
    const file = await read(scratch);
    expect(file.rows.size).toBe(40_000);
    expect(file.batches).toBeGreaterThanOrEqual(3);
    expect(file.rows).toEqual(driver.rows);
    expect(file.rows.get(JSON.stringify(['k777', '']))!.length).toBeGreaterThan(9_000_000);
    expect(readdirSync(scratch)).toEqual([]);
    // A reader that stops early leaves no file either; an empty table gives no rows.
    for await (const batch of warehouse.currentRows(strings, scratch)) {
      expect(batch.count).toBeGreaterThan(0);
      break;
    }
    expect(readdirSync(scratch)).toEqual([]);
    await warehouse.query(`DELETE FROM ${current}`);
    let none = 0;
    for await (const batch of warehouse.currentRows(strings, scratch)) none += batch.count;
    expect(none).toBe(0);
    expect(readdirSync(scratch)).toEqual([]);
  }, 60_000);

  it('reject a file that is not as DuckDB was told to write it, saying where', async () => {
    // Keys 'k1' and '', the template `,"a\n""",1` (9 bytes), valid from -3, open, system from 5: 23 bytes.
    const good = '2:k10:9:,"a\n""",1-3,,5\n';
    const read = async (text: string): Promise<number> => {
      const path = join(scratch, 'framed.txt');
      writeFileSync(path, text);
      let rows = 0;
      try {
        for await (const batch of readFramedRows(path, 2)) {
          rows += batch.count;
          expect(restoredTemplate(batch, 0)).toBe(',"a\n""",1');
          expect(batch.keyColumns.map((c) => c[0])).toEqual(['k1', '']);
          expect(Array.from(batch.times.subarray(0, 3))).toEqual([-3, Number.POSITIVE_INFINITY, 5]);
        }
      } finally {
        rmSync(path, { force: true });
      }
      return rows;
    };
    expect(await read(good)).toBe(1);
    expect(await read(good + good)).toBe(2);
    expect(await read('')).toBe(0);
    for (const [bad, at] of [
      [good.slice(0, -1), 0], // the last line unfinished
      [good + ':k', 23], // a length without digits
      [good + '1:k0:x1:,2,3\n', 28], // not a digit where a length is
      [good + '1:k0:0:-,2,3\n', 31], // a sign and no digits
      [good + '1:k0:0:,2,3\n', 30], // no valid_from (only valid_to may be empty)
      [good + '1:k0:0:1,2,\n', 34], // no system_from
    ] as const) {
      await expect(read(bad), JSON.stringify(bad)).rejects.toThrow(`at byte ${at};`);
    }
  });

  for (const spec of [everything, plain, strings]) {
    it(`have the JS encoding's templates, payload keys, keys and times (${spec.name})`, async () => {
      const layout = layoutOf(spec);
      const templates = new RowTemplates(spec.columns.map((c) => c.type), layout);
      const mapper = new RowMapper(spec);
      const current = tableNames(spec.name).current;
      const isTimestamp = spec.columns.map((c) => c.type.kind === 'primitive' && (c.type.name === 'timestamp' || c.type.name === 'timestamptz'));
      const select = spec.columns.map((c, i) => (isTimestamp[i] ? `epoch_ms(${ident(c.name)})` : c.type.kind === 'decimal' || (c.type.kind === 'primitive' && c.type.name === 'uuid') ? `${ident(c.name)}::VARCHAR` : ident(c.name)));
      await fc.assert(
        fc.asyncProperty(rows(spec), async (literals) => {
          await warehouse.query(`DELETE FROM ${current}; INSERT INTO ${current} VALUES ${literals.map((r) => `(${r.join(', ')})`).join(', ')}`);
          // The values as a restore read them before DuckDB wrote templates: JSON values, timestamps as epoch ms.
          const reference = (await warehouse.query(`SELECT ${select.join(', ')}, epoch_ms(system_from) FROM ${current}`)).rows;
          const expected = new Map<string, { template: string; payloadKey: string; keyValues: unknown[]; times: number[] }>();
          for (const r of reference) {
            const values = spec.columns.map((_c, i) => (isTimestamp[i] && r[i] !== null ? Number(r[i]) : r[i]));
            const template = templates.of(values);
            expected.set(mapper.keyOf(values), {
              template,
              payloadKey: templates.payloadKey(template),
              keyValues: layout.keyIndexes.map((i) => values[i]),
              times: [values[layout.validFromIndex] as number, (values[layout.validToIndex] as number | null) ?? Number.POSITIVE_INFINITY, Number(r[spec.columns.length])],
            });
          }
          for (const dir of [undefined, scratch]) {
            let seen = 0;
            for await (const batch of warehouse.currentRows(spec, dir)) {
              for (let i = 0; i < batch.count; i++) {
                const key = restoredKey(batch, i);
                const want = expected.get(key);
                expect(want, key).toBeDefined();
                const template = restoredTemplate(batch, i);
                expect(template).toBe(want!.template);
                expect(templates.payloadKeyOf(template)).toBe(want!.payloadKey);
                // The same end found in the template's bytes (the typed operator's restore).
                const s = batch.templateAt[2 * i]!;
                expect(templates.payloadKeyEnd(batch.templates, s, batch.templateAt[2 * i + 1]!)).toBe(s + Buffer.byteLength(want!.payloadKey));
                expect(batch.keyColumns.map((c) => c[i])).toEqual(want!.keyValues);
                expect(Array.from(batch.times.subarray(3 * i, 3 * i + 3))).toEqual(want!.times);
                seen++;
              }
            }
            expect(seen).toBe(expected.size);
            // The file is gone.
            expect(readdirSync(scratch)).toEqual([]);
          }
        }),
        { numRuns: 150 },
      );
    }, 60_000);
  }
});
