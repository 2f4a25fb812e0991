/**
 * `lakec run`, `lakec replay` and `lakec query` as real processes: the happy paths (resuming
 * runs, as-of queries through the macros, JSON lines and tables) and every way to misuse them,
 * each a message and an exit code (2 usage, 1 failure), never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { tempDir } from '../runtime/support.ts';
import { tradesSpec } from '../runtime/bench/trades.ts';
import { root } from '../support/compile.ts';
import { lakec } from './run.ts';

const work = tempDir('cli-runtime');
afterAll(() => removeQuietly(work));
const spec = join(work, 'trades.lake');
writeFileSync(spec, tradesSpec);

const event = (id: string, price: string, from: string, at: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ trade_id: id, account_id: 'A1', instrument: { symbol: 'ABC' }, side: 'BUY', quantity: '1', price, valid_from: from, valid_to: null, recorded_at: at, ...extra });

function file(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('lakec run and lakec query', () => {
  const day1 = file('day1.jsonl', [
    event('T1', '10', '2024-01-01T00:00:00Z', '2024-01-01T09:00:00Z'),
    event('T2', '20', '2024-01-01T00:00:00Z', '2024-01-01T09:00:01Z'),
    '{broken',
  ]);
  const day2 = file('day2.jsonl', [
    // A correction of T1's price from noon on, learned the next day.
    event('T1', '11', '2024-01-01T12:00:00Z', '2024-01-02T09:00:00Z'),
  ]);
  const warehouse = join(work, 'wh');

  it('fills the warehouse, resumes with the next file, and answers as-of queries', () => {
    const a = lakec(['run', spec, '--dataset', 'trades', '--events', day1, '--warehouse', warehouse]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^trades: 3 lines read .*: 2 changed the table, 0 changed nothing, 0 duplicates, 1 dead letter, 0 blank lines skipped; 0 adjusted system times, 0 late events; /);
    const again = lakec(['run', spec, '--dataset', 'trades', '--events', day1, '--warehouse', warehouse]);
    expect(again.stdout, 'the same file again: nothing new').toMatch(/^trades: 0 lines read/);
    const b = lakec(['run', spec, '--dataset', 'trades', '--events', day2, '--warehouse', warehouse]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/not the file the last checkpoint read.*reading it from the start/);

    const q = (sql: string): unknown[] => {
      const r = lakec(['query', spec, sql, '--warehouse', warehouse, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
    };
    // What was known on the evening of Jan 1 about the afternoon of Jan 1, and what is known now.
    expect(q(`SELECT trade_id, price FROM trades_as_of('2024-01-01 18:00', '2024-01-01 15:00') ORDER BY trade_id`)).toEqual([
      { trade_id: 'T1', price: '10.000000' },
      { trade_id: 'T2', price: '20.000000' },
    ]);
    expect(q(`SELECT trade_id, price FROM trades_as_of(now(), '2024-01-01 15:00') ORDER BY trade_id`)).toEqual([
      { trade_id: 'T1', price: '11.000000' },
      { trade_id: 'T2', price: '20.000000' },
    ]);
    // T1 as known then is two rows now: the morning, still current, and the afternoon, since corrected.
    expect(q(`SELECT count(*) AS n FROM trades_known_at('2024-01-01 18:00')`)).toEqual([{ n: 3 }]);
    expect(q(`SELECT trade_id, price, valid_from, valid_to, system_from, system_to FROM trades WHERE trade_id = 'T1' ORDER BY valid_from, system_from`)).toEqual([
      { trade_id: 'T1', price: '10.000000', valid_from: '2024-01-01T00:00:00.000Z', valid_to: '2024-01-01T12:00:00.000Z', system_from: '2024-01-01T09:00:00.000Z', system_to: null },
      { trade_id: 'T1', price: '10.000000', valid_from: '2024-01-01T12:00:00.000Z', valid_to: null, system_from: '2024-01-01T09:00:00.000Z', system_to: '2024-01-02T09:00:00.000Z' },
      { trade_id: 'T1', price: '11.000000', valid_from: '2024-01-01T12:00:00.000Z', valid_to: null, system_from: '2024-01-02T09:00:00.000Z', system_to: null },
    ]);
    expect(q(`SELECT reason, position->>'line' AS line, event FROM dead_letters.trades`)).toEqual([
      { reason: expect.stringMatching(/^malformed JSON/) as unknown, line: '3', event: '{broken' },
    ]);
    const table = lakec(['query', spec, 'SELECT trade_id, price FROM trades_as_of(now(), now()) ORDER BY 1', '--warehouse', warehouse, '--format', 'table']);
    expect(table.stdout).toBe('trade_id  price\n--------  ---------\nT1        11.000000\nT2        20.000000\n(2 rows)\n');
  }, 60_000);

  it('puts the warehouse in .lakec/warehouse beside the spec by default', () => {
    const dir = join(work, 'beside');
    const s = join(work, 'beside.lake');
    writeFileSync(s, tradesSpec);
    const r = lakec(['run', s, '-d', 'trades', '-e', day1]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(work, '.lakec', 'warehouse', 'bench.duckdb'))).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 30_000);

  it('reports misuse and failures as messages with exit codes, never stack traces', () => {
    const cases: [string[], number, RegExp][] = [
      [['run', spec, '--dataset', 'trade', '--events', day1], 2, /no dataset 'trade' in lake 'bench'; did you mean 'trades'\?/],
      [['run', spec, '--events', day1], 2, /--dataset is required \(datasets fed by a stream: trades\)/],
      [['run', spec, '--dataset', 'trades', '--events', join(work, 'missing.jsonl')], 2, /cannot read '.*missing\.jsonl': no such file/],
      [['run', spec, '--dataset', 'trades', '--events', work], 2, /is not a file/],
      [['run', spec, '--dataset', 'trades', '--events', day1, '--partitions', 'many'], 2, /--partitions takes a positive whole number or auto, not 'many'/],
      [['replay', spec, '--dataset', 'trades'], 2, /--events FILE is required/],
      [['run', join(root, 'examples/audit-surveillance.lake'), '--dataset', 'accounts', '--events', day1, '--warehouse', join(work, 'x')], 2, /dataset 'accounts' is not fed by a stream/],
      [['query', spec, 'SELEC 1', '--warehouse', warehouse], 1, /lakec query: Parser Error: syntax error at or near "SELEC"/],
      [['query', spec, 'SELECT * FROM no_such_table', '--warehouse', warehouse], 1, /lakec query: no table 'no_such_table' \(the lake's datasets: trades\)/],
      [['query', spec, 'SELECT 1', '--warehouse', join(work, 'empty')], 1, /lakec query: no warehouse at .*empty/],
      [['query', spec], 2, /query takes the spec's path and one SQL statement/],
      [['run', join(work, 'nowhere.lake'), '--dataset', 'trades', '--events', day1], 2, /cannot find/],
    ];
    for (const [args, code, message] of cases) {
      const r = lakec(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(message);
      noStackTrace(r.stderr);
    }
    const broken = join(work, 'broken.lake');
    writeFileSync(broken, tradesSpec.replace('key (trade_id)', 'key (trade)'));
    const r = lakec(['replay', broken, '--dataset', 'trades', '--events', day1]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/LAKE1003/);
    expect(r.stderr).toMatch(/the spec has errors/);
  }, 60_000);
});

describe('lakec replay', () => {
  it('prints rows as JSON lines, and names the dead letters it did not keep', () => {
    const events = file('replay.jsonl', [event('T1', '10.5', '2024-01-01T00:00:00Z', '2024-01-01T09:00:00.123456Z'), 'nope']);
    const r = lakec(['replay', spec, '--dataset', 'trades', '--events', events]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      '{"trade_id":"T1","account_id":"A1","trader_email":null,"symbol":"ABC","side":"BUY","quantity":"1.0000","price":"10.500000","venue":null,' +
        '"valid_from":"2024-01-01T00:00:00.000Z","valid_to":null,"recorded_at":"2024-01-01T09:00:00.123Z","system_from":"2024-01-01T09:00:00.123Z","system_to":null}\n',
    );
    expect(r.stderr).toMatch(/trades: 2 lines read: 1 changed the table, 0 changed nothing, 0 duplicates, 1 dead letter \(pass --dead-letter FILE to keep it\), 0 blank lines skipped; 0 adjusted system times/);
  }, 30_000);

  it('prints the same bytes to a socket, a pipe, a file and an appended file, and stops quietly when the reader does', () => {
    // Standard output as each is: DuckDB writes the rows itself into a pipe, through a staged
    // file into a file or a socket (the test's process runner); a reader that stops early
    // (`| head`) ends the printing, not the command. (Where DuckDB declines and JSON.stringify
    // prints: test/runtime/sink.export.test.ts.)
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(event(`T${i % 300}`, `${10 + (i % 7)}.5`, `2024-01-0${1 + (i % 5)}T00:00:00Z`, `2024-01-01T09:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z`));
    lines.push('nope');
    const events = file('outputs.jsonl', lines);
    const socket = lakec(['replay', spec, '--dataset', 'trades', '--events', events]);
    expect(socket.code, socket.stderr).toBe(0);
    expect(socket.stdout.split('\n').length).toBeGreaterThan(3000);
    const cli = `'${process.execPath}' '${join(root, 'compiler/dist/lakec.js')}' replay '${spec}' --dataset trades --events '${events}'`;
    const out = join(work, 'out.jsonl');
    writeFileSync(out, 'kept\n');
    const shell = (script: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const piped = shell(`${cli} 2>/dev/null | cat`);
    expect(piped.status).toBe(0);
    expect(piped.stdout).toBe(socket.stdout);
    expect(shell(`${cli} 2>/dev/null >> '${out}'`).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('kept\n' + socket.stdout);
    expect(shell(`${cli} 2>/dev/null > '${out}'`).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(socket.stdout);
    const dead = join(work, 'head-dead.jsonl');
    const head = shell(`${cli} --dead-letter '${dead}' | head -1`);
    expect(head.stdout).toBe(socket.stdout.slice(0, socket.stdout.indexOf('\n') + 1));
    expect(head.stderr).toMatch(/trades: 3,001 lines read: .*1 dead letter,/);
    noStackTrace(head.stderr);
    expect(head.stderr).not.toMatch(/error/i);
    expect(readFileSync(dead, 'utf8').split('\n').filter((l) => l !== '')).toHaveLength(1);
    // A control character DuckDB escapes in upper case: printed by lakec itself, which stops as quietly.
    const odd = file('outputs-odd.jsonl', [...lines, event('T\u001a', '1.5', '2024-01-01T00:00:00Z', '2024-01-01T09:00:00Z')]);
    const oddHead = shell(`'${process.execPath}' '${join(root, 'compiler/dist/lakec.js')}' replay '${spec}' --dataset trades --events '${odd}' | head -1`);
    expect(oddHead.stdout).toMatch(/^\{"trade_id":"T\\u001a",[^\n]*\}\n$/);
    expect(oddHead.stderr).toMatch(/trades: 3,002 lines read: /);
    noStackTrace(oddHead.stderr);
    expect(oddHead.stderr).not.toMatch(/error/i);
  }, 60_000);

  it('documents itself', () => {
    for (const c of ['run', 'replay', 'query']) {
      const r = lakec([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: lakec ${c} PATH`));
    }
    expect(lakec(['--help']).stdout).toMatch(/run +apply events.*\n.*replay +apply events to an empty table.*\n.*query +run SQL/);
  });
});
