/**
 * `llm-bench compare`: what changed between two results.json, and whether the change is a
 * regression CI should fail on. Pure: no clock, no I/O. The tests themselves live in stats.ts.
 *
 * --fail-on "ttft.p95=+10%,errorRate=+0.5pp,e2e.p99=+200ms,rps=-5%"
 *   latency  <metric>.<p50|p95|p99|mean>=+N%  (relative) or +Nms / +Ns / +Nus (absolute)
 *   errorRate=+Npp                            (percentage points)
 *   rps (or throughput.requestsPerSecond)=-N% or -N (req/s)
 * A tolerance gates the `all` label unless scoped: `ttft.p95[phase=steady]=+10%`.
 * A regression is a change in the bad direction, beyond its tolerance, and significant at alpha;
 * metrics without a tolerance are reported and never fail.
 */
import { UserError } from '../errors.js';
import { LATENCY_METRICS } from '../metrics/recorder.js';
import type { MetricSummary, Results } from '../metrics/results.js';
import { tryParseDuration } from '../scenario/duration.js';
import { didYouMean } from '../scenario/suggest.js';
import { bucketsFromHdr, meanTestP, poissonRateP, quantileTestP, twoProportionP, type Buckets } from './stats.js';

export interface Tolerance {
  /** `<latency metric>.<stat>`, `errorRate` or `throughput.requestsPerSecond` */
  metric: string;
  kind: 'relative' | 'absolute' | 'pp';
  /** relative: a fraction (+10% → 0.10); absolute: ms (latency) or req/s; pp: percentage points */
  value: number;
  /** the label it gates; `all` when absent */
  label?: string;
}

export interface MetricDelta {
  metric: string;
  label: string;
  stat: string;
  /** ms for latencies, a fraction for errorRate, req/s for throughput */
  baseline: number;
  candidate: number;
  delta: number;
  relative: number | null;
  significant: boolean;
  pValue: number | null;
  regression: boolean;
  tolerance?: string;
}

export interface Comparison {
  deltas: MetricDelta[];
  regressions: MetricDelta[];
}

export const COMPARED_STATS = ['p50', 'p95', 'p99', 'mean'] as const;
const QUANTILE: Record<string, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };
const THROUGHPUT = 'throughput.requestsPerSecond';
const EXAMPLE = 'e.g. --fail-on "ttft.p95=+10%,e2e.p99=+200ms,errorRate=+0.5pp,rps=-5%"';
const ENTRY = /^([A-Za-z_][\w.]*)\s*(?:\[\s*([^\]]*?)\s*\])?\s*=\s*(.*)$/;
const VALUE = /^([+-]?)\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zµ%]*)$/i;

/** The --fail-on key of a row: `ttft.p95`, `errorRate`, `throughput.requestsPerSecond`. */
export const deltaKey = (d: Pick<MetricDelta, 'metric' | 'stat'>): string => (d.metric === 'errorRate' ? 'errorRate' : `${d.metric}.${d.stat}`);

type Family = 'latency' | 'rate' | 'throughput';

function fail(message: string, hint: string = EXAMPLE): never {
  throw new UserError(message, { where: '--fail-on', hint });
}

function resolveMetric(name: string): { key: string; family: Family } {
  if (name === 'errorRate') return { key: name, family: 'rate' };
  if (name === 'rps' || name === THROUGHPUT) return { key: THROUGHPUT, family: 'throughput' };
  const [metric = '', stat, ...rest] = name.split('.');
  if (!(LATENCY_METRICS as readonly string[]).includes(metric)) {
    const s = didYouMean(metric, [...LATENCY_METRICS, 'errorRate', 'rps']);
    fail(`unknown metric '${metric}'${s ? ` — did you mean '${s}'?` : ''}`, `metrics: ${LATENCY_METRICS.join(', ')}, errorRate, rps`);
  }
  if (stat === undefined) fail(`'${metric}' needs a statistic`, `write e.g. ${metric}.p95=+10%; statistics: ${COMPARED_STATS.join(', ')}`);
  if (!(COMPARED_STATS as readonly string[]).includes(stat) || rest.length > 0) {
    const s = didYouMean(stat, COMPARED_STATS);
    fail(`unknown statistic '${[stat, ...rest].join('.')}' for ${metric}${s ? ` — did you mean '${s}'?` : ''}`, `statistics: ${COMPARED_STATS.join(', ')}`);
  }
  return { key: `${metric}.${stat}`, family: 'latency' };
}

