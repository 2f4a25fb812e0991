/**
 * `Warehouse.exportRows` (DuckDB's own JSON writer, which `lakec replay` prints through) writes
 * the same bytes as printing each row of `stream(rowsSql(spec))` with JSON.stringify, the way
 * `lakec replay` printed before it and still prints where DuckDB would write another text. On
 * random events of every column type it takes (strings of any code point, control characters
 * among them; booleans; ints; longs beyond 2^53; decimals; timestamps from the year 1 to 9999,
 * with and without a time zone), in a bi-temporal and an append-only dataset: it either writes
 * exactly those bytes, or declines exactly when the table holds what DuckDB writes differently
 * (a control character it escapes in upper-case hex, a timestamp before the year 1000). A
 * column of another type (a list) always declines. FC_SEED and FC_RUNS as in the other
 * property tests.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../runtime/dataset.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { runJob } from '../../runtime/job.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { specHeader, specOf, tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_261_207;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 30;
const TIMEOUT = Math.max(120_000, RUNS * 4000);

const columns = `
    id   string
    s    string?
    b    boolean?
    i    int?
    n    long?
    d    decimal(18, 4)?
    t    timestamp?
    tz   timestamptz?`;

const history = specOf(`${specHeader}dataset facts in curated {
  from stream events
  format = iceberg
  columns {${columns}
    valid_from timestamp
    valid_to   timestamp?
    at         timestamp
  }
  key (id)
  bitemporal {
    valid  = valid_from .. valid_to
    system = at
  }
}
`, 'facts');

const log = specOf(`${specHeader}dataset log in curated {
  from stream events
  format = iceberg
  columns {${columns}
  }
}
`, 'log');

const listed = specOf(`${specHeader}dataset tagged in curated {
  from stream events
  format = iceberg
  columns {
    id   string
    tags list<string>?
  }
}
`, 'tagged');

const work = tempDir('lakec-export-');
afterAll(() => removeQuietly(work));
let runId = 0;

/** What `lakec replay` printed before DuckDB wrote its rows, and still prints where it would not write the same. */
async function printed(w: Warehouse, spec: DatasetSpec): Promise<string> {
  let text = '';
  for await (const chunk of w.stream(w.rowsSql(spec))) {
    for (const row of chunk.rows) {
      const o: Record<string, unknown> = {};
      chunk.columns.forEach((c, i) => (o[c] = row[i]));
      text += JSON.stringify(o) + '\n';
    }
  }
  return text;
}

/** The characters DuckDB's JSON writer escapes as `\u001A` where JSON.stringify writes `\u001a`. */
const upperHex = /[\u000b\u000e\u000f\u001a-\u001f]/;

// The year 1 (Date.UTC reads the years 0 to 99 as 1900 to 1999).
const yearOne = new Date(0);
yearOne.setUTCFullYear(1, 0, 1);
const FIRST = yearOne.getTime();
const LAST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const iso = (ms: number): string => new Date(ms).toISOString();
const instant = fc.oneof(
  { weight: 40, arbitrary: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }) },
  { weight: 1, arbitrary: fc.integer({ min: FIRST, max: LAST }) },
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom('a', '"', '\\', '/', '\n', '\t', '\u0000', '\u0007', '\u007f', '\u2028', 'é', '😀'), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', '\u000b', '\u001f'), minLength: 1, maxLength: 3 }) },
);
const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 14n) + 1n, max: 10n ** 14n - 1n }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
  .map(([whole, frac, asString]) => {
    const t = `${whole < 0n ? '-' : ''}${(whole < 0n ? -whole : whole).toString()}.${String(frac).padStart(4, '0')}`;
    return asString ? JSON.stringify(t) : t;
  });
const long = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 53n) - 3n, max: 2n ** 53n + 3n }), fc.bigInt({ min: -5n, max: 5n }));

/** One event's text (a long as JSON digits, which JSON.stringify cannot write from a bigint). */
const event = (bitemporal: boolean) => fc.record({
  id: fc.oneof({ weight: 30, arbitrary: fc.constantFrom('k1', 'k2', 'k3', 'K"\\') }, { weight: 1, arbitrary: fc.constant('k\u001a') }),
  s: fc.option(text, { nil: null }),
  b: fc.option(fc.boolean(), { nil: null }),
  i: fc.option(fc.integer(), { nil: null }),
  n: fc.option(long, { nil: null }),
  d: fc.option(decimal, { nil: null }),
  t: fc.option(instant, { nil: null }),
  tz: fc.option(instant, { nil: null }),
  from: instant,
  length: fc.option(fc.integer({ min: 1, max: 10 ** 9 }), { nil: null }),
  at: instant,
}).map((e) => {
  const fields: string[] = [
    `"id":${JSON.stringify(e.id)}`,
    `"s":${JSON.stringify(e.s)}`,
    `"b":${JSON.stringify(e.b)}`,
    `"i":${JSON.stringify(e.i)}`,
    `"n":${e.n === null ? 'null' : e.n.toString()}`,
    `"d":${e.d ?? 'null'}`,
    `"t":${e.t === null ? 'null' : JSON.stringify(iso(e.t))}`,
    `"tz":${e.tz === null ? 'null' : JSON.stringify(iso(e.tz))}`,
  ];
  if (bitemporal) {
    fields.push(`"valid_from":${JSON.stringify(iso(e.from))}`);
    fields.push(`"valid_to":${e.length === null || e.from + e.length > LAST ? 'null' : JSON.stringify(iso(e.from + e.length))}`);
    fields.push(`"at":${JSON.stringify(iso(e.at))}`);
  }
  return `{${fields.join(',')}}`;
});

