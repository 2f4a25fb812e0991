/**
 * HEAVY (about two to three minutes): the generated load test of the reference lake, built once
 * and run as a user runs it (`npx tsx loadtest/run.ts ...` in the project, a real process):
 *
 * - local: a scaled burst of 1,000,000 events through the trades processor on the vendored
 *   runtime (two partition workers); the report accounts for every event (stored + dead letters
 *   + duplicates = generated), the processor did what the generator predicted (every bad event
 *   a dead letter, the duplicates, late events and rule-5 raises it counted), the warehouse holds
 *   the dead letters the report counts, and the burst verdict comes with the measured rate, the
 *   projected time of the full burst and the generator's ratio;
 * - the HTML report in headless Chromium (Debian's), from a file URL with the network off: both
 *   charts are drawn, and at a phone's width nothing overflows sideways;
 * - kinesis: against kinesalite on 127.0.0.1 behind a proxy with Kinesis' shard write limits
 *   (test/support/kinesisThrottle.ts: no local Kinesis server throttles), a one-shard stream
 *   driven past 1,000 records/s: records are throttled and retried until every one is
 *   acknowledged, and the runtime's Kinesis source drains the stream into the table with the
 *   same counts;
 * - flink: the generated Flink job in a local MiniCluster (Java, Maven) on the generator's events:
 *   its dead letters, duplicates, late events and rule-5 raises are the generator's predictions;
 * - flags: usage errors name the flag, exit 2.
 */
/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadTestReport } from '../../runtime/loadtest/report.ts';
import { compileAt, root } from '../support/compile.ts';
import { startThrottle } from '../support/kinesisThrottle.ts';
import { buildModel } from './support/out.ts';

let dir: string;

beforeAll(() => {
  const c = compileAt('examples/audit-surveillance.lake');
  dir = buildModel(c.model!, 'loadtest-reference', 'audit-surveillance.lake');
});