function parseValue(entry: string, key: string, family: Family, text: string): Pick<Tolerance, 'kind' | 'value'> {
  const m = VALUE.exec(text);
  if (!m) fail(`'${text}' is not a tolerance in "${entry}"`, family === 'rate' ? 'write e.g. errorRate=+0.5pp' : family === 'throughput' ? 'write e.g. rps=-5% or rps=-2 (req/s)' : `write e.g. ${key}=+10% or ${key}=+200ms`);
  const [, sign = '', num = '', unit = ''] = m;
  const n = Number(num);
  if (family === 'throughput') {
    if (sign === '+') fail(`"${entry}": throughput regresses when it falls`, `write the allowed drop, e.g. rps=-${num}${unit}`);
    if (unit === '%') return { kind: 'relative', value: n / 100 };
    if (unit === '') return { kind: 'absolute', value: n };
    fail(`"${entry}": throughput takes % or a number of req/s, not '${unit}'`, 'write e.g. rps=-5% or rps=-2');
  }
  if (sign === '-') fail(`"${entry}": ${family === 'rate' ? 'an error rate' : 'a latency'} regresses when it rises`, `write the allowed rise, e.g. ${key}=+${num}${unit}`);
  if (family === 'rate') {
    if (unit.toLowerCase() === 'pp') return { kind: 'pp', value: n };
    fail(`"${entry}": errorRate tolerances are in percentage points`, `write e.g. errorRate=+${num}pp (+1pp: from 1% to 2% fails; a relative % of a rate is ambiguous)`);
  }
  if (unit === '%') return { kind: 'relative', value: n / 100 };
  if (unit.toLowerCase() === 'pp') fail(`"${entry}": pp (percentage points) is for errorRate`, `write e.g. ${key}=+10% or ${key}=+200ms`);
  if (unit === '') fail(`"${entry}": ${num} has no unit`, `write % (relative) or ms/s/us (absolute), e.g. ${key}=+${num}% or ${key}=+${num}ms`);
  const d = tryParseDuration(`${num}${unit}`);
  if (!d.ok) fail(`"${entry}": '${unit}' is not a unit`, `use % (relative) or us, ms, s (absolute), e.g. ${key}=+200ms`);
  return { kind: 'absolute', value: d.ms };
}

export function parseFailOn(spec: string): Tolerance[] {
  const entries = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 0) fail('no tolerances given');
  const out: Tolerance[] = [];
  for (const entry of entries) {
    const m = ENTRY.exec(entry);
    if (!m) fail(`"${entry}" is not <metric>=<tolerance>`);
    const [, name = '', label, text = ''] = m;
    if (label === '') fail(`"${entry}": empty label in []`, 'write e.g. ttft.p95[phase=steady]=+10%');
    const { key, family } = resolveMetric(name);
    if (text.trim() === '') fail(`"${entry}": missing tolerance after '='`);
    const t: Tolerance = { metric: key, ...parseValue(entry, key, family, text.trim()), ...(label !== undefined ? { label } : {}) };
    if (out.some((o) => o.metric === t.metric && (o.label ?? 'all') === (t.label ?? 'all'))) {
      fail(`"${entry}": ${key}${label ? `[${label}]` : ''} is given twice`, 'give each metric one tolerance');
    }
    out.push(t);
  }
  return out;
}

const trim = (x: number): number => Number(x.toPrecision(12));

/** A tolerance as written, e.g. `+10%`, `+200ms`, `+0.5pp`, `-5%`. */
export function formatTolerance(t: Tolerance): string {
  const sign = t.metric === THROUGHPUT ? '-' : '+';
  if (t.kind === 'relative') return `${sign}${trim(t.value * 100)}%`;
  if (t.kind === 'pp') return `${sign}${trim(t.value)}pp`;
  return t.metric === THROUGHPUT ? `${sign}${trim(t.value)} req/s` : `${sign}${trim(t.value)}ms`;
}

/** Tolerances no row of the comparison matched (the metric or label is missing from a run). */
export function unmatchedTolerances(deltas: readonly MetricDelta[], tolerances: readonly Tolerance[]): Tolerance[] {
  return tolerances.filter((t) => !deltas.some((d) => deltaKey(d) === t.metric && d.label === (t.label ?? 'all')));
}