/** Whether a printed table holds what DuckDB writes in another form. */
function declines(printedText: string): boolean {
  for (const line of printedText.split('\n').filter((l) => l !== '')) {
    for (const v of Object.values(JSON.parse(line) as Record<string, unknown>)) {
      if (typeof v !== 'string') continue;
      if (upperHex.test(v)) return true;
      const year = /^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.exec(v)?.[1];
      if (year !== undefined && Number(year) < 1000) return true;
    }
  }
  return false;
}

/** How many checks DuckDB wrote, and how many it declined: a property whose runs all decline would prove nothing. */
const tally = { wrote: 0, declined: 0, rows: 0 };

async function check(spec: DatasetSpec, events: string[]): Promise<void> {
  const w = await Warehouse.open(':memory:');
  const staging = join(work, `run-${runId++}`);
  try {
    await runJob({ spec, source: new ArraySource(events), warehouse: w, checkpointDir: null, stagingDir: staging });
    const want = await printed(w, spec);
    const file = join(work, `rows-${runId++}.jsonl`);
    const wrote = await w.exportRows(spec, file);
    expect(wrote).toBe(!declines(want));
    tally[wrote ? 'wrote' : 'declined']++;
    if (wrote) tally.rows += want.split('\n').length - 1;
    if (wrote) expect(readFileSync(file, 'utf8')).toBe(want);
  } finally {
    w.close();
    removeQuietly(staging);
  }
}

describe('lakec replay prints through DuckDB the bytes JSON.stringify printed', () => {
  it('in a bi-temporal dataset, or declines exactly where DuckDB writes otherwise', async () => {
    const before = { ...tally };
    await fc.assert(fc.asyncProperty(fc.array(event(true), { minLength: 1, maxLength: 12 }), (events) => check(history, events)), { seed: SEED, numRuns: RUNS });
    expect(tally.wrote - before.wrote).toBeGreaterThan(RUNS / 3);
    expect(tally.rows - before.rows).toBeGreaterThan(2 * RUNS);
    expect(tally.declined - before.declined).toBeGreaterThan(0);
  }, TIMEOUT);

  it('in an append-only dataset (ordered by every column)', async () => {
    const before = { ...tally };
    await fc.assert(fc.asyncProperty(fc.array(event(false), { minLength: 1, maxLength: 12 }), (events) => check(log, events)), { seed: SEED + 1, numRuns: RUNS });
    expect(tally.wrote - before.wrote).toBeGreaterThan(RUNS / 3);
    expect(tally.rows - before.rows).toBeGreaterThan(2 * RUNS);
  }, TIMEOUT);

  it('on fixed cases: an empty table, a long at 2^53 + 1, the first and last millisecond of the years it writes, every control character', async () => {
    const lines = (rows: Record<string, string>[]): string[] => rows.map((r) => `{${Object.entries(r).map(([k, v]) => `"${k}":${v}`).join(',')}}`);
    await check(log, []);
    await check(log, lines([
      { id: '"a"', n: '9007199254740993', t: JSON.stringify(iso(Date.UTC(1000, 0, 1))), tz: JSON.stringify(iso(LAST)) },
      { id: '"b"', n: '-9007199254740991', d: '"-0.0001"', t: JSON.stringify(iso(Date.UTC(1999, 11, 31, 23, 59, 59, 999))) },
    ]));
    for (let cp = 0; cp < 0x20; cp++) await check(log, lines([{ id: JSON.stringify(`x${String.fromCharCode(cp)}y`) }]));
    await check(log, lines([{ id: '"early"', t: JSON.stringify(iso(Date.UTC(999, 11, 31))) }]));
  }, TIMEOUT);

  it('declines a column of another type (a list)', async () => {
    const w = await Warehouse.open(':memory:');
    const staging = join(work, `run-${runId++}`);
    try {
      await runJob({ spec: listed, source: new ArraySource([{ id: 'a', tags: ['x'] }]), warehouse: w, checkpointDir: null, stagingDir: staging });
      expect(await w.exportRows(listed, join(work, 'never.jsonl'))).toBe(false);
    } finally {
      w.close();
      removeQuietly(staging);
    }
  });
});