/** Runs the project's load test CLI without blocking the test worker. */
function loadtest(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'loadtest/run.ts', ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function report(name: string): LoadTestReport {
  return JSON.parse(readFileSync(join(dir, 'loadtest', 'reports', `${name}.json`), 'utf8')) as LoadTestReport;
}

describe('flags', () => {
  it('refuses bad flags with a usage error naming the flag (exit 2), and --help lists them', async () => {
    for (const [args, message] of [
      [['--records', 'lots'], /--records must be a whole number/],
      [['--rate', '-5'], /--rate must be a positive number/],
      [['--target', 'spark'], /--target must be local, kinesis or flink/],
      [['--mix', 'bogus=0.1'], /--mix takes KIND=SHARE pairs/],
      [['--mix', 'bad=0.7,correction=0.5'], /add up to/],
      [['--recods', '5'], /unknown flag --recods \(did you mean --records\?\)/],
      [['--endpoint', 'http://127.0.0.1:1'], /--endpoint applies to --target kinesis only/],
      [['--target', 'kinesis', '--endpoint', 'nope'], /--endpoint must be a URL/],
      [['--scale'], /--scale needs a value/],
      [['--dataset', 'accounts'], /no dataset 'accounts' to load test; the datasets are trades/],
    ] as const) {
      const r = await loadtest(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    const help = await loadtest(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--target local\|kinesis\|flink/);
  }, 120_000);
});

describe('local', () => {
  it('runs a scaled burst of 1,000,000 events and accounts for every one', async () => {
    const r = await loadtest(['--target', 'local', '--records', '1000000', '--seed', '7', '--checkpoint-every', '250000'], { CI: 'true' });
    expect([0, 1], r.stderr).toContain(r.code);
    // Not a terminal: no progress lines, only the summary.
    expect(r.stderr).not.toContain('\r');
    const rep = report('trades-local');
    expect(rep.generated).toBe(1_000_000);
    expect(rep.stored_events! + rep.dead_letters! + rep.duplicates!).toBe(rep.generated);
    expect(rep.accounted).toBe(true);
    expect(rep.expected.exact).toBe(true);
    expect(rep.matches_expected).toBe(true);
    expect(rep.dead_letters).toBe(rep.bad_events);
    expect(rep.duplicates).toBeGreaterThan(0);
    expect(rep.late_events).toBeGreaterThan(0);
    expect(rep.verified?.['dead_letter_rows']).toBe(rep.dead_letters);
    expect(rep.verified?.['table_rows']).toBeGreaterThan(rep.stored_events! / 2);
    expect(rep.commits.length).toBeGreaterThanOrEqual(4);
    expect(rep.commits[rep.commits.length - 1]!.queryable).toBe(1_000_000);
    expect(rep.latency_ms.count).toBe(1_000_000);
    expect(rep.latency_ms.p50).not.toBeNull();
    expect(rep.latency_ms.p99!).toBeGreaterThanOrEqual(rep.latency_ms.p50!);
    expect(rep.records_per_second).toBeGreaterThan(0);
    expect(rep.generator_ratio).toBeGreaterThan(0);
    expect(rep.projected_burst_seconds).toBeCloseTo(150_000_000 / rep.records_per_second!, -1);
    expect(['met', 'missed']).toContain(rep.burst_verdict);
    expect(['met', 'missed']).toContain(rep.freshness_verdict);
    expect(r.code).toBe(rep.burst_verdict === 'met' && rep.freshness_verdict === 'met' ? 0 : 1);
    expect(rep.phases.map((p) => p.name)).toEqual(['generator alone', 'publish and process', 'verify the table']);
    for (const k of ['new', 'correction', 'delete', 'duplicate', 'out_of_order', 'late', 'malformed_json', 'wrong_type', 'failed_check', 'unknown_op']) {
      expect(rep.generated_by_kind[k as keyof typeof rep.generated_by_kind], k).toBeGreaterThan(0);
    }
    expect(r.stdout).toMatch(/every event accounted for/);
    expect(r.stdout).toMatch(/burst: (met|missed) \(the full burst would take [\d.]+ s of 300 s\)/);
  }, 600_000);

  it('renders its HTML report in headless Chromium offline: both charts drawn, readable at a phone width', async () => {
    const html = join(dir, 'loadtest', 'reports', 'trades-local.html');
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      for (const width of [375, 1024]) {
        const context = await browser.newContext({ viewport: { width, height: 800 }, offline: true });
        const page = await context.newPage();
        const requests: string[] = [];
        page.on('request', (rq) => requests.push(rq.url()));
        await page.goto(pathToFileURL(html).href);
        const drawn = await page.evaluate(() =>
          ['throughput', 'latency'].map((id) => {
            const svg = document.getElementById(id);
            const paths = Array.from(svg?.querySelectorAll('path.series') ?? []) as SVGPathElement[];
            const box = svg?.getBoundingClientRect();
            return { id, series: paths.map((p) => ({ name: p.dataset['series'], points: Number(p.dataset['points']), length: p.getTotalLength() })), width: box?.width ?? 0, right: box?.right ?? 0 };
          }),
        );
        for (const chart of drawn) {
          expect(chart.series.length, chart.id).toBeGreaterThanOrEqual(2);
          expect(chart.series.filter((s) => s.points >= 2 && s.length > 50).length, `${chart.id}: lines drawn`).toBeGreaterThanOrEqual(2);
          expect(chart.width).toBeGreaterThan(width * 0.8);
          expect(chart.right).toBeLessThanOrEqual(width);
        }
        const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        expect(overflow.scroll, `width ${width}`).toBeLessThanOrEqual(overflow.inner);
        const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
        expect(fontSize).toBeGreaterThanOrEqual(14);
        expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
        await context.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('kinesis', () => {
  const kinesalite = createRequire(import.meta.url)('kinesalite') as (o: Record<string, unknown>) => Server;
  let server: Server;
  let proxy: Awaited<ReturnType<typeof startThrottle>>;

  beforeAll(async () => {
    server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = await startThrottle({ target: { host: '127.0.0.1', port: (server.address() as { port: number }).port } });
  });

  afterAll(async () => {
    await proxy?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('publishes to a one-shard stream past its write limit: throttled records are retried until all are acknowledged, and the stream drains into the table with the same counts', async () => {
    const r = await loadtest(
      ['--target', 'kinesis', '--endpoint', `http://127.0.0.1:${proxy.port}`, '--create-stream', '1', '--records', '12000', '--rate', '3000', '--seed', '3', '--checkpoint-every', '4000', '--concurrency', '4', '--partitions', '2'],
      { CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    );
    expect([0, 1], r.stderr).toContain(r.code);
    const rep = report('trades-kinesis');
    const k = rep.kinesis as Record<string, number | boolean | Record<string, number>>;
    expect(proxy.stats.throttled).toBeGreaterThan(0);
    expect(k['throttled_records']).toBe(proxy.stats.throttled);
    expect((k['error_codes'] as Record<string, number>)['ProvisionedThroughputExceededException']).toBe(proxy.stats.throttled);
    expect(k['retries']).toBeGreaterThanOrEqual(proxy.stats.throttled);
    expect(k['acknowledged']).toBe(12_000);
    expect(proxy.stats.accepted).toBe(12_000);
    expect(k['not_published']).toBe(0);
    expect(k['accounted']).toBe(true);
    // The runtime's Kinesis source read every record into the table.
    expect(rep.generated).toBe(12_000);
    expect(rep.stored_events! + rep.dead_letters! + rep.duplicates!).toBe(12_000);
    expect(rep.accounted).toBe(true);
    expect(rep.matches_expected).toBe(true);
    expect(rep.dead_letters).toBe(rep.bad_events);
    expect(rep.latency_ms.count).toBe(12_000);
    // One shard takes 1,000 records/s: the intake rate cannot be above it.
    expect(rep.records_per_second!).toBeLessThanOrEqual(1100);
    expect(rep.burst_verdict).toBe('missed');
  }, 300_000);

});

describe('flink', () => {
  it('runs the generated Flink job in a local MiniCluster: the job does with every event what the generator predicted', async () => {
    const rate = await loadtest(['--target', 'flink', '--records', '10', '--rate', '100']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--rate does not apply to --target flink/);
    const r = await loadtest(['--target', 'flink', '--records', '3000', '--seed', '5'], { CI: 'true' });
    expect([0, 1], r.stderr).toContain(r.code);
    const rep = report('trades-flink');
    expect(rep.generated).toBe(3000);
    expect(rep.accounted).toBe(true);
    expect(rep.matches_expected).toBe(true);
    expect(rep.dead_letters).toBe(rep.bad_events);
    expect(rep.verified?.['dead_letter_rows']).toBe(rep.dead_letters);
    expect(rep.freshness_verdict).toBe('not_measured');
    expect(rep.phases.map((p) => p.name)).toEqual(['generator alone', 'build the Flink job (mvn compile)', 'write the events file', 'process (MiniCluster)']);
  }, 600_000);
});
