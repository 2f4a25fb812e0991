/**
 * No line stops the pipeline, and every line is accounted for (issue 9), on arbitrary input:
 * random bytes, random JSON values, random objects with the dataset's member names and values
 * of any type, and valid events mutated character by character (cut, doubled, replaced, a
 * quote or brace removed, an escape inserted). Each file goes through the whole pipeline (file
 * source, router, mapping, the core, the DuckDB table) on one partition or two workers, and
 * must give: no error; lines read = the file's lines; changed + unchanged + duplicates + dead
 * letters + blank lines = lines read; one dead letter per rejected line, in order, with a
 * reason, the line's position and its text (its bytes when they are not UTF-8). The mapper
 * alone runs many more such lines. FC_SEED and FC_RUNS as in the other property tests.
 */
import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { isBlank } from '../../runtime/json-text.ts';
import { runJob } from '../../runtime/job.ts';
import { isRejection, RowMapper } from '../../runtime/mapping.ts';
import { Warehouse } from '../../runtime/sink/duckdb.ts';
import { FileSource } from '../../runtime/sources/file.ts';
import { tradesSpec } from './bench/trades.ts';
import { specOf, tempDir } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_240_912;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 30;
const TIMEOUT = Math.max(180_000, RUNS * 6000);

const trades = specOf(tradesSpec, 'trades');
const members = ['trade_id', 'account_id', 'trader', 'instrument', 'side', 'quantity', 'price', 'valid_from', 'valid_to', 'recorded_at', 'op'];

const valid = fc.record({
  id: fc.constantFrom('T1', 'T2', 'T3'),
  price: fc.constantFrom('1.5', '2', '0.000001', '-3'),
  day: fc.integer({ min: 1, max: 9 }),
}).map(({ id, price, day }) =>
  JSON.stringify({
    trade_id: id, account_id: 'A1', trader: { email: 't@example.com' }, instrument: { symbol: 'ABC', venue: 'XNYS' }, side: 'BUY', quantity: '10', price,
    valid_from: `2024-01-0${day}T00:00:00.000Z`, valid_to: null, recorded_at: `2024-02-0${day}T00:00:00.000Z`,
  }),
);

/** A valid event changed by a few edits. */
const mutated = fc
  .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.constantFrom('cut', 'double', 'drop', 'replace', 'insert'), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\\u', '\\ud800', '\u0000', '\r', ' ', '9', 'e', '-', '.', 'null', '\u{1F680}')), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    let t = text;
    for (const [at, kind, piece] of edits) {
      const i = t.length === 0 ? 0 : at % t.length;
      if (kind === 'cut') t = t.slice(0, i);
      else if (kind === 'double') t = t.slice(0, i) + t.slice(i - 1, i + 1) + t.slice(i);
      else if (kind === 'drop') t = t.slice(0, i) + t.slice(i + 1);
      else if (kind === 'replace') t = t.slice(0, i) + piece + t.slice(i + 1);
      else t = t.slice(0, i) + piece + t.slice(i);
    }
    return t;
  });

/** An object with the dataset's member names and values of any JSON type. */
const anyFields = fc.dictionary(fc.constantFrom(...members), fc.jsonValue({ maxDepth: 3 }), { maxKeys: members.length }).map((o) => JSON.stringify(o));

/** One line of text (without a line break) or raw bytes (which may hold line breaks). */
const line: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: mutated.map((t) => Buffer.from(t.replaceAll('\n', ''))) },
  { weight: 3, arbitrary: valid.map((t) => Buffer.from(t)) },
  { weight: 3, arbitrary: anyFields.map((t) => Buffer.from(t)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\r', ' \r').map((t) => Buffer.from(t)) },
);

/** The lines of a file as the file source reads them: split at LF, one CR before it dropped, the last line without a break counted. */
function linesOf(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    const end = nl < 0 ? bytes.length : nl;
    let l = bytes.subarray(start, end);
    if (l[l.length - 1] === 13) l = l.subarray(0, l.length - 1);
    out.push(l);
    start = end + 1;
  }
  return out;
}

const work = tempDir('fuzz');
afterAll(() => removeQuietly(work));
let runId = 0;

describe('arbitrary lines', () => {
  it('never make an error, and are every one accounted for, through the whole pipeline', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), fc.constantFrom(1, 2), fc.boolean(), async (pieces, partitions, trailingBreak) => {
        const id = runId++;
        const bytes = Buffer.concat(pieces.flatMap((p, i) => (i < pieces.length - 1 || trailingBreak ? [p, Buffer.from('\n')] : [p])));
        // A byte-order mark opening the file is not part of line 1: keep the generated bytes from starting with one.
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes[0] = 0x20;
        const path = join(work, `fuzz-${id}.jsonl`);
        writeFileSync(path, bytes);
        const lines = linesOf(bytes);
        const w = await Warehouse.open(':memory:');
        try {
          const r = await runJob({ spec: trades, source: new FileSource(path, { chunkBytes: 256 }), warehouse: w, checkpointDir: null, stagingDir: join(work, `staging-${id}`), partitions });
          const m = r.metrics;
          expect(m.recordsIn).toBe(lines.length);
          expect(m.changed + m.unchanged + m.duplicates + m.deadLetters + m.blankLines).toBe(m.recordsIn);
          const blank = lines.filter((l) => isUtf8(l) && isBlank(l.toString('utf8'))).length;
          expect(m.blankLines).toBe(blank);
          const dead = await w.query(`SELECT reason, position, event, event_bytes FROM dead_letters.trades ORDER BY (position->>'line')::BIGINT`);
          expect(dead.rows.length).toBe(m.deadLetters);
          for (const [reason, position, event, eventBytes] of dead.rows as [string, { file: string; line: number }, string, string | null][]) {
            expect(reason.length).toBeGreaterThan(0);
            expect(reason).not.toMatch(/internal error|Error:|\n\s+at /);
            expect(position.file).toBe(path);
            const l = lines[position.line - 1]!;
            expect(event).toBe(l.toString('utf8'));
            expect(eventBytes).toBe(isUtf8(l) ? null : l.toString('base64'));
          }
        } finally {
          w.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, TIMEOUT);

  it('are mapped or rejected with a reason by the mapper, never thrown', () => {
    const mapper = new RowMapper(trades);
    fc.assert(
      fc.property(fc.oneof(mutated, anyFields, fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null'), fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        const m = mapper.map(text, 0);
        if (isRejection(m)) expect(m.reason.length).toBeGreaterThan(0);
        else expect(m.values).toHaveLength(trades.columns.length);
      }),
      { seed: SEED, numRuns: RUNS * 200 },
    );
  });
});
