/** Evaluate parsed thresholds against results. Pure: no clock, no I/O. */
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { MetricSummary, Results, ThresholdVerdict } from '../metrics/results.js';
import type { Comparator, ThresholdSpec } from '../types.js';
import { metricKind } from './parse.js';

export type EvaluableResults = Pick<Results, 'metrics' | 'counts' | 'errorRate' | 'throughput'> & Partial<Pick<Results, 'goodput' | 'cost'>>;

export function compare(actual: number, op: Comparator, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

const SUMMARY_FIELD: Record<string, keyof MetricSummary> = {
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  'p99.9': 'p999',
  p999: 'p999',
  mean: 'mean',
  min: 'min',
  max: 'max',
};

/**
 * Percentiles come from the HDR histogram (µs -> ms) when it decodes, since the summary has no
 * p75; otherwise from the summary. mean/min/max always come from the summary.
 */
function latencyStat(summary: MetricSummary | undefined, stat: string, decoded: Map<string, number[] | null>): number | null {
  if (!summary || summary.count <= 0) return null;
  const pct = /^p(\d+(?:\.\d+)?)$/.exec(stat === 'p999' ? 'p99.9' : stat);
  if (pct) {
    const p = Number(pct[1]);
    const fromHdr = percentileFromHdr(summary.hdr, p, decoded);
    if (fromHdr !== null) return fromHdr;
  }
  const field = SUMMARY_FIELD[stat];
  const v = field ? summary[field] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const PERCENTILES = [50, 75, 90, 95, 99, 99.9];

/** Decode once per histogram; cache the percentiles we support (ms), or null if undecodable. */
function percentileFromHdr(hdr: string | undefined, p: number, cache: Map<string, number[] | null>): number | null {
  if (!hdr) return null;
  let values = cache.get(hdr);
  if (values === undefined) {
    values = null;
    try {
      const h = decodeFromCompressedBase64(hdr, 32, false);
      if (h.totalCount > 0) values = PERCENTILES.map((q) => Math.round(h.getValueAtPercentile(q)) / 1000);
      h.destroy();
    } catch {
      values = null;
    }
    cache.set(hdr, values);
  }
  const i = PERCENTILES.indexOf(p);
  return values && i >= 0 ? values[i] ?? null : null;
}

function actualFor(spec: ThresholdSpec, r: EvaluableResults, decoded: Map<string, number[] | null>): number | null {
  const label = spec.label ?? 'all';
  const base = baseMetric(spec.metric);
  const counts = label === 'all' ? r.counts : r.counts.byLabel[label];
  switch (metricKind(base)) {
    case 'latency':
      return latencyStat(r.metrics[base]?.[label], spec.stat, decoded);
    case 'rate': {
      if (!counts) return null;
      if (base === 'errorRate') return counts.requests > 0 ? counts.failed / counts.requests : null;
      if (base === 'goodput') return label === 'all' ? (r.goodput?.rate ?? null) : null;
      const total = counts.requests + counts.dropped;
      return total > 0 ? counts.dropped / total : null;
    }
    case 'count':
      if (base === 'requests') return counts ? counts.requests : null;
      if (label !== 'all') return null; // throughput is kept for the whole run only
      if (base === 'rps') return r.throughput.requestsPerSecond;
      return r.throughput.outputTokensPerSecond;
    case 'cost':
      if (label !== 'all' || !r.cost) return null; // one model per run: cost is the whole run's
      return base === 'cost' ? r.cost.total : r.cost.perRequest;
    default:
      return null;
  }
}

/** `ttft{phase=ramp}` → ttft. */
function baseMetric(key: string): string {
  const brace = key.indexOf('{');
  return brace < 0 ? key : key.slice(0, brace);
}

/** One verdict per spec, in order. No data -> actual null and pass false. */
export function evaluateThresholds(specs: readonly ThresholdSpec[], results: EvaluableResults): ThresholdVerdict[] {
  const decoded = new Map<string, number[] | null>();
  return specs.map((spec) => {
    const raw = actualFor(spec, results, decoded);
    const actual = raw !== null && Number.isFinite(raw) ? raw : null;
    const pass = actual !== null && compare(actual, spec.op, spec.value);
    return { metric: spec.metric, expr: spec.expr, actual, pass, field: spec.field };
  });
}
