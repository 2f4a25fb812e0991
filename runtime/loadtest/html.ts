/**
 * The load test's report as one self-contained HTML page: the verdicts, the figures, and two
 * charts (throughput over time, latency by arrival time) drawn here as inline SVG. No script,
 * no font or stylesheet from the network; the charts scale with the page, and the page reads at
 * a phone's width (tables wrap or scroll inside their own box).
 */
import type { LoadTestReport, Verdict } from './report.ts';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function grouped(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function num(n: number | null | undefined, suffix = ''): string {
  return n === null || n === undefined ? 'n/a' : `${grouped(n)}${suffix}`;
}

function seconds(s: number | null): string {
  if (s === null) return 'n/a';
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function ms(v: number | null): string {
  if (v === null) return 'n/a';
  return v < 1000 ? `${v} ms` : seconds(v / 1000);
}

/** 1, 2 or 5 times a power of ten, at least `x`. */
function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function shortNumber(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(2)}`;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
}

/** A line chart as SVG: axes with ticks, one polyline per series, a legend. */
export function lineChart(id: string, title: string, series: readonly Series[], xLabel: string, yLabel: string, yFormat: (v: number) => string = shortNumber): string {
  const W = 640;
  const H = 300;
  const left = 64;
  const right = 16;
  const top = 36;
  const bottom = 44;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1e-9, ...all.map((p) => p[0]));
  const yMaxRaw = Math.max(0, ...all.map((p) => p[1]));
  const yStep = niceStep(yMaxRaw / 5 || 1);
  const yMax = Math.max(yStep, Math.ceil(yMaxRaw / yStep) * yStep);
  const xStep = niceStep(xMax / 6);
  const x = (v: number): number => left + (v / xMax) * (W - left - right);
  const y = (v: number): number => H - bottom - (v / yMax) * (H - top - bottom);
  const parts: string[] = [];
  parts.push(`<svg id="${id}" data-chart="${id}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<title>${esc(title)}</title>`);
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    parts.push(`<line class="grid" x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(yFormat(v))}</text>`);
  }
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    parts.push(`<line class="axis" x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 4}"/>`);
    parts.push(`<text class="tick" x="${x(v).toFixed(1)}" y="${H - bottom + 18}" text-anchor="middle">${esc(shortNumber(v))}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top - 8}" y2="${H - bottom}"/>`);
  parts.push(`<text class="label" x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text class="label" x="${left - 56}" y="${top - 16}">${esc(yLabel)}</text>`);
  let lx = left + 8;
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    parts.push(`<path class="series" data-series="${esc(s.name)}" data-points="${s.points.length}" d="${d}" stroke="${s.color}"${s.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (s.points.length === 1) parts.push(`<circle cx="${x(s.points[0]![0]).toFixed(1)}" cy="${y(s.points[0]![1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    parts.push(`<rect x="${lx}" y="${top - 30}" width="12" height="4" fill="${s.color}"/><text class="legend" x="${lx + 16}" y="${top - 25}">${esc(s.name)}</text>`);
    lx += 24 + s.name.length * 7;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Rates (per second) between consecutive samples of a counter. */
function rates(timeline: LoadTestReport['timeline'], pick: (s: LoadTestReport['timeline'][number]) => number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 1; k < timeline.length; k++) {
    const a = timeline[k - 1]!;
    const b = timeline[k]!;
    const dt = (b.t_ms - a.t_ms) / 1000;
    if (dt <= 0) continue;
    out.push([b.t_ms / 1000, (pick(b) - pick(a)) / dt]);
  }
  return out;
}

function badge(label: string, v: Verdict): string {
  const text = { met: 'met', missed: 'missed', inconclusive: 'inconclusive', not_measured: 'not measured', no_sla: 'no SLA' }[v];
  return `<div class="verdict ${v}"><span>${esc(label)}</span><strong>${esc(text)}</strong></div>`;
}

function table(rows: readonly (readonly [string, string])[], head?: readonly [string, string]): string {
  return `<div class="box"><table>${head !== undefined ? `<thead><tr><th>${esc(head[0])}</th><th>${esc(head[1])}</th></tr></thead>` : ''}<tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table></div>`;
}

export function renderHtml(r: LoadTestReport): string {
  const burst = r.sla.burst_records !== null ? `${grouped(r.sla.burst_records)} records within ${seconds(r.sla.burst_seconds)} (${grouped(r.sla.burst_rate ?? 0)} records/s)` : 'none';
  const read = rates(r.timeline, (s) => s.read);
  const queryable = rates(r.timeline, (s) => s.queryable);
  const measuredMax = Math.max(1, ...read.map((p) => p[1]), ...queryable.map((p) => p[1]));
  const end = r.timeline.length > 0 ? r.timeline[r.timeline.length - 1]!.t_ms / 1000 : 1;
  // The offered rate as a level line when it is on the chart's scale; far above it, in the caption.
  const offeredOnScale = r.rate_offered !== null && r.rate_offered <= 3 * measuredMax;
  const throughput = lineChart(
    'throughput',
    'Records per second over the run',
    [
      ...(offeredOnScale ? [{ name: 'offered', color: '#8a8f98', points: [[0, r.rate_offered!], [end, r.rate_offered!]] as const, dashed: true }] : []),
      { name: 'read', color: '#1f6fb2', points: read },
      { name: 'queryable', color: '#2b8a3e', points: queryable },
    ],
    'seconds since start',
    'records/s',
  );
  const throughputCaption = `Records read by the processor and made queryable (committed), per second${r.rate_offered === null ? '; offered as fast as the target took them' : offeredOnScale ? '; the dashed line is the offered rate' : `; offered at ${grouped(r.rate_offered)} records/s, off this scale`}. Commits make records queryable in steps, one per checkpoint.`;
  const p99Max = Math.max(0, ...r.latency_timeline.map((p) => p.p99 / 1000));
  const slaOnScale = r.sla.freshness_seconds !== null && r.latency_timeline.length > 0 && r.sla.freshness_seconds <= 3 * Math.max(p99Max, 1);
  const latency = lineChart(
    'latency',
    'Latency from arrival to queryable, by arrival time',
    [
      { name: 'p50', color: '#1f6fb2', points: r.latency_timeline.map((p) => [p.arrival_s, p.p50 / 1000] as const) },
      { name: 'p99', color: '#c2410c', points: r.latency_timeline.map((p) => [p.arrival_s, p.p99 / 1000] as const) },
      ...(slaOnScale ? [{ name: 'freshness SLA', color: '#6b21a8', dashed: true, points: [[0, r.sla.freshness_seconds!], [r.latency_timeline[r.latency_timeline.length - 1]!.arrival_s || 1, r.sla.freshness_seconds!]] as const }] : []),
    ],
    'arrival, seconds since start',
    'seconds',
  );
  const latencyCaption = `${r.queryable}${r.sla.freshness_seconds !== null && !slaOnScale ? ` The freshness SLA, ${seconds(r.sla.freshness_seconds)}, is off this scale.` : ''}`;
  const kinds = Object.entries(r.generated_by_kind).filter(([, n]) => n > 0).map(([k, n]) => [k.replace(/_/g, ' '), grouped(n)] as const);
  const figures: [string, string][] = [
    ['generated', grouped(r.generated)],
    ['stored events', num(r.stored_events)],
    ['dead letters', num(r.dead_letters)],
    ['duplicates', num(r.duplicates)],
    ['late events', num(r.late_events)],
    ['rows written', num(r.rows_written)],
    ['every event accounted for', r.accounted === null ? 'n/a' : r.accounted ? 'yes: stored + dead letters + duplicates = generated' : 'NO'],
    ['as the generator predicted', r.matches_expected === null ? 'n/a' : r.matches_expected ? 'yes' : `no (expected ${grouped(r.expected.stored)} stored, ${grouped(r.expected.dead_letters)} dead letters, ${grouped(r.expected.duplicates)} duplicates)`],
    ['records/s (intake)', num(r.records_per_second)],
    ['records/s (to queryable)', num(r.end_to_end_records_per_second)],
    ['offered rate', r.rate_offered === null ? 'as fast as the target takes' : `${grouped(r.rate_offered)} records/s`],
    ['generator alone', `${grouped(r.generator_records_per_second)} records/s (${r.generator_ratio === null ? 'n/a' : `${r.generator_ratio.toFixed(1)}x the target`}${r.generator_cpu_ratio !== undefined ? `; ${r.generator_cpu_ratio.toFixed(1)}x by CPU time` : ''})`],
    ['latency p50 / p95 / p99', `${ms(r.latency_ms.p50)} / ${ms(r.latency_ms.p95)} / ${ms(r.latency_ms.p99)}`],
    ['read to queryable p99', ms(r.processing_latency_ms.p99)],
    ['projected time for the full burst', seconds(r.projected_burst_seconds)],
    ['projected freshness in the full burst', seconds(r.projected_freshness_seconds)],
    ['keys', grouped(r.keys)],
    ['seed', String(r.seed)],
  ];
  const phases = r.phases.map((p) => [p.name, `${seconds(p.wall_ms / 1000)} wall, ${p.cpu_ms === null ? 'in a child process' : `${seconds(p.cpu_ms / 1000)} CPU`}${p.records !== undefined ? `, ${grouped(p.records)} records` : ''}`] as const);
  const notes = [...r.verdict_notes, ...r.notes];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Load test: ${esc(r.lake)}.${esc(r.dataset)} on ${esc(r.target)}</title>
<style>
:root { color-scheme: light; --fg: #1d2430; --muted: #5b6472; --line: #d9dde3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 920px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.35rem; margin: 0.2rem 0 0.3rem; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 0.5rem; }
p, li { overflow-wrap: anywhere; }
.sub { color: var(--muted); margin: 0 0 1rem; }
.verdicts { display: flex; flex-wrap: wrap; gap: 8px; }
.verdict { flex: 1 1 180px; border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 8px 12px; }
.verdict span { display: block; color: var(--muted); font-size: 0.85rem; }
.verdict strong { font-size: 1.15rem; }
.met { border-left-color: #2b8a3e; } .missed { border-left-color: #c92a2a; } .inconclusive, .not_measured, .no_sla { border-left-color: #adb5bd; }
figure { margin: 0.5rem 0 1rem; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.85rem; }
svg .grid { stroke: #eef0f3; } svg .axis { stroke: #9aa1ab; } svg .series { fill: none; stroke-width: 2; }
svg text { font: 11px system-ui, sans-serif; fill: #4a5260; } svg .label { font-size: 12px; fill: #2d3440; }
.box { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th[scope=row] { font-weight: 600; width: 45%; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
</style>
</head>
<body>
<main>
<h1>Load test of ${esc(r.lake)}.${esc(r.dataset)}: ${esc(r.target)}</h1>
<p class="sub">${esc(r.started_at)} · ${grouped(r.generated)} events, seed ${r.seed} · burst SLA ${esc(burst)} · freshness SLA ${esc(r.sla.freshness_seconds === null ? 'none' : seconds(r.sla.freshness_seconds))}</p>
<div class="verdicts">
${badge('burst', r.burst_verdict)}
${badge('freshness', r.freshness_verdict)}
${badge('every event accounted for', r.accounted === null ? 'not_measured' : r.accounted ? 'met' : 'missed')}
</div>
<h2>Throughput</h2>
<figure>${throughput}<figcaption>${esc(throughputCaption)}</figcaption></figure>
<h2>Latency</h2>
<figure>${latency}<figcaption>${esc(latencyCaption)}</figcaption></figure>
<h2>Figures</h2>
${table(figures)}
<h2>What was sent</h2>
${table(kinds, ['kind', 'events'])}
<h2>What each phase cost</h2>
${table(phases, ['phase', 'cost'])}
${notes.length > 0 ? `<h2>Notes</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Machine</h2>
<p>${r.machine.cpus} CPUs (${esc(r.machine.cpu_model)}), ${r.machine.memory_gb} GB, Node ${esc(r.machine.node)}, load average ${r.machine.load_average_start.join(' ')} at the start and ${r.machine.load_average_end.join(' ')} at the end.</p>
</main>
</body>
</html>
`;
}