function beyond(t: Tolerance, worseBy: number, baseline: number): boolean {
  if (worseBy <= 0) return false;
  if (t.kind === 'relative') return baseline === 0 || worseBy / Math.abs(baseline) > t.value;
  if (t.kind === 'pp') return worseBy * 100 > t.value;
  return worseBy > t.value;
}

/** Labels present in both runs, `all` first, then in the baseline's order. */
function sharedLabels(b: Results, c: Results): string[] {
  const labelsOf = (r: Results) => [...Object.values(r.metrics).flatMap((m) => Object.keys(m)), ...Object.keys(r.counts.byLabel)];
  const inC = new Set(labelsOf(c));
  const shared = new Set(labelsOf(b).filter((l) => inC.has(l) && l !== 'all'));
  return ['all', ...shared];
}

function latencyOrder(b: Results, c: Results): string[] {
  const names = Object.keys(b.metrics).filter((m) => c.metrics[m] !== undefined);
  const rank = (m: string) => {
    const i = (LATENCY_METRICS as readonly string[]).indexOf(m);
    return i < 0 ? LATENCY_METRICS.length : i;
  };
  return names.sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
}

export function compareResults(baseline: Results, candidate: Results, tolerances: Tolerance[], opts: { alpha?: number } = {}): Comparison {
  const alpha = opts.alpha ?? 0.01;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be between 0 and 1, got ${alpha}`, { where: '--alpha', hint: 'e.g. --alpha 0.01' });
  const buckets = new Map<string, Buckets | null>();
  const bucketsOf = (s: MetricSummary): Buckets | null => {
    let b = buckets.get(s.hdr);
    if (b === undefined) {
      try {
        b = typeof s.hdr === 'string' && s.hdr !== '' ? bucketsFromHdr(s.hdr) : null;
      } catch {
        b = null;
      }
      buckets.set(s.hdr, b);
    }
    return b;
  };

  const deltas: MetricDelta[] = [];
  const push = (metric: string, label: string, stat: string, base: number, cand: number, pValue: number | null, higherIsWorse: boolean) => {
    const delta = trim(cand - base);
    const key = deltaKey({ metric, stat });
    const t = tolerances.find((x) => x.metric === key && (x.label ?? 'all') === label);
    const significant = pValue !== null && pValue < alpha;
    const worseBy = higherIsWorse ? delta : -delta;
    deltas.push({
      metric,
      label,
      stat,
      baseline: base,
      candidate: cand,
      delta,
      relative: base !== 0 ? trim(delta / base) : null,
      significant,
      pValue,
      regression: t !== undefined && significant && beyond(t, worseBy, base),
      ...(t ? { tolerance: formatTolerance(t) } : {}),
    });
  };

  const metrics = latencyOrder(baseline, candidate);
  for (const label of sharedLabels(baseline, candidate)) {
    for (const metric of metrics) {
      const sb = baseline.metrics[metric]?.[label];
      const sc = candidate.metrics[metric]?.[label];
      if (!sb || !sc || !(sb.count > 0) || !(sc.count > 0)) continue;
      const hb = bucketsOf(sb);
      const hc = bucketsOf(sc);
      for (const stat of COMPARED_STATS) {
        const q = QUANTILE[stat];
        const p = hb && hc ? (q !== undefined ? quantileTestP(hb, hc, q) : meanTestP(hb, hc)) : null;
        push(metric, label, stat, sb[stat], sc[stat], p, true);
      }
    }
    const cb = label === 'all' ? baseline.counts : baseline.counts.byLabel[label];
    const cc = label === 'all' ? candidate.counts : candidate.counts.byLabel[label];
    if (cb && cc && cb.requests > 0 && cc.requests > 0) {
      const p = twoProportionP(cb.failed, cb.requests, cc.failed, cc.requests);
      push('errorRate', label, 'rate', cb.failed / cb.requests, cc.failed / cc.requests, p, true);
    }
    if (label === 'all') {
      const p = poissonRateP(baseline.counts.requests, baseline.meta.durationMs, candidate.counts.requests, candidate.meta.durationMs);
      push('throughput', 'all', 'requestsPerSecond', baseline.throughput.requestsPerSecond, candidate.throughput.requestsPerSecond, p, false);
    }
  }
  return { deltas, regressions: deltas.filter((d) => d.regression) };
}
