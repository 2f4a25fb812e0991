/**
 * `npm run bench -- --only loadtest`: the generated load test of the reference lake, as a user
 * runs it (`npm run loadtest` in the built project, a process of its own), on the local target:
 * a scaled burst (1,000,000 events by default, `--loadtest-records N`) of the trades dataset at
 * the SLA's burst rate, through the processor on one partition per core. One row: the rate the
 * processor absorbed, the generator's own rate measured alone in the same run and their ratio,
 * the latency from arrival to queryable, and whether the seed's burst (150,000,000 records
 * within 5 minutes) would be met on this machine, with the projected time.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { LoadTestReport } from '../../runtime/loadtest/report.ts';
import { buildModel } from '../build/support/out.ts';
import { compileAt, root } from '../support/compile.ts';

const count = (x: number): string => Math.round(x).toLocaleString('en-US');
const seconds = (s: number | null): string => (s === null ? 'n/a' : s < 600 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`);

export function benchLoadTest(records: number): void {
  const c = compileAt('examples/audit-surveillance.lake');
  const dir = buildModel(c.model!, 'bench-loadtest', 'audit-surveillance.lake');
  const load = loadavg()[0]!;
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'loadtest/run.ts', '--records', String(records), '--seed', '1'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0 && r.status !== 1) {
    console.log(`loadtest: the load test failed (exit ${r.status}):\n${r.stderr}`);
    return;
  }
  const rep = JSON.parse(readFileSync(join(dir, 'loadtest', 'reports', 'trades-local.json'), 'utf8')) as LoadTestReport;
  console.log(`Load test (local target) of the reference spec's trades: ${count(rep.generated)} events at the burst's rate, ${rep.machine.cpus} cores, load average ${load.toFixed(1)} at the start`);
  console.log('');
  console.log('| events | records/s absorbed | generator alone | generator / processor | by CPU time | latency p50 / p99 | full burst (150M) projected | 150M within 5 min |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  console.log(
    `| ${count(rep.generated)} | ${count(rep.records_per_second ?? 0)} | ${count(rep.generator_records_per_second)} | ${rep.generator_ratio?.toFixed(1) ?? 'n/a'}x${(rep.generator_ratio ?? 0) >= 5 ? '' : ' (below 5x)'} | ${rep.generator_cpu_ratio?.toFixed(1) ?? 'n/a'}x | ${seconds((rep.latency_ms.p50 ?? 0) / 1000)} / ${seconds((rep.latency_ms.p99 ?? 0) / 1000)} | ${seconds(rep.projected_burst_seconds)} | ${rep.burst_verdict === 'met' ? 'met' : `MISSED (needs ${count(150_000_000 / 300)} records/s)`} |`,
  );
  console.log('');
  console.log(`Every event accounted for: ${rep.accounted === true ? 'yes' : 'NO'}; as the generator predicted: ${rep.matches_expected === true ? 'yes' : 'NO'}. Report: ${join(dir, 'loadtest', 'reports', 'trades-local.html')}`);
  rmSync(join(dir, '.lakec', 'loadtest'), { recursive: true, force: true });
}
