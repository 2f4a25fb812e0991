/**
 * HEAVY (Java 17 and Maven): the generated Flink job against lakec's TypeScript runtime. On the
 * shared bi-temporal and current-state vectors, on random event sequences of both kinds (the
 * property tests' generators), on a file with every oddity a file may hold (a byte-order mark,
 * CRLF, blank lines, bytes that are not UTF-8, a line over the 64 MiB limit, deep nesting, a
 * truncated last line), on random bytes, and on a generated trades file, `lakec replay --engine
 * flink` prints exactly the rows of `lakec replay`, line for line, writes the same dead letters
 * (a malformed event's reason is compared up to the parser's own words, which differ between
 * engines) and the same summary line (the accounting of every line read).
 *
 * One lake holds a dataset per vector and one per kind of random case: one Maven build serves every
 * case, and the cases run in one JVM (the runner's batch mode, the code `lakec replay --engine
 * flink` runs) except the trades file, which goes through the CLI as a user runs it. Events are fed
 * in order from one reader, so each key's events keep their order. The random current-state
 * sequences share one file per dataset, each sequence on keys of its own (keys are independent),
 * so that they cost one job.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, ensureFlinkBuild, runnerCommand, type FlinkBuild } from '../../compiler/cli/flinkEngine.ts';
import { version } from '../../compiler/cli/commands.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { MAX_LINE_BYTES } from '../../runtime/sources/file.ts';
import { loadVectors } from '../runtime/bitemporal/vectors.ts';
import { historyDataset, published, sequence } from '../runtime/bitemporal/sequences.ts';
import { tradesSpec, writeTradesFile } from '../runtime/bench/trades.ts';
import { currentSequence, currentSequenceSpec, publishedCurrent } from '../runtime/current/sequences.ts';
import { loadCurrentVectors } from '../runtime/current/vectors.ts';
import { oddFile, oddLines } from '../runtime/oddities.ts';
import { currentSpecText, publishedCurrentEvent, publishedEvent, specHeader, tempDir, vectorSpecText } from '../runtime/support.ts';
import { compileText } from '../support/compile.ts';
import { lakecAsync } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_241_204;
const SEQUENCES = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 8;
const TRADES = 3000;

const work = tempDir('flink-diff');
afterAll(() => removeQuietly(work));

const vectors = loadVectors();
const currentVectors = loadCurrentVectors();

function datasetBlock(text: string, from: string, name: string): string {
  return text.slice(text.indexOf(from)).replace(from, `dataset ${name} in curated`);
}

const vectorName = (file: string): string => `v_${file.slice(0, 3)}`;
const currentName = (file: string): string => `c_${file.slice(0, 3)}`;

/** Every line as stored: a raw copy of each event, with two columns read from it. */
const rawCopyDataset = `dataset raw_copy in curated {
  from stream events
  format = iceberg
  columns {
    id      string?
    n       long?
    payload string = raw_payload()
  }
}
`;

const lake = [
  specHeader.replace('lake vectors', 'lake differential'),
  'stream trade_events {\n  format = json\n  partition_key = trade_id\n  shards = 4\n}\n',
  ...vectors.map(({ file, vector }) => datasetBlock(vectorSpecText(vector), 'dataset history in curated', vectorName(file))),
  ...currentVectors.map(({ file, vector }) => datasetBlock(currentSpecText(vector), 'dataset members in curated', currentName(file))),
  historyDataset,
  datasetBlock(currentSequenceSpec(1), 'dataset members in curated', 'members_w1'),
  datasetBlock(currentSequenceSpec(), 'dataset members in curated', 'members'),
  rawCopyDataset,
  datasetBlock(tradesSpec, 'dataset trades in curated', 'trades'),
].join('\n');

interface Case {
  readonly name: string;
  readonly dataset: string;
  readonly events: string;
}

const specPath = join(work, 'differential.lake');
const cases: Case[] = [];

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Dead letters as comparable values: a malformed event's reason up to the parser's words. */
function deadLetters(file: string): unknown[] {
  return lines(readFileSync(file, 'utf8')).map((l) => {
    const d = JSON.parse(l) as { reason: string };
    return d.reason.startsWith('malformed JSON: ') ? { ...d, reason: 'malformed JSON: ' } : d;
  });
}

/**
 * Lines of random bytes: pieces of events, bytes that are not UTF-8 (lone continuation bytes,
 * truncated and overlong sequences, encoded surrogates), byte-order marks, CRs, escapes of lone
 * surrogates and numbers beyond a long, and whole events; some lines blank.
 */
