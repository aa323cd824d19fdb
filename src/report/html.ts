/**
 * report.html: one self-contained page (uPlot and the data inlined, no network) with the
 * verdict, summary cards, percentile curves, time series with chaos episodes shaded, per-label
 * tables, errors, thresholds and the client self-check. Curve points are computed here from the
 * HdrHistograms so the page only ships numbers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IntervalWindow, MetricSummary, Results, WindowMetric } from '../metrics/results.js';
import { decode } from '../metrics/hdr.js';
import { classesSeen, costPer1k, driftRows, formatActual, msNumber, partialNote, pct, rttLine, splitNote, usd } from './format.js';
import { REPORT_CSS, REPORT_JS } from './html-assets.js';

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** x axis is 1/(1−p) on a log scale */
  log: boolean;
  /** shade chaos episodes */
  shade: boolean;
  names: string[];
  x: number[];
  ys: Array<Array<number | null>>;
}

/** Curve groups: a metric and the series drawn beside it. */
const CURVES: Array<[string, string[]]> = [
  ['ttft', ['ttft', 'ttft_from_intended']],
  ['e2e', ['e2e', 'e2e_from_intended']],
  ['itl', ['itl']],
  ['tpot', ['tpot']],
  ['ttfb', ['ttfb']],
];
const LABEL_GROUPS = ['all', 'model', 'phase', 'tenant', 'episode'];

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
/** How latency numbers are shown on the page (cards and tables). */
export const ms = (x: number | undefined): string => (x === undefined ? '–' : `${msNumber(x)} ms`);

/** 1/(1−p) for p = 0 … 99.999 %: ten points per decade. */
const CURVE_X = Array.from({ length: 51 }, (_, i) => round3(10 ** (i / 10)));

/** Latency (ms) at each percentile of CURVE_X, from a compressed base64 histogram of µs. */
export function percentileCurve(base64: string): Array<number | null> {
  const h = decode(base64);
  if (h.totalCount === 0) return CURVE_X.map(() => null);
  return CURVE_X.map((x) => round3(Math.min(h.getValueAtPercentile(100 * (1 - 1 / x)), h.maxValue) / 1000));
}

function curveCharts(results: Results): Record<string, ChartSpec> {
  const charts: Record<string, ChartSpec> = {};
  for (const [key, metrics] of CURVES) {
    const present = metrics.filter((m) => (results.metrics[m]?.all?.count ?? 0) > 0 && results.metrics[m]!.all!.hdr);
    if (present.length === 0) continue;
    charts[`curve-${key}`] = {
      title: `${key.toUpperCase()} percentile distribution`,
      xLabel: 'percentile',
      yLabel: 'ms',
      log: true,
      shade: false,
      names: present,
      x: CURVE_X,
      ys: present.map((m) => percentileCurve(results.metrics[m]!.all!.hdr)),
    };
  }
  return charts;
}

