/**
 * HEAVY (Java 17 and Maven): the generated Flink job against lakec's TypeScript runtime. On the
 * shared bi-temporal vectors, on random event sequences (the pipeline property tests' generator)
 * and on a generated trades file, `lakec replay --engine flink` prints exactly the rows of
 * `lakec replay`, line for line, and writes the same dead letters (a malformed event's reason is
 * compared up to the parser's own words, which differ between engines).
 *
 * One lake holds a dataset per vector, the random sequences' `history` and `trades`: one Maven
 * build serves every case, and the cases run in one JVM (the runner's batch mode) except the
 * trades file and one vector, which go through the CLI as a user runs it. Events are fed in order
 * from one reader, so each key's events keep their order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, ensureFlinkBuild, runnerCommand, type FlinkBuild } from '../../compiler/cli/flinkEngine.ts';
import { version } from '../../compiler/cli/commands.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { loadVectors } from '../runtime/bitemporal/vectors.ts';
import { historyDataset, published, sequence } from '../runtime/bitemporal/sequences.ts';
import { tradesSpec, writeTradesFile } from '../runtime/bench/trades.ts';
import { publishedEvent, specHeader, tempDir, vectorSpecText } from '../runtime/support.ts';
import { compileText } from '../support/compile.ts';
import { lakecAsync } from './support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_241_204;
const SEQUENCES = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 8;
const TRADES = 3000;

const work = tempDir('flink-diff');
afterAll(() => removeQuietly(work));

const vectors = loadVectors();

function datasetBlock(text: string, from: string, name: string): string {
  return text.slice(text.indexOf(from)).replace(from, `dataset ${name} in curated`);
}

const vectorName = (file: string): string => `v_${file.slice(0, 3)}`;

const lake = [
  specHeader.replace('lake vectors', 'lake differential'),
  'stream trade_events {\n  format = json\n  partition_key = trade_id\n  shards = 4\n}\n',
  ...vectors.map(({ file, vector }) => datasetBlock(vectorSpecText(vector), 'dataset history in curated', vectorName(file))),
  historyDataset,
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

let build: FlinkBuild;

beforeAll(async () => {
  writeFileSync(specPath, lake);
  const c = compileText(lake, specPath);
  if (c.model === undefined) throw new Error(`the differential lake has errors: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  for (const { file, vector } of vectors) {
    const events = join(work, `${vectorName(file)}.jsonl`);
    writeFileSync(events, vector.events.map((e) => JSON.stringify(publishedEvent(e))).join('\n') + '\n');
    cases.push({ name: file, dataset: vectorName(file), events });
  }
  fc.sample(sequence, { seed: SEED, numRuns: SEQUENCES }).forEach((events, i) => {
    const file = join(work, `history-${i}.jsonl`);
    // A bad line among them, so dead letters are compared too.
    const text = events.map((e) => JSON.stringify(published(e)));
    text.splice(Math.floor(text.length / 2), 0, '{"id": "a", "valid_from": "not a time"}');
    writeFileSync(file, text.join('\n') + '\n');
    cases.push({ name: `random sequence ${i} (${events.length} events)`, dataset: 'history', events: file });
  });
  build = await ensureFlinkBuild(c.model, 'differential.lake', version, () => {});
}, 1_800_000);

describe('lakec replay --engine flink equals lakec replay', () => {
  it('on every shared vector and random sequence (one JVM for all)', async () => {
    const batch = cases.map((k, i) => JSON.stringify({ dataset: k.dataset, events: k.events, work: join(work, `run-${i}`), rows: join(work, `run-${i}.rows`), 'dead-letter': join(work, `run-${i}.dead`), print: 'false' }));
    writeFileSync(join(work, 'batch.jsonl'), batch.join('\n') + '\n');
    const r = await capture('java', runnerCommand(build, ['--batch', join(work, 'batch.jsonl')]));
    expect(r.code, r.output.slice(-4000)).toBe(0);
    const failures: string[] = [];
    for (const [i, k] of cases.entries()) {
      const dead = join(work, `ts-${i}.dead`);
      const ts = await lakecAsync(['replay', specPath, '--dataset', k.dataset, '--events', k.events, '--dead-letter', dead]);
      expect(ts.code, ts.stderr).toBe(0);
      const flinkRows = lines(readFileSync(join(work, `run-${i}.rows`), 'utf8'));
      if (JSON.stringify(flinkRows) !== JSON.stringify(lines(ts.stdout))) failures.push(`${k.name}: rows differ\n  runtime: ${lines(ts.stdout).join('\n           ')}\n  flink:   ${flinkRows.join('\n           ')}`);
      if (JSON.stringify(deadLetters(join(work, `run-${i}.dead`))) !== JSON.stringify(deadLetters(dead))) failures.push(`${k.name}: dead letters differ`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
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
    // The same summary line on stderr (counts of events, rejections, duplicates, raised times).
    expect(flink.stderr.trim().split('\n').at(-1)).toBe(ts.stderr.trim().split('\n').at(-1));
  }, 1_800_000);
});
