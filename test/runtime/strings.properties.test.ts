/**
 * Strings of every character class come back byte for byte (issue 9): CR, LF, CRLF, NUL, tab,
 * quotes, commas, backslashes, a byte-order mark, line and paragraph separators, non-BMP
 * characters and very long values, in keys, payload columns, lists, maps, structs and
 * `raw_payload()`, through
 *
 * - a replay (in-memory table), from an array of events and from a JSON-lines file;
 * - a run into a durable warehouse stopped half-way and resumed (a restore: the current rows
 *   are read back from the warehouse), on one partition or two workers, after which a
 *   redelivery of each key's last event is recognized as a duplicate (the restored rows equal
 *   the runtime's own, character for character);
 * - the dead-letter path: a string with a lone UTF-16 surrogate (`"\ud800"` in JSON: valid
 *   JSON, but not Unicode, and UTF-8, so the table, cannot hold it) is a dead letter naming the
 *   column, whose `event` is the line exactly.
 *
 * "Byte for byte" is checked in DuckDB itself (`encode(s)`, the stored UTF-8 bytes, against
 * Node's UTF-8 encoding of the string), not only through the driver's decoding.
 * FC_SEED and FC_RUNS as in the other property tests.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { isWellFormed } from '../../runtime/json-text.ts';
import { runJob } from '../../runtime/job.ts';
import { Processor } from '../../runtime/processor.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { FileSource } from '../../runtime/sources/file.ts';
import { specHeader, specOf, tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_911;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 25;
const TIMEOUT = Math.max(180_000, RUNS * 8000);

const spec = specOf(
  `${specHeader}dataset notes in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    s           string?
    l           list<string?>?
    m           map<string, string>?
    st          struct<a: string?, b: list<string>?>?
    raw         string = raw_payload()
    valid_from  timestamp
    valid_to    timestamp?
    at          timestamp
  }
  key (id)
  bitemporal {
    valid = valid_from .. valid_to
    system = at
  }
}
`,
  'notes',
);
const log = specOf(
  `${specHeader}dataset log in curated {
  from stream events
  format = json
  columns {
    id   string
    s    string?
    raw  string = raw_payload()
  }
}
`,
  'log',
);

const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];
const special = ['\r', '\n', '\r\n', '\u0000', '\t', '"', "'", ',', '\\', '\ufeff', '\u2028', '\u2029', '\u0085', '\u007f', '\u{1F680}', '\u{10FFFF}', 'é', ' ', 'a'];
/** Strings of every class; `lone` mixes in lone surrogates, `long` very long values. */
const text = (lone: boolean, long = false): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...special, ...(lone ? LONE : [])), maxLength: 12 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
    // A very long value: beyond DuckDB's default line limit (2 MiB) once staged.
    { weight: long ? 1 : 0, arbitrary: fc.tuple(fc.constantFrom(...special), fc.integer({ min: 1, max: 3 })).map(([c, k]) => `${c}${'x'.repeat(k * 900_000)}${c}`) },
  );

const hasLone = (s: string): boolean => !isWellFormed(s);

interface Note {
  id: string;
  s: string | null;
  l: (string | null)[] | null;
  m: Record<string, string> | null;
  st: { a: string | null; b: string[] | null } | null;
}

const note = (lone: boolean): fc.Arbitrary<Note> =>
  fc.record({
    id: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('k1', 'k2') }, { weight: 2, arbitrary: text(false).filter((s) => s.length < 200) }),
    s: fc.option(text(lone, true), { nil: null }),
    l: fc.option(fc.array(fc.option(text(lone), { nil: null }), { maxLength: 3 }), { nil: null }),
    m: fc.option(fc.dictionary(fc.string({ unit: fc.constantFrom(...special), maxLength: 4 }), text(lone), { maxKeys: 2 }), { nil: null }),
    st: fc.option(fc.record({ a: fc.option(text(lone), { nil: null }), b: fc.option(fc.array(text(lone), { maxLength: 2 }), { nil: null }) }), { nil: null }),
  });

/** A note as published: times from its place in the sequence (each event a later system time). */
const published = (n: Note, i: number): Record<string, unknown> => ({ ...n, valid_from: '2024-01-01T00:00:00Z', at: 1_704_067_200_000 + i });

/** The strings of a note that a lone surrogate in, when there is one, makes it a dead letter. */
function loneColumn(n: Note): string | undefined {
  const strings: [string, (string | null | undefined)[]][] = [
    ['id', [n.id]],
    ['s', [n.s]],
    ['l', n.l ?? []],
    ['m', n.m === null ? [] : [...Object.keys(n.m), ...Object.values(n.m)]],
    ['st', n.st === null ? [] : [n.st.a, ...(n.st.b ?? [])]],
  ];
  return strings.find(([, xs]) => xs.some((x) => typeof x === 'string' && hasLone(x)))?.[0];
}

const work = tempDir('strings');
afterAll(() => removeQuietly(work));
let runId = 0;

/** The rows of the table with each string column's stored UTF-8 bytes (base64, from DuckDB). */
async function tableWithBytes(w: Warehouse, view: string): Promise<unknown[][]> {
  const r = await w.query(`SELECT *, encode(id), encode(s), encode(raw) FROM ${view} ORDER BY encode(id), ${view === 'notes' ? 'system_from' : 'encode(raw)'}`);
  return r.rows;
}

