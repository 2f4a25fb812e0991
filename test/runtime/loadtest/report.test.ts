/**
 * The load test's parts that need no processor: the check solver's TRUE/FALSE sets (SQL's
 * three-valued logic), the latency histogram's percentiles, the report's verdicts and
 * projections from known figures, the Flink runner's summary line, and the flags.
 */
import { describe, expect, it } from 'vitest';
import type { CheckExpr } from '../../../runtime/checks.ts';
import { analyze, passingSet, type ValueSet } from '../../../runtime/loadtest/domain.ts';
import { parseRunnerSummary } from '../../../runtime/loadtest/flink.ts';
import { EventGenerator } from '../../../runtime/loadtest/generator.ts';
import { Histogram, Tracker } from '../../../runtime/loadtest/measure.ts';
import { buildReport, runFailed, type LoadTestSpec } from '../../../runtime/loadtest/report.ts';
import type { Metrics } from '../../../runtime/metrics.ts';
import { count, generatorSettings, parseArgs, parseMix, UsageError } from '../../../runtime/loadtest/cli.ts';
import { emptyMetrics } from '../../../runtime/metrics.ts';
import { specHeader, specOf } from '../support.ts';

const col = (name: string): CheckExpr => ({ op: 'column', name });
const num = (v: number): CheckExpr => ({ op: 'literal', value: v, text: String(v) });
const str = (v: string): CheckExpr => ({ op: 'literal', value: v });

const intervals = (s: ValueSet): string => (s.kind === 'ordered' ? s.intervals.map((i) => `${i.loOpen ? '(' : '['}${i.lo},${i.hi}${i.hiOpen ? ')' : ']'}`).join(' ') + (s.nul ? ' +null' : '') : JSON.stringify(s));

describe('the check solver', () => {
  it('computes where a comparison is true and false, and null is neither', () => {
    const tf = analyze({ op: '>', left: col('x'), right: num(5) }, 'x', 'number');
    expect(intervals(tf.t)).toBe('(5,Infinity)');
    expect(intervals(tf.f)).toBe('(-Infinity,5]');
  });

  it('combines with three-valued and, or and not', () => {
    // x > 5 and x <> 7: false where x <= 5 or x = 7.
    const and = analyze({ op: 'and', left: { op: '>', left: col('x'), right: num(5) }, right: { op: '<>', left: col('x'), right: num(7) } }, 'x', 'number');
    expect(intervals(and.f)).toBe('(-Infinity,5] [7,7]');
    // not (x < 0 or x >= 10): passes on [0, 10) and on null.
    const p = passingSet([{ op: 'not', operand: { op: 'or', left: { op: '<', left: col('x'), right: num(0) }, right: { op: '>=', left: col('x'), right: num(10) } } }], 'x', 'number');
    expect(intervals(p)).toBe('[0,10) +null');
    // A flipped comparison: 3 < x.
    expect(intervals(analyze({ op: '<', left: num(3), right: col('x') }, 'x', 'number').t)).toBe('(3,Infinity)');
  });

  it('reads in-lists, is null and SQL null in a list', () => {
    const inList = analyze({ op: 'in', negated: false, operand: col('s'), values: [str('BUY'), str('SELL')] }, 's', 'string');
    expect(inList.t).toMatchObject({ kind: 'discrete', include: true, values: new Set(['BUY', 'SELL']) });
    expect(inList.f).toMatchObject({ kind: 'discrete', include: false, values: new Set(['BUY', 'SELL']), nul: false });
    // x not in (1, null) is never true, and false only for 1.
    const withNull = analyze({ op: 'in', negated: true, operand: col('x'), values: [num(1), { op: 'literal', value: null }] }, 'x', 'number');
    expect(intervals(withNull.t)).toBe('');
    expect(intervals(withNull.f)).toBe('[1,1]');
    const notNull = passingSet([{ op: 'is null', negated: true, operand: col('x') }], 'x', 'number');
    expect(intervals(notNull)).toBe('(-Infinity,Infinity)');
  });

  it('leaves what it cannot represent unknown (string ranges), so candidates are verified instead', () => {
    expect(analyze({ op: '<', left: col('s'), right: str('M') }, 's', 'string').f.kind).toBe('unknown');
    // An unknown check does not lose what a known one says.
    const p = passingSet([{ op: '<', left: col('s'), right: str('M') }, { op: '<>', left: col('s'), right: str('X') }], 's', 'string');
    expect(p).toMatchObject({ kind: 'discrete', include: false, values: new Set(['X']) });
  });

  it('gives the generator values that a narrow check allows, and refuses an impossible one by name', () => {
    const spec = specOf(`${specHeader}dataset d in curated {\n  from stream events\n  columns {\n    id string\n    q decimal(6, 2) @check(q > 9999.98)\n    k int @check(k in (3, 5) and k <> 5)\n  }\n}\n`, 'd');
    const g = new EventGenerator(spec, { seed: 1, keys: 10, mix: { bad: 0 } });
    for (let i = 0; i < 200; i++) {
      g.next();
      const e = JSON.parse(g.text) as { q: string; k: number };
      expect(e.q).toBe('9999.99');
      expect(e.k).toBe(3);
    }
    const impossible = specOf(`${specHeader}dataset d in curated {\n  from stream events\n  columns {\n    id string\n    q decimal(4, 2) @check(q > 99.99)\n  }\n}\n`, 'd');
    expect(() => new EventGenerator(impossible, { seed: 1, keys: 10 })).toThrow(/cannot generate a value of column 'q' that passes its checks \(q > 99\.99\)/);
  });
});

