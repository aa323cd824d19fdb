/** Interval windows of several parts on one time grid: counts summed, histograms added exactly. */
import { UserError } from '../errors.js';
import { WINDOW_METRICS, type ErrorClass, type IntervalWindow, type MetricSummary, type Results, type WindowMetric } from '../metrics/results.js';
import { sumSummaries } from './merge-histograms.js';

type Counted = 'requests' | 'ok' | 'failed' | 'dropped' | 'byClass' | 'requestsPerSecond' | 'outputTokensPerSecond';

interface Bin extends Pick<IntervalWindow, Counted> {
  /** most in flight per part: parts run at once, so the bin's value is their sum */
  inFlight: Map<number, number>;
  remaining: number | null;
  /** each windowed metric's histograms from the parts, to be added */
  hists: Record<WindowMetric, Array<{ s: MetricSummary; where: string }>>;
}

/**
 * Windows are placed by absolute time on a grid of intervalMs counted from the earliest start;
 * a window goes to the bin nearest its start (its midpoint's bin when lengths differ).
 */
export function mergeSeries(parts: readonly Results[], starts: readonly number[], t0: number, allow: boolean, name: (i: number) => string): Results['series'] {
  const withSeries = parts.map((p, i) => ({ p, i })).filter(({ p }) => p.series && p.series.intervalMs > 0);
  if (withSeries.length === 0) return { intervalMs: parts[0]!.series?.intervalMs ?? 0, windows: [] };
  const base = withSeries[0]!;
  const odd = withSeries.find(({ p }) => p.series.intervalMs !== base.p.series.intervalMs);
  if (odd && !allow) {
    throw new UserError(`series interval ${odd.p.series.intervalMs} ms differs from ${name(base.i)}'s ${base.p.series.intervalMs} ms`, {
      where: name(odd.i),
      hint: 'run every part with the same output.interval, or pass --allow-mismatch (windows are then re-binned on the longest interval)',
    });
  }
  const grid = Math.max(...withSeries.map(({ p }) => p.series.intervalMs));
  const bins = new Map<number, Bin>();
  for (const { p, i } of withSeries) {
    const offset = starts[i]! - t0;
    for (const w of p.series.windows) {
      const lengthMs = w.length > 0 ? Math.round(w.length * 1000) : p.series.intervalMs;
      const startMs = offset + Math.round(w.start * 1000);
      const index = Math.max(0, Math.floor((startMs + lengthMs / 2) / grid));
      let b = bins.get(index);
      if (!b) {
        const hists = Object.fromEntries(WINDOW_METRICS.map((m) => [m, []])) as unknown as Bin['hists'];
        b = { requests: 0, ok: 0, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 0, outputTokensPerSecond: 0, inFlight: new Map(), remaining: null, hists };
        bins.set(index, b);
      }
      b.requests += w.requests;
      b.ok += w.ok;
      b.failed += w.failed;
      b.dropped += w.dropped;
      for (const [cls, n] of Object.entries(w.byClass ?? {}) as Array<[ErrorClass, number]>) b.byClass[cls] = (b.byClass[cls] ?? 0) + n;
      // Rates are per second of the window: a shorter window contributes its share of the bin.
      const share = lengthMs === grid ? 1 : lengthMs / grid;
      b.requestsPerSecond += w.requestsPerSecond * share;
      b.outputTokensPerSecond += w.outputTokensPerSecond * share;
      b.inFlight.set(i, Math.max(b.inFlight.get(i) ?? 0, w.inFlightMax));
      if (w.rateLimitRemainingTokens !== null && w.rateLimitRemainingTokens !== undefined) {
        b.remaining = b.remaining === null ? w.rateLimitRemainingTokens : Math.min(b.remaining, w.rateLimitRemainingTokens);
      }
      for (const m of WINDOW_METRICS) {
        const s = w[m];
        if (s) b.hists[m].push({ s, where: name(i) });
      }
    }
  }
  const windows: IntervalWindow[] = [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, b]) => {
      const start = (index * grid) / 1000;
      const sum = (m: WindowMetric): MetricSummary | null => (b.hists[m].length > 0 ? sumSummaries(b.hists[m], `series window at ${start} s: ${m}`) : null);
      const tpot = sum('tpot');
      const itl = sum('itl');
      return {
        start,
        length: grid / 1000,
        requests: b.requests,
        ok: b.ok,
        failed: b.failed,
        dropped: b.dropped,
        byClass: b.byClass,
        requestsPerSecond: b.requestsPerSecond,
        outputTokensPerSecond: b.outputTokensPerSecond,
        inFlightMax: [...b.inFlight.values()].reduce((n, x) => n + x, 0),
        rateLimitRemainingTokens: b.remaining,
        ttft: sum('ttft'),
        e2e: sum('e2e'),
        // added after the first results were written: absent, not null, when a bin has none
        ...(tpot ? { tpot } : {}),
        ...(itl ? { itl } : {}),
      };
    });
  return { intervalMs: grid, windows };
}