function seriesCharts(results: Results): Record<string, ChartSpec> {
  const w = results.series?.windows ?? [];
  if (w.length === 0) return {};
  const x = w.map((d) => d.start);
  const chart = (title: string, yLabel: string, names: string[], ys: Array<Array<number | null>>): ChartSpec => ({ title, xLabel: 's', yLabel, log: false, shade: true, names, x, ys });
  const pick = (f: (d: IntervalWindow) => number | null | undefined) => w.map((d) => f(d) ?? null);
  // The p95 drift line, where one was fitted, drawn over the windows it was fitted on.
  const trend = (m: WindowMetric): Array<number | null> | null => {
    const line = results.drift?.metrics[`${m}.p95`];
    if (!line || line.from === undefined || line.to === undefined) return null;
    const { from, to, start, perHour } = line;
    return w.map((d) => {
      const mid = d.start + d.length / 2;
      return mid >= from - 1e-6 && mid <= to + 1e-6 ? start + ((mid - from) * perHour) / 3600 : null;
    });
  };
  const lat = (m: WindowMetric) => {
    const ys = (['p50', 'p95', 'p99'] as const).map((p) => pick((d) => d[m]?.[p]));
    const t = trend(m);
    return chart(`${m.toUpperCase()} over time`, 'ms', ['p50', 'p95', 'p99', ...(t ? ['p95 trend'] : [])], t ? [...ys, t] : ys);
  };
  const classes = [...new Set(w.flatMap((d) => Object.entries(d.byClass).filter(([, n]) => (n ?? 0) > 0).map(([k]) => k)))] as Array<keyof IntervalWindow['byClass']>;
  const charts: Record<string, ChartSpec> = {
    rps: chart('Requests/s', 'req/s', ['requests/s'], [pick((d) => d.requestsPerSecond)]),
    inflight: chart('In flight (max per window)', 'requests', ['in flight'], [pick((d) => d.inFlightMax)]),
    ttft: lat('ttft'),
    e2e: lat('e2e'),
    ...(w.some((d) => d.tpot) ? { tpot: lat('tpot') } : {}),
    ...(w.some((d) => d.itl) ? { itl: lat('itl') } : {}),
    errors: chart('Errors by class', 'errors', classes.length ? classes : ['errors'], classes.length ? classes.map((c) => pick((d) => d.byClass[c] ?? 0)) : [pick((d) => d.failed)]),
    otps: chart('Output tokens/s', 'tok/s', ['output tok/s'], [pick((d) => d.outputTokensPerSecond)]),
  };
  if (w.some((d) => d.rateLimitRemainingTokens !== null && d.rateLimitRemainingTokens !== undefined)) {
    charts.ratelimit = chart('Rate limit remaining (tokens)', 'tokens', ['remaining tokens'], [pick((d) => d.rateLimitRemainingTokens)]);
  }
  return charts;
}

function verdict(results: Results): { cls: string; text: string } {
  const v = results.thresholds ?? [];
  const failed = v.filter((t) => !t.pass).length;
  if (results.meta.partial) return { cls: 'partial', text: `PARTIAL — interrupted${results.meta.partialReason ? ` (${results.meta.partialReason})` : ''}` };
  if (v.length === 0) return { cls: 'none', text: 'COMPLETED — no thresholds' };
  if (failed === 0) return { cls: 'pass', text: `PASSED — ${v.length === 1 ? 'the threshold' : `all ${v.length} thresholds`} passed` };
  return { cls: 'fail', text: `FAILED — ${failed} of ${v.length} thresholds failed` };
}

