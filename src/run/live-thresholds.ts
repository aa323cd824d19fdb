/**
 * abortOnFail thresholds, checked while the run goes. A slice takes a small live view of what
 * the due thresholds need (encoded histograms, counts); worker threads send theirs to the
 * parent, which adds them up, so the verdict is the whole run's, not one slice's.
 * "No data yet" never aborts.
 */
import { evaluateThresholds, type EvaluableResults } from '../gate/evaluate.js';
import { decode, encode, newHistogram, summarize } from '../metrics/hdr.js';
import { LATENCY_METRICS, type LatencyMetric, type MetricsRecorder } from '../metrics/recorder.js';
import type { Counts } from '../metrics/results.js';
import type { ThresholdSpec } from '../types.js';

/** Serialisable: what abort thresholds need from one slice at one moment. */
export interface LiveView {
  /** metric → label → HDR compressed base64 */
  hists: Record<string, Record<string, string>>;
  counts: Counts;
  outputTokens: number;
  good: number;
}

export function liveView(specs: readonly ThresholdSpec[], recorder: MetricsRecorder): LiveView {
  const hists: LiveView['hists'] = {};
  for (const t of specs) {
    const metric = t.metric.split('{')[0]!;
    if (!(LATENCY_METRICS as readonly string[]).includes(metric)) continue;
    const label = t.label ?? 'all';
    const h = recorder.histogram(metric as LatencyMetric, label);
    if (h && h.totalCount > 0) (hists[metric] ??= {})[label] = encode(h);
  }
  return { hists, counts: recorder.counts(), outputTokens: recorder.tokens.output, good: recorder.good };
}

/** The views of every slice as one (histograms added, counts summed). */
export function mergeLiveViews(views: readonly LiveView[]): LiveView {
  if (views.length === 1) return views[0]!;
  const hists: LiveView['hists'] = {};
  const keys = new Set(views.flatMap((v) => Object.entries(v.hists).flatMap(([m, byLabel]) => Object.keys(byLabel).map((l) => `${m}\u0000${l}`))));
  for (const key of keys) {
    const [metric, label] = key.split('\u0000') as [string, string];
    const sum = newHistogram();
    for (const v of views) {
      const b64 = v.hists[metric]?.[label];
      if (!b64) continue;
      const h = decode(b64);
      sum.add(h);
      h.destroy();
    }
    (hists[metric] ??= {})[label] = encode(sum);
    sum.destroy();
  }
  const counts = structuredClone(views[0]!.counts);
  for (const v of views.slice(1)) {
    counts.requests += v.counts.requests;
    counts.ok += v.counts.ok;
    counts.failed += v.counts.failed;
    counts.dropped += v.counts.dropped;
    for (const [label, c] of Object.entries(v.counts.byLabel)) {
      const into = (counts.byLabel[label] ??= { requests: 0, ok: 0, failed: 0, dropped: 0 });
      into.requests += c.requests;
      into.ok += c.ok;
      into.failed += c.failed;
      into.dropped += c.dropped;
    }
  }
  return { hists, counts, outputTokens: views.reduce((s, v) => s + v.outputTokens, 0), good: views.reduce((s, v) => s + v.good, 0) };
}

/** The first due abort threshold that fails on this view (`metric: expr`), or null. */
export function failingInView(specs: readonly ThresholdSpec[], view: LiveView, elapsedMs: number): string | null {
  const due = dueSpecs(specs, elapsedMs);
  if (due.length === 0) return null;
  const metrics: EvaluableResults['metrics'] = {};
  for (const [metric, byLabel] of Object.entries(view.hists)) {
    for (const [label, b64] of Object.entries(byLabel)) {
      const h = decode(b64);
      (metrics[metric] ??= {})[label] = summarize(h);
      h.destroy();
    }
  }
  const { counts } = view;
  const seconds = Math.max(0.001, elapsedMs / 1000);
  const total = counts.requests + counts.dropped;
  const live: EvaluableResults = {
    metrics,
    counts,
    errorRate: counts.requests > 0 ? counts.failed / counts.requests : 0,
    throughput: { requestsPerSecond: counts.requests / seconds, outputTokensPerSecond: view.outputTokens / seconds },
    goodput: { slo: {}, good: view.good, total, rate: total > 0 ? view.good / total : 1, perSecond: view.good / seconds },
  };
  const failed = evaluateThresholds(due, live).find((v) => v.actual !== null && !v.pass);
  return failed ? `${failed.metric}: ${failed.expr}` : null;
}

export function dueSpecs(specs: readonly ThresholdSpec[], elapsedMs: number): ThresholdSpec[] {
  return specs.filter((t) => elapsedMs >= (t.delayAbortEval ?? 0));
}

/** One process: the first abort threshold that fails now, from the recorder's live histograms. */
export function failingAbortThreshold(specs: readonly ThresholdSpec[], recorder: MetricsRecorder, elapsedMs: number): string | null {
  const due = dueSpecs(specs, elapsedMs);
  return due.length === 0 ? null : failingInView(due, liveView(due, recorder), elapsedMs);
}
