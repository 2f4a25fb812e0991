/**
 * What the CLI says when a new user gets something slightly wrong, or right: a usage error that
 * names the problem instead of an internal error, a query on a table that does not exist yet that
 * names the command that fills it, summaries with correct plurals and words that say what they count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { tempDir } from '../runtime/support.ts';
import { tradesSpec } from '../runtime/bench/trades.ts';
import { lakec } from './run.ts';

const work = tempDir('cli-messages');
afterAll(() => removeQuietly(work));

const noStackTrace = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+|internal error/);

describe('lakec build', () => {
  it('-o naming a file: a usage error that names it', () => {
    const file = join(work, 'out.txt');
    writeFileSync(file, 'not a folder');
    const r = lakec(['build', 'examples/retail-orders.lake', '-o', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${file}' is a file`);
    noStackTrace(r.stderr);
    const below = lakec(['build', 'examples/retail-orders.lake', '-o', join(file, 'out')]);
    expect(below.code).toBe(2);
    expect(below.stderr).toContain(`'${file}' is a file`);
  });

  it('says what its counts count, with plurals', () => {
    const out = join(work, 'built');
    const first = lakec(['build', 'examples/retail-orders.lake', '-o', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${out}: \\d+ generated files written\\n$`));
    const again = lakec(['build', 'examples/retail-orders.lake', '-o', out]);
    expect(again.stdout).toMatch(new RegExp(`^${out}: 0 generated files written, \\d+ unchanged\\n$`));
  }, 60_000);
});

describe('lakec explain', () => {
  it('without a code says it needs a diagnostic code', () => {
    const r = lakec(['explain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('explain needs a diagnostic code, for instance lakec explain LAKE1003');
    expect(r.stderr).not.toContain('.lake file');
  });
});

describe('lakec run and query', () => {
  const spec = join(work, 'lake', 'trades.lake');
  mkdirSync(join(work, 'lake'));
  writeFileSync(spec, tradesSpec + `
stream quote_events {
  partition_key = symbol
}
dataset quotes in curated {
  from stream quote_events
  columns {
    symbol string
    bid    decimal(18, 6)
  }
}
dataset accounts in curated {
  format = parquet
  columns {
    account_id string
  }
}
`);
  const events = join(work, 'one.jsonl');
  writeFileSync(events, JSON.stringify({ trade_id: 'T1', account_id: 'A1', instrument: { symbol: 'ABC' }, side: 'BUY', quantity: '1', price: '10', valid_from: '2024-01-01T00:00:00Z', valid_to: null, recorded_at: '2024-01-01T09:00:00Z' }) + '\n');
  const warehouse = join(work, 'wh');

  it('a run of one event: singular words in the summary', () => {
    const r = lakec(['run', spec, '--dataset', 'trades', '--events', events, '--warehouse', warehouse]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^trades: 1 line read \(.*\): 1 changed the table, 0 changed nothing, 0 duplicates, 0 dead letters, 0 blank lines skipped; 0 adjusted system times, 0 late events; 1 row write\. Table totals: 1 line, 0 dead letters, 1 checkpoint\.\n$/);
  }, 30_000);

  it('a query on a dataset that has no table yet names the command that fills it', () => {
    const r = lakec(['query', spec, 'SELECT * FROM quotes', '--warehouse', warehouse]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the dataset 'quotes' has no table in the warehouse yet: no events were run for it");
    expect(r.stderr).toContain(`lakec run ${spec} --dataset quotes --events FILE.jsonl`);
    expect(r.stderr).not.toContain('Did you mean');
    const macro = lakec(['query', spec, 'SELECT * FROM quotes_known_at(now())', '--warehouse', warehouse]);
    expect(macro.stderr).toContain("the dataset 'quotes' has no table in the warehouse yet");
    const external = lakec(['query', spec, 'SELECT * FROM accounts', '--warehouse', warehouse]);
    expect(external.stderr).toContain("'accounts' is an external dataset (no stream): the local runtime holds no table for it");
    const typo = lakec(['query', spec, 'SELECT * FROM trade', '--warehouse', warehouse]);
    expect(typo.stderr).toContain("no table 'trade'; did you mean 'trades'?");
    for (const x of [r, macro, external, typo]) noStackTrace(x.stderr);
  }, 30_000);
});

describe('did you mean', () => {
  it('catches a grant column written with its words swapped', () => {
    const dir = join(work, 'swapped');
    mkdirSync(dir);
    const path = join(dir, 'claims.lake');
    writeFileSync(path, 'lake claims { region = "us-east-1" }\nzone curated { layer = curated }\n' +
      'dataset claims in curated { format = parquet; columns { claim_id string; paid_amount decimal(12, 2) } }\n' +
      'persona analysts { access = [athena]; identity = sso_group "Analysts" }\ngrant select on claims (claim_id, amount_paid) to analysts\n');
    const r = lakec(['check', path]);
    expect(r.stdout).toContain("unknown column of 'claims' 'amount_paid' in grant");
    expect(r.stdout).toContain("= hint: did you mean 'paid_amount'?");
  });
});
