/**
 * Crash safety of `lakec run` as a real process: a long input (200,000 trades-like events, with
 * corrections, redeliveries and bad events) is run once without interruption, and once more in
 * another warehouse while the process is killed with SIGKILL at random moments and restarted
 * until it finishes. The final tables must be equal, row for row, and so must the dead letters
 * and the committed counters: every event counted exactly once (a lost event would be missing,
 * a doubled one would show as an extra duplicate or row write).
 *
 * The interrupted runs use two partition workers and checkpoints every 15,000 events; the
 * uninterrupted one a single thread, so this also checks that partitioning changes nothing.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { tempDir } from '../runtime/support.ts';
import { tradesSpec, writeTradesFile } from '../runtime/bench/trades.ts';
import { root } from '../support/compile.ts';
import { lakec } from './run.ts';

const EVENTS = 200_000;
const work = tempDir('crash');
afterAll(() => removeQuietly(work));

/** Seeded xorshift32 for the kill delays. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** Starts `lakec run`; resolves with its exit code, or 'killed' when SIGKILL stopped it first. */
function runUntil(args: string[], killAfterMs: number): Promise<{ code: number | 'killed'; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'compiler/dist/lakec.js'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal === 'SIGKILL' ? 'killed' : (code ?? -1), stderr });
    });
  });
}

function dump(spec: string, warehouse: string, sql: string): string {
  const r = lakec(['query', spec, sql, '--warehouse', warehouse, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

it('ends with the same table when killed with SIGKILL at random points and restarted', async () => {
  const spec = join(work, 'trades.lake');
  const events = join(work, 'trades.jsonl');
  writeFileSync(spec, tradesSpec);
  const summary = writeTradesFile(events, { events: EVENTS, keys: 20_000, seed: 7 });

  const reference = join(work, 'reference');
  const once = lakec(['run', spec, '--dataset', 'trades', '--events', events, '--warehouse', reference]);
  expect(once.code, once.stderr).toBe(0);

  const crashed = join(work, 'crashed');
  const random = rng(20_240_612);
  const args = ['run', spec, '--dataset', 'trades', '--events', events, '--warehouse', crashed, '--partitions', '2', '--checkpoint-every', '15000'];
  let kills = 0;
  // Kills that found committed checkpoints behind them: the next run restores from one.
  let killsAfterACommit = 0;
  for (let attempt = 0; ; attempt++) {
    expect(attempt, 'the run never finished').toBeLessThan(30);
    // Early attempts are killed at random moments; later ones are let run longer so the test ends.
    const r = await runUntil(args, attempt < 6 ? 400 + random() * 2600 : 120_000);
    if (r.code === 'killed') {
      kills++;
      const q = lakec(['query', spec, 'SELECT count(*) AS n FROM lakec.checkpoints', '--warehouse', crashed, '--format', 'json']);
      if (q.code === 0 && (JSON.parse(q.stdout) as { n: number }).n > 0) killsAfterACommit++;
      continue;
    }
    expect(r.code, r.stderr).toBe(0);
    break;
  }
  expect(kills).toBeGreaterThanOrEqual(2);
  expect(killsAfterACommit).toBeGreaterThanOrEqual(1);

  // The whole table, row for row, as a count and a digest of every row's text in order.
  const rows = `SELECT count(*) AS n, md5(string_agg(t::VARCHAR, chr(10) ORDER BY trade_id, valid_from, system_from)) AS digest FROM trades t`;
  const expected = dump(spec, reference, rows);
  expect((JSON.parse(expected) as { n: number }).n).toBeGreaterThan(EVENTS);
  expect(dump(spec, crashed, rows)).toBe(expected);

  const dead = `SELECT reason, position FROM dead_letters.trades ORDER BY (position->>'line')::BIGINT`;
  expect(dump(spec, crashed, dead)).toBe(dump(spec, reference, dead));
  expect(dump(spec, crashed, dead).split('\n').filter((l) => l !== '').length).toBe(summary.bad);

  const counters = `SELECT (metrics->>'recordsIn')::BIGINT AS records_in, (metrics->>'rowsOut')::BIGINT AS row_writes, (metrics->>'deadLetters')::BIGINT AS dead_letters, (metrics->>'changed')::BIGINT AS changed,
    (metrics->>'unchanged')::BIGINT AS unchanged, (metrics->>'duplicates')::BIGINT AS duplicates, (metrics->>'adjustedSystemTimes')::BIGINT AS adjusted
    FROM lakec.checkpoints ORDER BY checkpoint DESC LIMIT 1`;
  const last = JSON.parse(dump(spec, crashed, counters)) as Record<string, number>;
  expect(last).toEqual(JSON.parse(dump(spec, reference, counters)));
  expect(last['records_in']).toBe(EVENTS);
  // Every input line is accounted for: it changed the table, changed nothing, was a duplicate, or is a dead letter.
  expect(last['changed']! + last['unchanged']! + last['duplicates']! + last['dead_letters']!).toBe(EVENTS);
}, 300_000);
