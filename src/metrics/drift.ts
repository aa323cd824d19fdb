/**
 * Drift over a long (soak) run: for each metric, a weighted least-squares line through the
 * interval windows of results.series — value against the window's midpoint — reported as a
 * slope per hour and relative to where the line starts. A slow leak or a warming cache shows as
 * a slope; the gate (gate/drift.ts) compares it with the scenario's `drift:` expressions. Pure.
 *
 * Which windows count:
 *   latency (ttft/e2e/tpot/itl.pNN)  windows whose own histogram holds ≥ DRIFT_MIN_SAMPLES samples
 *                                    (requests; token gaps for itl), weighted by that count
 *   errorRate                        windows with ≥ 1 request, weighted by requests
 *   rps, outputTokensPerSecond       every window inside the run except the first and the last,
 *                                    equally weighted (each is one equal-length look at the rate;
 *                                    weighting by requests would hide a stall). Requests count
 *                                    where they end, so the first window is short of completions
 *                                    (nothing sent in it has finished yet) as the last is partial.
 */
import type { DriftLine, DriftSummary, IntervalWindow, MetricSummary, Results, WindowMetric } from './results.js';

const LATENCY_STATS = ['p50', 'p90', 'p95', 'p99'] as const;
type LatencyStat = (typeof LATENCY_STATS)[number];

/** Metrics a `drift:` section can name. */
export const DRIFT_METRICS = [
  ...LATENCY_STATS.map((s) => `ttft.${s}`),
  ...LATENCY_STATS.map((s) => `e2e.${s}`),
  ...LATENCY_STATS.map((s) => `tpot.${s}`),
  ...LATENCY_STATS.map((s) => `itl.${s}`),
  'errorRate',
  'rps',
  'outputTokensPerSecond',
] as const;

/** Computed for every run with enough windows, whatever the scenario names. */
export const DEFAULT_DRIFT_METRICS: readonly string[] = ['ttft.p95', 'e2e.p95', 'errorRate'];

/** A latency window needs at least this many samples (ok requests; token gaps for itl) to count. */
export const DRIFT_MIN_SAMPLES = 10;
/** A line needs at least this many usable windows, spanning at least this many intervals. */
export const DRIFT_MIN_WINDOWS = 3;

export type DriftUnitOfMeasure = DriftLine['unit'];

export function isDriftMetric(key: string): boolean {
  return (DRIFT_METRICS as readonly string[]).includes(key);
}

/** ms for latencies, fraction for errorRate, per_second for throughput; undefined for unknown keys. */
export function driftMeasure(key: string): DriftUnitOfMeasure | undefined {
  if (!isDriftMetric(key)) return undefined;
  if (key === 'errorRate') return 'fraction';
  if (key === 'rps' || key === 'outputTokensPerSecond') return 'per_second';
  return 'ms';
}

export interface DriftOptions {
  /** results.meta.durationMs: throughput windows must end inside the run */
  durationMs?: number;
  /** results.meta.plannedDurationMs: … and inside the plan (the drain after it sends nothing new) */
  plannedDurationMs?: number;
  minSamples?: number;
}

interface Point {
  /** window midpoint, seconds from the run's start */
  x: number;
  y: number;
  w: number;
  start: number;
  end: number;
}

function points(windows: readonly IntervalWindow[], key: string, opts: DriftOptions): Point[] {
  const minSamples = opts.minSamples ?? DRIFT_MIN_SAMPLES;
  const point = (win: IntervalWindow, y: number, w: number): Point => ({ x: win.start + win.length / 2, y, w, start: win.start, end: win.start + win.length });
  const out: Point[] = [];
  if (key === 'errorRate') {
    for (const win of windows) if (win.requests >= 1) out.push(point(win, win.failed / win.requests, win.requests));
    return out;
  }
  if (key === 'rps' || key === 'outputTokensPerSecond') {
    const limits = [opts.durationMs, opts.plannedDurationMs].filter((d): d is number => d !== undefined && d > 0);
    const runEnd = limits.length > 0 ? Math.min(...limits) / 1000 : Infinity;
    for (const win of windows.slice(1, -1)) {
      if (win.start + win.length > runEnd + 1e-9) continue;
      out.push(point(win, key === 'rps' ? win.requestsPerSecond : win.outputTokensPerSecond, 1));
    }
    return out;
  }
  const [metric, stat] = key.split('.') as [WindowMetric, LatencyStat];
  for (const win of windows) {
    const s: MetricSummary | null | undefined = win[metric];
    if (!s || s.count < minSamples) continue;
    const y = s[stat];
    if (Number.isFinite(y)) out.push(point(win, y, s.count));
  }
  return out;
}

/** Six significant digits: enough for a slope, short in results.json. */
const sig = (x: number): number => (x === 0 ? 0 : Number(x.toPrecision(6)));

/** Weighted least squares; null when there is too little data (see DRIFT_MIN_WINDOWS). */
function fit(pts: readonly Point[], intervalSec: number, unit: DriftUnitOfMeasure): DriftLine | null {
  if (pts.length < DRIFT_MIN_WINDOWS) return null;
  const first = pts.reduce((a, p) => (p.x < a.x ? p : a));
  const last = pts.reduce((a, p) => (p.x > a.x ? p : a));
  if (last.end - first.start < DRIFT_MIN_WINDOWS * intervalSec - 1e-9) return null;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const p of pts) {
    sw += p.w;
    sx += p.w * p.x;
    sy += p.w * p.y;
  }
  if (!(sw > 0)) return null;
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) {
    sxx += p.w * (p.x - mx) ** 2;
    sxy += p.w * (p.x - mx) * (p.y - my);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx; // unit per second
  const at = (x: number): number => my + slope * (x - mx);
  const start = at(first.x);
  const perHour = slope * 3600;
  // a line that starts at 0 (an error rate from none) has no relative slope; float noise around 0 is 0
  const scale = Math.max(...pts.map((p) => Math.abs(p.y)));
  return {
    unit,
    perHour: sig(perHour),
    relativePerHour: start > scale * 1e-9 ? sig((perHour / start) * 100) : null,
    start: sig(start),
    end: sig(at(last.x)),
    from: sig(first.x),
    to: sig(last.x),
    windows: pts.length,
  };
}

/** One metric's drift line from the series, or null (no data / too few windows). */
export function driftLine(series: Results['series'], key: string, opts: DriftOptions = {}): DriftLine | null {
  const unit = driftMeasure(key);
  if (!unit || !series || !(series.intervalMs > 0)) return null;
  const windows = [...series.windows].sort((a, b) => a.start - b.start);
  return fit(points(windows, key, opts), series.intervalMs / 1000, unit);
}

/**
 * Drift of `keys` plus DEFAULT_DRIFT_METRICS, or undefined when the run has fewer than
 * DRIFT_MIN_WINDOWS windows. Unknown keys are ignored (the scenario loader rejects them).
 */
export function computeDrift(series: Results['series'], keys: readonly string[] = [], opts: DriftOptions = {}): DriftSummary | undefined {
  if (!series || !(series.intervalMs > 0) || series.windows.length < DRIFT_MIN_WINDOWS) return undefined;
  const wanted = new Set([...keys, ...DEFAULT_DRIFT_METRICS]);
  const metrics: Record<string, DriftLine | null> = {};
  // in DRIFT_METRICS order, so reports list them the same way every run
  for (const key of DRIFT_METRICS) if (wanted.has(key)) metrics[key] = driftLine(series, key, opts);
  return { windowMs: series.intervalMs, metrics };
}