function expectBytes(rows: unknown[][], columns: readonly string[]): void {
  for (const row of rows) {
    const n = row.length;
    const [id, s, raw] = [row[columns.indexOf('id')], row[columns.indexOf('s')], row[columns.indexOf('raw')]];
    expect(row[n - 3]).toBe(Buffer.from(id as string, 'utf8').toString('base64'));
    expect(row[n - 2]).toBe(s === null ? null : Buffer.from(s as string, 'utf8').toString('base64'));
    expect(row[n - 1]).toBe(Buffer.from(raw as string, 'utf8').toString('base64'));
  }
}

describe('strings of every character class', () => {
  it('come back byte for byte from a replay (array and file), or are dead letters naming the column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(note(true), { minLength: 1, maxLength: 8 }), async (notes) => {
        const events = notes.map(published);
        const texts = events.map((e) => JSON.stringify(e));
        const file = join(work, `replay-${runId++}.jsonl`);
        writeFileSync(file, texts.join('\n') + '\n');
        const fromArray = await new Processor(spec).replay(events);
        const fromFile = await new Processor(spec).replay(new FileSource(file));
        expect(fromFile.rows).toEqual(fromArray.rows);
        expect(fromFile.deadLetters.map((d) => [d.reason, d.column, d.event])).toEqual(fromArray.deadLetters.map((d) => [d.reason, d.column, d.event]));

        // Dead letters: exactly the notes with a lone surrogate, with the column and the line as published.
        const bad = notes.map((n, i) => ({ i, column: loneColumn(n) })).filter((x) => x.column !== undefined);
        expect(fromFile.deadLetters.map((d) => d.position)).toEqual(bad.map((b) => ({ file, line: b.i + 1 })));
        fromFile.deadLetters.forEach((d, k) => {
          expect(d.column).toBe(bad[k]!.column);
          expect(d.reason).toMatch(/lone UTF-16 surrogate \(\\ud[89a-f][0-9a-f]{2}\) at character \d+, which is not a Unicode character: UTF-8, and so the table, cannot store it\)$/);
          expect(d.event).toBe(texts[bad[k]!.i]);
        });
        expect(fromFile.metrics.deadLetters).toBe(bad.length);

        // Each key's current row holds the values of its last good event that changed the
        // payload (one with the same values changes nothing), raw_payload() that event's line.
        const last = new Map<string, number>();
        const payload = (n: Note): string => JSON.stringify([n.s, n.l, n.m, n.st]);
        notes.forEach((n, i) => {
          if (loneColumn(n) !== undefined) return;
          const was = last.get(n.id);
          if (was === undefined || payload(notes[was]!) !== payload(n)) last.set(n.id, i);
        });
        const current = fromFile.rows.filter((r) => r['system_to'] === null);
        expect(current.map((r) => r['id']).sort()).toEqual([...last.keys()].sort());
        for (const r of current) {
          const i = last.get(r['id'] as string)!;
          const n = notes[i]!;
          expect({ id: r['id'], s: r['s'], l: r['l'], m: r['m'], st: r['st'], raw: r['raw'] }).toEqual({ ...n, raw: texts[i] });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('come back byte for byte after a run stopped half-way and restored, on one partition or two, and a redelivery after the restore is a duplicate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(note(false), { minLength: 1, maxLength: 8 }), fc.nat(), fc.constantFrom(1, 2), async (notes, cut, partitions) => {
        const events = notes.map(published);
        const half = cut % (events.length + 1);
        const warehouse = join(work, `run-${runId++}`);
        const p = new Processor(spec);
        // The first run reads `half` events; the second resumes after them (ArraySource offsets).
        await p.run(new ArraySource(events.slice(0, half)), { warehouse });
        const second = await p.run(new ArraySource(events), { warehouse, partitions });
        expect(second.run.recordsIn).toBe(events.length - half);
        const replayed = await p.replay(events);

        const w = await Warehouse.open(join(warehouse, 'lake.duckdb'), { readOnly: true });
        let stored: unknown[][];
        let columns: string[];
        try {
          const r = await w.query(w.rowsSql(spec));
          columns = r.columns;
          stored = r.rows;
          expectBytes(await tableWithBytes(w, 'notes'), (await w.query('SELECT * FROM notes LIMIT 0')).columns);
        } finally {
          w.close();
        }
        expect(stored.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])))).toEqual(replayed.rows);

        // The last event of every key again, after a restore: recognized, nothing changes.
        const lastOf = new Map<string, Record<string, unknown>>();
        events.forEach((e) => lastOf.set(e['id'] as string, e));
        const again = await p.run(new ArraySource([...events, ...lastOf.values()]), { warehouse, partitions });
        expect(again.restoredFrom).not.toBeNull();
        expect(again.run.recordsIn).toBe(lastOf.size);
        expect(again.run.duplicates).toBe(lastOf.size);
        removeQuietly(warehouse);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('come back byte for byte in an append-only dataset, raw_payload() included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ id: text(false).filter((s) => s.length < 100), s: fc.option(text(true, true), { nil: null }) }), { minLength: 1, maxLength: 6 }), async (events) => {
        const w = await Warehouse.open(':memory:');
        const staging = join(work, `log-${runId++}`);
        try {
          const r = await runJob({ spec: log, source: new ArraySource(events), warehouse: w, checkpointDir: null, stagingDir: staging });
          const good = events.filter((e) => e.s === null || !hasLone(e.s));
          expect(r.metrics.changed).toBe(good.length);
          expect(r.metrics.deadLetters).toBe(events.length - good.length);
          const rows = await tableWithBytes(w, 'log');
          expectBytes(rows, ['id', 's', 'raw']);
          const expected = good.map((e) => [e.id, e.s, JSON.stringify(e)]);
          expect(rows.map((row) => row.slice(0, 3)).sort()).toEqual(expected.sort());
        } finally {
          w.close();
          removeQuietly(staging);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);
});
