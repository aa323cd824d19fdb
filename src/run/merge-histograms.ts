/** Exact sums of encoded HDR histograms, for merged results and merged interval windows. */
import { UserError } from '../errors.js';
import { decode, newHistogram, summarize, type Histogram } from '../metrics/hdr.js';
import type { MetricSummary, Results } from '../metrics/results.js';
import { DAMAGED_HINT } from './merge-checks.js';

/** Adds an encoded summary into `into`; the decoded copy is freed at once. */
function addSummary(into: Histogram, s: MetricSummary, what: string, where: string): void {
  let h: Histogram;
  try {
    if (typeof s?.hdr !== 'string' || s.hdr === '') throw new Error('no hdr');
    h = decode(s.hdr);
  } catch (err) {
    throw new UserError(`${what}: the histogram does not decode (${(err as Error).message})`, { where, hint: DAMAGED_HINT });
  }
  try {
    into.add(h);
  } finally {
    h.destroy();
  }
}

const SUMMARY_STATS = ['min', 'p50', 'p90', 'p95', 'p99', 'p999'] as const;

/**
 * The exact sum of the parts' histograms, summarised. A decoded histogram only knows its largest
 * value to the bucket's upper edge, while each part's own max is exact: the merged max is the
 * parts' largest, and (as summarize does) no statistic reads above it.
 */
export function sumSummaries(items: ReadonlyArray<{ s: MetricSummary; where: string }>, what: string): MetricSummary {
  const sum = newHistogram();
  let out: MetricSummary;
  try {
    for (const { s, where } of items) addSummary(sum, s, what, where);
    out = summarize(sum);
  } finally {
    sum.destroy();
  }
  const maxes = items.filter(({ s }) => s.count > 0 && typeof s.max === 'number' && Number.isFinite(s.max)).map(({ s }) => s.max);
  const max = maxes.length > 0 ? Math.max(...maxes) : null;
  if (out.count > 0 && max !== null && max < out.max) {
    out.max = max;
    for (const k of SUMMARY_STATS) out[k] = Math.min(out[k], max);
  }
  return out;
}

export function mergeMetrics(parts: readonly Results[], name: (i: number) => string): Results['metrics'] {
  const byKey = new Map<string, Map<string, Array<{ s: MetricSummary; where: string }>>>();
  parts.forEach((p, i) => {
    for (const [metric, labels] of Object.entries(p.metrics ?? {})) {
      let m = byKey.get(metric);
      if (!m) byKey.set(metric, (m = new Map()));
      for (const [label, s] of Object.entries(labels ?? {})) {
        let list = m.get(label);
        if (!list) m.set(label, (list = []));
        list.push({ s, where: name(i) });
      }
    }
  });
  const out: Results['metrics'] = {};
  for (const [metric, labels] of byKey) {
    const o: Record<string, MetricSummary> = (out[metric] = {});
    for (const [label, items] of labels) o[label] = sumSummaries(items, `metrics.${metric}.${label}`);
  }
  return out;
}