const table = (head: string[], rows: string[][]): string =>
  `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;

const card = (k: string, v: string, sub?: string): string =>
  `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div>${sub ? `<div class="k">${esc(sub)}</div>` : ''}</div>`;

/** total, per 1k requests and whose prices, when the run was priced */
function costCard(results: Results): string[] {
  const c = results.cost;
  if (!c) return [];
  const per1k = costPer1k(results);
  const cut = partialNote(results);
  return [card('Cost', usd(c.total), `${per1k !== null ? `${usd(per1k)} per 1k requests · ` : ''}${c.source === 'scenario' ? 'scenario price' : `list price (${c.model})`}${cut ? ` · ${cut}` : ''}`)];
}

function cards(results: Results): string {
  const c = results.counts;
  const t = results.metrics.ttft?.all;
  const e = results.metrics.e2e?.all;
  const lat = (name: string, s: MetricSummary | undefined) => (['p50', 'p95', 'p99'] as const).map((p) => card(`${name} ${p}`, ms(s && s.count > 0 ? s[p] : undefined)));
  return `<div class="cards">${[
    card('requests', String(c.requests)),
    card('success rate', c.requests > 0 ? pct(c.ok / c.requests) : '–'),
    ...lat('TTFT', t),
    ...lat('E2E', e),
    card('output tokens/s', results.throughput.outputTokensPerSecond.toFixed(1)),
    card('requests/s', results.throughput.requestsPerSecond.toFixed(2)),
    ...costCard(results),
  ].join('')}</div>`;
}

function labelTables(results: Results): string {
  const labels = new Set([...Object.keys(results.counts.byLabel ?? {}), ...Object.keys(results.metrics.ttft ?? {}), ...Object.keys(results.metrics.e2e ?? {})]);
  const groupOf = (l: string): string => (l === 'all' ? 'all' : l.split('=')[0]!);
  const out: string[] = [];
  for (const group of [...LABEL_GROUPS, ...new Set([...labels].map(groupOf).filter((g) => !LABEL_GROUPS.includes(g)))]) {
    const mine = [...labels].filter((l) => groupOf(l) === group).sort();
    if (mine.length === 0) continue;
    const rows = mine.map((l) => {
      const n = results.counts.byLabel?.[l];
      const lat = (m: string) => {
        const s = results.metrics[m]?.[l];
        return s && s.count > 0 ? [String(s.count), msNumber(s.p50), msNumber(s.p95), msNumber(s.p99)] : ['0', '–', '–', '–'];
      };
      return [esc(l), ...(n ? [n.requests, n.ok, n.failed, n.dropped].map(String) : ['–', '–', '–', '–']), ...lat('ttft'), ...lat('e2e')];
    });
    out.push(`<h3>${esc(group)}</h3>`, table(['label', 'requests', 'ok', 'failed', 'dropped', 'ttft n', 'ttft p50', 'ttft p95', 'ttft p99', 'e2e n', 'e2e p50', 'e2e p95', 'e2e p99'], rows));
  }
  return out.join('\n');
}

function errorsSection(results: Results): string {
  const classes = classesSeen(results);
  if (classes.length === 0 && results.counts.dropped === 0) return '<p>No errors.</p>';
  const parts = [table(['class', 'count'], classes.map(([k, n]) => [esc(k), String(n)]))];
  if (results.counts.dropped > 0) parts.push(`<p>${results.counts.dropped} arrivals dropped (maxInFlight reached).</p>`);
  if (results.errors.length > 0) {
    parts.push(table(['class', 'status', 'message', 'count'], results.errors.map((e) => [esc(e.class), e.status ? String(e.status) : '', `<span class="l">${esc(e.message)}</span>`, String(e.count)])));
  }
  return parts.join('\n');
}

function thresholdsSection(results: Results): string {
  if (results.thresholds.length === 0) return '<p>No thresholds configured.</p>';
  return table(
    ['metric', 'expression', 'actual', 'result'],
    results.thresholds.map((t) => [esc(t.metric), esc(t.expr), esc(formatActual(t.metric, t.actual, t.expr)), t.pass ? '<span class="pass">✔ pass</span>' : '<span class="fail">✘ fail</span>']),
  );
}

/** Slopes over the interval windows (results.drift), when the run had enough of them. */
function driftSection(results: Results): string {
  const rows = driftRows(results);
  if (rows.length === 0) return '';
  return `<h2>Drift</h2>${table(['metric', 'slope per hour', 'relative', 'start → end', 'windows'], rows.map((r) => r.map(esc)))}<p class="meta">Least-squares line through the ${
    results.drift!.windowMs / 1000
  } s windows; negative = falling.</p>`;
}

function clientSection(results: Results): string {
  const cl = results.client;
  const warn = cl.saturated
    ? `<div class="warning">⚠ The client was saturated — it, not the target, was the bottleneck: ${esc(cl.reasons.join('; '))}. Latencies include client delay.</div>`
    : '<p class="pass">Client kept up: latencies are the target\'s.</p>';
  const rtt = rttLine(results);
  return `${warn}${table(
    ['event-loop delay p99', 'schedule slip p99', 'event-loop utilization', 'saturated'],
    [[ms(cl.eventLoopDelayP99Ms), ms(cl.scheduleSlipP99Ms), pct(cl.eventLoopUtilization), cl.saturated ? 'yes' : 'no']],
  )}${rtt ? `<p>${esc(rtt.charAt(0).toUpperCase() + rtt.slice(1))}.</p>` : ''}`;
}

function chaosSection(results: Results): string {
  const eps = results.chaos?.episodes ?? [];
  if (eps.length === 0) return '';
  return `<h2>Chaos episodes</h2>${table(
    ['episode', 'kind', 'start (s)', 'end (s)', 'what', 'error'],
    eps.map((e) => [esc(e.name), esc(e.kind), (e.start / 1000).toFixed(2), e.end === null ? '–' : (e.end / 1000).toFixed(2), esc(e.what), esc(e.error ?? '')]),
  )}`;
}

let uplotAssets: { js: string; css: string } | null = null;
function uplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    const read = (f: string) => readFileSync(require.resolve(`uplot/dist/${f}`), 'utf8');
    uplotAssets = { js: read('uPlot.iife.min.js'), css: read('uPlot.min.css') };
  }
  return uplotAssets;
}

/** JSON safe inside a <script> element. */
const scriptJson = (x: unknown): string => JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function renderHtml(results: Results): string {
  const m = results.meta;
  const v = verdict(results);
  const curves = curveCharts(results);
  const series = seriesCharts(results);
  const lastX = results.series?.windows?.length ? Math.max(...results.series.windows.map((w) => w.start + w.length)) : m.durationMs / 1000;
  const episodes = (results.chaos?.episodes ?? []).map((e) => ({ name: e.name, start: e.start / 1000, end: (e.end ?? lastX * 1000) / 1000 }));
  const charts = { ...curves, ...series };
  const plots = (specs: Record<string, ChartSpec>) =>
    `<div class="grid">${Object.entries(specs)
      .map(([id, s]) => `<div class="chart"><h3>${esc(s.title)}</h3><div class="plot" data-chart="${esc(id)}"></div></div>`)
      .join('')}</div>`;
  const { js, css } = uplot();
  const seriesNote = episodes.length ? '<p class="meta">Shaded: chaos episodes.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>llm-bench: ${esc(m.scenario)} — ${esc(v.text)}</title>
<style>${css}</style><style>${REPORT_CSS}</style></head>
<body>
<header>
<h1><span class="verdict v-${v.cls}" id="verdict">${esc(v.text)}</span>${esc(m.scenario)}</h1>
<div class="meta">${esc(m.target.model)} via ${esc(m.target.api)} at <code>${esc(m.target.url)}</code> (${esc(m.target.kind)}) · ${(m.durationMs / 1000).toFixed(1)} s · seed ${m.seed}${splitNote(m) ? ` · ${esc(splitNote(m)!)}` : ''} · llm-bench ${esc(m.version)} · ${esc(m.startedAt)}</div>
${m.partial ? `<div class="note">Partial run: interrupted${m.partialReason ? ` (${esc(m.partialReason)})` : ''}; results cover what happened until then.</div>` : ''}
${results.client.saturated ? '<div class="warning">⚠ Client saturated: see the client self-check below.</div>' : ''}
</header>
<h2>Summary</h2>
${cards(results)}
<h2>Latency distribution</h2>
${Object.keys(curves).length ? plots(curves) : '<p>No successful requests: no latency data.</p>'}
<h2>Over time</h2>
${seriesNote}${Object.keys(series).length ? plots(series) : '<p>No interval windows.</p>'}
${chaosSection(results)}
<h2>By label</h2>
${labelTables(results)}
<h2>Errors</h2>
${errorsSection(results)}
<h2>Thresholds</h2>
${thresholdsSection(results)}
${driftSection(results)}
<h2>Client self-check</h2>
${clientSection(results)}
<script id="report-data" type="application/json">${scriptJson({ charts, episodes })}</script>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>
<script>${REPORT_JS}</script>
</body></html>
`;
}