describe('the latency histogram', () => {
  it('gives percentiles within 1%', () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.add(i);
    expect(h.quantile(0.5)! / 5000).toBeCloseTo(1, 1);
    expect(h.quantile(0.99)! / 9900).toBeCloseTo(1, 1);
    expect(h.quantile(1)).toBe(10_000);
    expect(new Histogram().quantile(0.5)).toBeNull();
  });
});

const test: LoadTestSpec = {
  lake: 'l',
  region: 'us-east-1',
  dataset: specOf(`${specHeader}dataset d in curated {\n  from stream events\n  columns {\n    id string\n  }\n}\n`, 'd'),
  sla: { burst: { records: 1_000_000, seconds: 100, text: '' }, freshness: { seconds: 60, text: '' } },
  stream: { name: 'events', kinesisName: 'l-events', shards: 1, writeRecordsPerSecond: 1000 },
};

/** A report of `n` events read at `rate` per second from t0, all committed `commitAfter` ms after the last read. */
function reportOf(n: number, rate: number, offered: number | null, commitAfter: number, counted: Partial<Metrics> = {}): ReturnType<typeof buildReport> {
  const g = new EventGenerator(test.dataset, { seed: 1, keys: 10, mix: { bad: 0, duplicate: 0, late: 0 } });
  const texts: string[] = [];
  g.fill(n, texts);
  const t0 = 1_000_000;
  const tracker = new Tracker(t0, () => n);
  const now = Date.now;
  try {
    const lastRead = t0 + (n / rate) * 1000;
    Date.now = () => lastRead;
    tracker.observe({ description: '', restore: async () => {}, next: async () => null, offset: () => ({ kind: 'array', index: n }), lag: () => ({}), close: async () => {} });
    (tracker as unknown as { onRead: (b: unknown) => void }).onRead({ texts, ingestionTime: t0, position: () => ({ index: 0 }) });
    tracker.firstRead = t0;
    Date.now = () => lastRead + commitAfter;
    tracker.commit(1, emptyMetrics(), { kind: 'array', index: n });
  } finally {
    Date.now = now;
  }
  const m = { ...emptyMetrics(), recordsIn: n, changed: n, ...counted };
  return buildReport({ test, target: 'local', startedAt: t0, seed: 1, scale: 1, rate: offered, mix: { correction: 0, delete: 0, duplicate: 0, out_of_order: 0, late: 0, bad: 0 }, generator: g, generatorAlone: { records: n, ms: 1 }, metrics: m, tracker, phases: [], queryable: '', checkpointPolicy: { events: 1_000_000, ms: 60_000 }, loadStart: [0, 0, 0] });
}

