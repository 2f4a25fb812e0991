/**
 * `lakec replay --engine flink`'s diagnostics, without building anything: a dataset the Flink job
 * does not cover, an unknown engine, and Java or Maven missing (a PATH without them), each a
 * clear message with its exit code, never an exception trace.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { tempDir } from '../runtime/support.ts';
import { lakec } from '../cli/run.ts';

const work = tempDir('flink-cli');
afterAll(() => removeQuietly(work));
const events = join(work, 'events.jsonl');
writeFileSync(events, '{"trade_id":"T1"}\n');

describe('lakec replay --engine flink', () => {
  it('refuses a dataset whose table is not Iceberg, naming the ones it covers', () => {
    const r = lakec(['replay', 'examples/audit-surveillance.lake', '--dataset', 'trade_events_raw', '--events', events, '--engine', 'flink']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("dataset 'trade_events_raw' is a json table: the Flink job covers Iceberg datasets only (trades)");
  });

  it('refuses an unknown engine', () => {
    const r = lakec(['replay', 'examples/audit-surveillance.lake', '--dataset', 'trades', '--events', events, '--engine', 'spark']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--engine' takes runtime or flink, not 'spark'");
  });

  it('says what to install when Java and Maven are not on the PATH', () => {
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = lakec(['replay', 'examples/audit-surveillance.lake', '--dataset', 'trades', '--events', events, '--engine', 'flink'], { env: { PATH: bin, LAKEC_CACHE_DIR: join(work, 'cache') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the Flink engine needs Java 17 or later and Maven 3.8 or later on the PATH');
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});