const piece = fc.constantFrom(
  ...['{"id":"a","n":1}', '{"id":"b"}', '{"id":"\\ud800"}', '{"n":9007199254740993}', '{"n":1e400}', '{"id":"x","op":"DELETE"}', '{', '}', '"', ':', ',', 'a', ' ', '\t', '\r', '\\u', 'é', '😀'].map((s) => Buffer.from(s)),
  ...[[0xff], [0x80], [0xc3], [0xa9], [0xe2, 0x82], [0xac], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf], [0xf4, 0x90, 0x80, 0x80]].map((b) => Buffer.from(b)),
);
const randomLines = fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) }, { weight: 6, arbitrary: fc.array(piece, { maxLength: 12 }).map((p) => Buffer.concat(p)) }), { minLength: 1, maxLength: 60 });

let build: FlinkBuild;

beforeAll(async () => {
  writeFileSync(specPath, lake);
  const c = compileText(lake, specPath);
  if (c.model === undefined) throw new Error(`the differential lake has errors: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const file = (name: string, content: string | Buffer): string => {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  };
  for (const { file: f, vector } of vectors) {
    cases.push({ name: f, dataset: vectorName(f), events: file(`${vectorName(f)}.jsonl`, vector.events.map((e) => JSON.stringify(publishedEvent(e))).join('\n') + '\n') });
  }
  for (const { file: f, vector } of currentVectors) {
    cases.push({ name: `current ${f}`, dataset: currentName(f), events: file(`${currentName(f)}.jsonl`, vector.events.map((e) => JSON.stringify(publishedCurrentEvent(e))).join('\n') + '\n') });
  }
  fc.sample(sequence, { seed: SEED, numRuns: SEQUENCES }).forEach((events, i) => {
    // A bad line among them, so dead letters are compared too.
    const text = events.map((e) => JSON.stringify(published(e)));
    text.splice(Math.floor(text.length / 2), 0, '{"id": "a", "valid_from": "not a time"}');
    cases.push({ name: `random sequence ${i} (${events.length} events)`, dataset: 'history', events: file(`history-${i}.jsonl`, text.join('\n') + '\n') });
  });
  for (const dataset of ['members_w1', 'members']) {
    const text: string[] = [];
    fc.sample(currentSequence, { seed: SEED + dataset.length, numRuns: 2 * SEQUENCES }).forEach((events, i) => {
      for (const e of events) text.push(JSON.stringify(publishedCurrent({ ...e, key: `s${i}-${e.key}` })));
      text.push(`{"id": "s${i}-bad", "op": "DELETE"}`);
    });
    cases.push({ name: `${2 * SEQUENCES} random current-state sequences (${dataset}, ${text.length} events)`, dataset, events: file(`${dataset}.jsonl`, text.join('\n') + '\n') });
  }
  cases.push({ name: 'a file with every oddity (a line over the 64 MiB limit among them)', dataset: 'trades', events: file('oddities.jsonl', oddFile(oddLines(MAX_LINE_BYTES))) });
  fc.sample(randomLines, { seed: SEED, numRuns: 3 }).forEach((ls, i) => {
    const bytes = Buffer.concat(ls.flatMap((l, k) => [l, Buffer.from(k % 3 === 0 ? '\r\n' : '\n')]));
    cases.push({ name: `random bytes ${i} (${ls.length} lines)`, dataset: 'raw_copy', events: file(`bytes-${i}.jsonl`, i === 0 ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes.subarray(0, bytes.length - 1)) });
  });
  build = await ensureFlinkBuild(c.model, 'differential.lake', version, () => {});
}, 1_800_000);

describe('lakec replay --engine flink equals lakec replay', () => {
  it('on every shared vector, random sequence, odd file and random bytes (one JVM for all)', async () => {
    const out = (i: number, kind: string): string => join(work, `run-${i}.${kind}`);
    const batch = cases.map((k, i) => JSON.stringify({ dataset: k.dataset, events: k.events, work: join(work, `run-${i}`), rows: out(i, 'rows'), 'dead-letter': out(i, 'dead'), summary: out(i, 'summary'), print: 'false' }));
    // The benchmark's way of running (test/bench/flink.ts): the first case again, timed, its table not read back.
    const timed = cases.length;
    batch.push(JSON.stringify({ dataset: cases[0]!.dataset, events: cases[0]!.events, work: join(work, `run-${timed}`), rows: out(timed, 'rows'), summary: out(timed, 'summary'), 'read-back': 'false', timings: out(timed, 'timings') }));
    writeFileSync(join(work, 'batch.jsonl'), batch.join('\n') + '\n');
    const r = await capture('java', runnerCommand(build, ['--batch', join(work, 'batch.jsonl')]));
    expect(r.code, r.output.slice(-4000)).toBe(0);
    const failures: string[] = [];
    let rows = 0;
    let dead = 0;
    for (const [i, k] of cases.entries()) {
      const tsDeadFile = join(work, `ts-${i}.dead`);
      const ts = await lakecAsync(['replay', specPath, '--dataset', k.dataset, '--events', k.events, '--dead-letter', tsDeadFile]);
      expect(ts.code, ts.stderr).toBe(0);
      const flinkRows = lines(readFileSync(out(i, 'rows'), 'utf8'));
      if (JSON.stringify(flinkRows) !== JSON.stringify(lines(ts.stdout))) failures.push(`${k.name}: rows differ\n  runtime: ${lines(ts.stdout).join('\n           ')}\n  flink:   ${flinkRows.join('\n           ')}`);
      const flinkDead = deadLetters(out(i, 'dead'));
      const tsDead = deadLetters(tsDeadFile);
      rows += lines(ts.stdout).length;
      dead += tsDead.length;
      if (JSON.stringify(flinkDead) !== JSON.stringify(tsDead)) failures.push(`${k.name}: dead letters differ\n  runtime: ${tsDead.map((d) => JSON.stringify(d).slice(0, 300)).join('\n           ')}\n  flink:   ${flinkDead.map((d) => JSON.stringify(d).slice(0, 300)).join('\n           ')}`);
      const summary = readFileSync(out(i, 'summary'), 'utf8').trim();
      const tsSummary = ts.stderr.trim().split('\n').at(-1);
      if (summary !== tsSummary) failures.push(`${k.name}: summaries differ\n  runtime: ${tsSummary}\n  flink:   ${summary}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(existsSync(out(timed, 'rows'))).toBe(false);
    const timings = JSON.parse(readFileSync(out(timed, 'timings'), 'utf8')) as Record<string, number>;
    expect(Object.keys(timings).sort()).toEqual(['jobCpuMs', 'jobMs', 'processCpuMs', 'records']);
    expect(timings['records']).toBe(lines(readFileSync(cases[0]!.events, 'utf8')).length);
    expect(readFileSync(out(timed, 'summary'), 'utf8')).toBe(readFileSync(out(0, 'summary'), 'utf8'));
    expect(timings['jobMs']).toBeGreaterThan(0);
    expect(timings['processCpuMs']).toBeGreaterThanOrEqual(timings['jobCpuMs']!);
    expect(timings['jobCpuMs']).toBeGreaterThan(0);
    // The comparison had something to compare: rows, and dead letters of every kind.
    const odd = oddLines(MAX_LINE_BYTES);
    const oddCase = cases.findIndex((k) => k.events.endsWith('oddities.jsonl'));
    expect(deadLetters(out(oddCase, 'dead')).length).toBe(odd.filter((l) => 'dead' in l.outcome).length);
    const blank = odd.filter((l) => 'blank' in l.outcome).length;
    expect(readFileSync(out(oddCase, 'summary'), 'utf8')).toContain(`, ${blank} blank line${blank === 1 ? '' : 's'} skipped; `);
    // 158 rows with the default seed and runs.
    expect(rows).toBeGreaterThan(100);
    expect(dead).toBeGreaterThan(60);
  }, 1_800_000);

  it(`on a generated trades file of ${TRADES} events, through the CLI`, async () => {
    const events = join(work, 'trades.jsonl');
    const summary = writeTradesFile(events, { events: TRADES, seed: 7, bad: 0.01 });
    expect(summary.bad).toBeGreaterThan(0);
    const flink = await lakecAsync(['replay', specPath, '--dataset', 'trades', '--events', events, '--engine', 'flink', '--dead-letter', join(work, 'trades.flink.dead')], { cwd: work });
    expect(flink.code, flink.stderr).toBe(0);
    const ts = await lakecAsync(['replay', specPath, '--dataset', 'trades', '--events', events, '--dead-letter', join(work, 'trades.ts.dead')], { cwd: work });
    expect(ts.code, ts.stderr).toBe(0);
    expect(lines(flink.stdout).length).toBeGreaterThan(TRADES / 2);
    expect(lines(flink.stdout)).toEqual(lines(ts.stdout));
    expect(deadLetters(join(work, 'trades.flink.dead'))).toEqual(deadLetters(join(work, 'trades.ts.dead')));
    expect(deadLetters(join(work, 'trades.flink.dead')).length).toBe(summary.bad);
    // The same summary line on stderr: every line accounted for, the same way.
    expect(flink.stderr.trim().split('\n').at(-1)).toBe(ts.stderr.trim().split('\n').at(-1));
    expect(ts.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^trades: ${TRADES.toLocaleString('en-US')} lines read: `));
  }, 1_800_000);
});