describe('the gate', () => {
  it('fails a run whose processor dead-lettered good events, though every event adds up', () => {
    const good = reportOf(1000, 1000, 1000, 10);
    expect(good.accounted).toBe(true);
    expect(good.matches_expected).toBe(true);
    expect(runFailed({ ...good, burst_verdict: 'met', freshness_verdict: 'met' })).toBe(false);
    const wrong = reportOf(1000, 1000, 1000, 10, { changed: 990, deadLetters: 10 });
    expect(wrong.accounted).toBe(true);
    expect(wrong.matches_expected).toBe(false);
    expect(runFailed({ ...wrong, burst_verdict: 'met', freshness_verdict: 'met' })).toBe(true);
  });
});

describe('the verdicts', () => {
  it('project the full burst at the measured rate: a slow target misses the burst, and its backlog the freshness', () => {
    const r = reportOf(1000, 1000, 10_000, 500);
    expect(r.records_per_second).toBe(1000);
    expect(r.projected_burst_seconds).toBe(1000);
    expect(r.burst_verdict).toBe('missed');
    // 900 s of backlog beyond the burst's 100 s, then a checkpoint interval (1,000,000 events at 1000/s caps at 60 s).
    expect(r.projected_freshness_seconds).toBeGreaterThan(900);
    expect(r.freshness_verdict).toBe('missed');
    expect(r.accounted).toBe(true);
  });

  it('meet the burst when the target is fast enough, and say inconclusive when it only kept up with a lower offered rate', () => {
    const fast = reportOf(100_000, 20_000, null, 200);
    expect(fast.projected_burst_seconds).toBe(50);
    expect(fast.burst_verdict).toBe('met');
    const slowOffer = reportOf(10_000, 1000, 1000, 200);
    expect(slowOffer.kept_up).toBe(true);
    expect(slowOffer.burst_verdict).toBe('inconclusive');
    expect(slowOffer.verdict_notes.join(' ')).toMatch(/run with a higher --rate/);
  });
});

describe('the Flink runner summary', () => {
  it('is read from its last line', () => {
    expect(
      parseRunnerSummary(
        'trades',
        'noise\ntrades: 1,000 lines read: 900 changed the table, 80 changed nothing, 10 duplicates, 3 dead letters (pass --dead-letter FILE to keep them), 7 blank lines skipped; 5 adjusted system times, 2 late events\n',
      ),
    ).toEqual({ lines: 1000, changed: 900, unchanged: 80, duplicates: 10, deadLetters: 3, blankLines: 7, adjusted: 5, late: 2 });
    // Singular nouns for one, as lakec's summaries say them.
    expect(
      parseRunnerSummary('trades', 'trades: 1 line read: 0 changed the table, 0 changed nothing, 0 duplicates, 1 dead letter (pass --dead-letter FILE to keep it), 0 blank lines skipped; 1 adjusted system time, 1 late event'),
    ).toEqual({ lines: 1, changed: 0, unchanged: 0, duplicates: 0, deadLetters: 1, blankLines: 0, adjusted: 1, late: 1 });
    expect(parseRunnerSummary('trades', 'other: 1 line read: 1 changed the table, 0 changed nothing, 0 duplicates, 0 dead letters, 0 blank lines skipped; 0 adjusted system times, 0 late events')).toBeUndefined();
  });
});

describe('the flags', () => {
  it('default to the SLA and scale', () => {
    const s = generatorSettings(test, parseArgs(['--scale', '0.01']).flags);
    expect(s.records).toBe(10_000);
    expect(s.rate).toBe(10_000);
    expect(s.keys).toBe(1000);
    expect(generatorSettings(test, parseArgs(['--rate', 'max', '--records', '1_500k']).flags)).toMatchObject({ rate: null, records: 1_500_000 });
  });

  it('refuse what they cannot read, naming the flag', () => {
    expect(() => count('records', '1.5')).toThrow(UsageError);
    expect(() => count('records', 'ten')).toThrow(/--records must be a whole number/);
    expect(() => parseMix('late=2')).toThrow(/between 0 and 1/);
    expect(() => parseArgs(['records', '5'])).toThrow(/unexpected argument 'records'/);
    expect(() => parseArgs(['--seed', '1', '--seed', '2'])).toThrow(/given twice/);
    expect(() => generatorSettings(test, parseArgs(['--scale', '0']).flags)).toThrow(/more than 0/);
  });
});
