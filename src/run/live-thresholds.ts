/**
 * abortOnFail thresholds, checked while the run goes: from the live histograms and counts,
 * without encoding anything that is not needed. "No data yet" never aborts.
 */
import { evaluateThresholds, type EvaluableResults } from '../gate/evaluate.js';
import { summarize } from '../metrics/hdr.js';
import { LATENCY_METRICS, type LatencyMetric, type MetricsRecorder } from '../metrics/recorder.js';
import type { ThresholdSpec } from '../types.js';

/** The first abort threshold that fails now (`metric: expr`), or null. */
export function failingAbortThreshold(specs: readonly ThresholdSpec[], recorder: MetricsRecorder, elapsedMs: number): string | null {
  const due = specs.filter((t) => elapsedMs >= (t.delayAbortEval ?? 0));
  if (due.length === 0) return null;
  const metrics: EvaluableResults['metrics'] = {};
  for (const t of due) {
    const metric = t.metric.split('{')[0]!;
    if (!(LATENCY_METRICS as readonly string[]).includes(metric)) continue;
    const label = t.label ?? 'all';
    const h = recorder.histogram(metric as LatencyMetric, label);
    if (h && h.totalCount > 0) (metrics[metric] ??= {})[label] = summarize(h);
  }
  const counts = recorder.counts();
  const seconds = Math.max(0.001, elapsedMs / 1000);
  const live: EvaluableResults = {
    metrics,
    counts,
    errorRate: counts.requests > 0 ? counts.failed / counts.requests : 0,
    throughput: { requestsPerSecond: counts.requests / seconds, outputTokensPerSecond: recorder.tokens.output / seconds },
    goodput: { slo: {}, good: recorder.good, total: counts.requests + counts.dropped, rate: counts.requests + counts.dropped > 0 ? recorder.good / (counts.requests + counts.dropped) : 1, perSecond: recorder.good / seconds },
  };
  const failed = evaluateThresholds(due, live).find((v) => v.actual !== null && !v.pass);
  return failed ? `${failed.metric}: ${failed.expr}` : null;
}
