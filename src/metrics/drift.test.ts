import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { computeDrift, driftLine, DRIFT_METRICS } from './drift.js';
import type { IntervalWindow, MetricSummary, Results } from './results.js';

const HOUR = 3600;

function summary(count: number, p95: number): MetricSummary {
  return { count, min: p95 / 4, mean: p95 / 2, p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.2, p999: p95 * 1.5, max: p95 * 2, unit: 'ms', hdr: '' };
}

interface WinSpec {
  ok?: number;
  failed?: number;
  ttftP95?: number;
  e2eP95?: number;
  tpotP95?: number;
  itlP95?: number;
  /** token gaps in the window (default 15 per ok request) */
  gaps?: number;
  rps?: number;
  tokensPerSecond?: number;
}

/** Windows of `lengthSec` from 0; `at(i, midpointSec)` describes window i. */
function series(n: number, lengthSec: number, at: (i: number, mid: number) => WinSpec): Results['series'] {
  const windows: IntervalWindow[] = [];
  for (let i = 0; i < n; i++) {
    const start = i * lengthSec;
    const w = at(i, start + lengthSec / 2);
    const ok = w.ok ?? 40;
    const failed = w.failed ?? 0;
    windows.push({
      start,
      length: lengthSec,
      requests: ok + failed,
      ok,
      failed,
      dropped: 0,
      byClass: failed > 0 ? { http_5xx: failed } : {},
      requestsPerSecond: w.rps ?? (ok + failed) / lengthSec,
      outputTokensPerSecond: w.tokensPerSecond ?? 0,
      inFlightMax: 1,
      rateLimitRemainingTokens: null,
      ttft: ok > 0 ? summary(ok, w.ttftP95 ?? 400) : null,
      e2e: ok > 0 ? summary(ok, w.e2eP95 ?? 2000) : null,
      tpot: ok > 0 ? summary(ok, w.tpotP95 ?? 12) : null,
      itl: (w.gaps ?? ok * 15) > 0 ? summary(w.gaps ?? ok * 15, w.itlP95 ?? 15) : null,
    });
  }
  return { intervalMs: lengthSec * 1000, windows };
}

describe('drift lines', () => {
  it('recovers a p95 rising exactly 10 %/h over 2 h of 10 s windows', () => {
    // 500 ms at the first window's midpoint (5 s), +50 ms every hour; request counts vary
    const s = series(720, 10, (i, mid) => ({ ok: 20 + (i % 37), ttftP95: 500 + (50 * (mid - 5)) / HOUR }));
    const line = driftLine(s, 'ttft.p95')!;
    expect(line.unit).toBe('ms');
    expect(line.perHour).toBeCloseTo(50, 6);
    expect(line.relativePerHour).toBeCloseTo(10, 6);
    expect(line.start).toBeCloseTo(500, 6);
    expect(line.end).toBeCloseTo(500 + (50 * (7195 - 5)) / HOUR, 2);
    expect(line.windows).toBe(720);
    // p99 is 1.2 × p95 in the synthetic summaries: same relative slope
    expect(driftLine(s, 'ttft.p99')!.relativePerHour).toBeCloseTo(10, 6);
  });

  it('a falling metric has a negative slope', () => {
    const s = series(360, 10, (_, mid) => ({ e2eP95: 3000 - (600 * mid) / HOUR }));
    const line = driftLine(s, 'e2e.p95')!;
    expect(line.perHour).toBeCloseTo(-600, 6);
    expect(line.relativePerHour!).toBeLessThan(-19.9);
  });

  it('flat noise gives a slope near zero', () => {
    const rng = createRng(7);
    const s = series(720, 10, () => ({ ok: 20 + rng.int(40), ttftP95: 500 + rng.normal(0, 25) }));
    const line = driftLine(s, 'ttft.p95')!;
    expect(Math.abs(line.relativePerHour!)).toBeLessThan(1.5);
    expect(line.start).toBeGreaterThan(480);
    expect(line.start).toBeLessThan(520);
  });

  it('weights windows by their sample count', () => {
    // alternating windows: heavy ones flat at 500, light ones (still ≥ 10 samples) rising steeply
    const s = series(360, 10, (i, mid) => (i % 2 === 0 ? { ok: 1000, ttftP95: 500 } : { ok: 10, ttftP95: 500 + (1000 * mid) / HOUR }));
    const weighted = driftLine(s, 'ttft.p95')!;
    // by count: ≈ 1000 ms/h × 10/1010; unweighted it would be ≈ 500 ms/h
    expect(Math.abs(weighted.perHour)).toBeLessThan(20);
  });

  it('ignores windows with fewer than 10 samples', () => {
    const truth = (mid: number) => 500 + (50 * (mid - 5)) / HOUR;
    // in the second hour, every 5th window has 3 requests and a wild p95
    const s = series(720, 10, (i, mid) => (i >= 360 && i % 5 === 4 ? { ok: 3, ttftP95: 50_000 } : { ttftP95: truth(mid) }));
    const line = driftLine(s, 'ttft.p95')!;
    expect(line.relativePerHour).toBeCloseTo(10, 6);
    expect(line.windows).toBe(648);
    expect(driftLine(s, 'ttft.p95', { minSamples: 1 })!.relativePerHour!).toBeGreaterThan(100);
  });

  it('needs 3 usable windows spanning 3 intervals', () => {
    expect(driftLine(series(2, 10, () => ({})), 'ttft.p95')).toBeNull();
    expect(driftLine(series(3, 10, (_, mid) => ({ ttftP95: 400 + mid })), 'ttft.p95')).not.toBeNull();
    // 10 windows, only 2 with enough samples
    const sparse = series(10, 10, (i) => ({ ok: i < 2 ? 50 : 5 }));
    expect(driftLine(sparse, 'ttft.p95')).toBeNull();
    // no successful requests at all
    expect(driftLine(series(10, 10, () => ({ ok: 0, failed: 5 })), 'e2e.p95')).toBeNull();
    expect(driftLine({ intervalMs: 0, windows: [] }, 'ttft.p95')).toBeNull();
  });

  it('errorRate: failed ÷ requests per window, in fraction per hour; windows without requests skipped', () => {
    // 1 % at the first midpoint, +0.5 percentage points an hour; 100 requests a window
    const s = series(720, 10, (i, mid) => {
      if (i % 10 === 9) return { ok: 0, failed: 0 };
      const rate = 0.01 + (0.005 * (mid - 5)) / HOUR;
      return { ok: 100 - Math.round(rate * 100 * 100) / 100, failed: Math.round(rate * 100 * 100) / 100 };
    });
    const line = driftLine(s, 'errorRate')!;
    expect(line.unit).toBe('fraction');
    expect(line.perHour).toBeCloseTo(0.005, 5);
    expect(line.start).toBeCloseTo(0.01, 5);
    expect(line.relativePerHour).toBeCloseTo(50, 1);
    expect(line.windows).toBe(648);
  });

  it('relative slope is null when the line starts at 0', () => {
    const s = series(100, 10, (_, mid) => {
      const failed = (10 * (mid - 5)) / 990;
      return { ok: 100 - failed, failed };
    });
    const line = driftLine(s, 'errorRate')!;
    expect(line.perHour).toBeGreaterThan(0);
    expect(line.relativePerHour).toBeNull();
  });

  it('throughput: every window inside the run except the first (filling up) and the last (partial)', () => {
    const s = series(362, 10, (i) => ({ rps: i === 0 || i === 361 ? 0.3 : 12, tokensPerSecond: i === 0 || i === 361 ? 10 : 1500 }));
    const rps = driftLine(s, 'rps')!;
    expect(rps.unit).toBe('per_second');
    expect(rps.perHour).toBeCloseTo(0, 9);
    expect(rps.start).toBeCloseTo(12, 9);
    expect(rps.windows).toBe(360);
    expect(driftLine(s, 'outputTokensPerSecond')!.relativePerHour).toBeCloseTo(0, 9);
    // windows after the planned end (the drain) are left out too
    const drained = series(370, 10, (i) => ({ rps: i >= 360 || i === 0 ? 1 : 12 }));
    expect(driftLine(drained, 'rps', { durationMs: 3_700_000, plannedDurationMs: 3_600_000 })!.perHour).toBeCloseTo(0, 9);
    expect(driftLine(drained, 'rps')!.perHour).toBeLessThan(-1);
  });

  it('throughput counts a stall (windows are not weighted by requests)', () => {
    const s = series(361, 10, (i) => ({ rps: i >= 180 ? 6 : 12 }));
    expect(driftLine(s, 'rps')!.relativePerHour!).toBeLessThan(-50);
  });
});

describe('computeDrift', () => {
  const s = series(60, 10, (_, mid) => ({ ttftP95: 400 + mid / 10 }));

  it('always has ttft.p95, e2e.p95 and errorRate, plus the named metrics, in a fixed order', () => {
    const d = computeDrift(s, ['rps', 'ttft.p99', 'nonsense'])!;
    expect(d.windowMs).toBe(10_000);
    expect(Object.keys(d.metrics)).toEqual(['ttft.p95', 'ttft.p99', 'e2e.p95', 'errorRate', 'rps']);
    expect(d.metrics['ttft.p95']!.perHour).toBeCloseTo(360, 6);
    expect(d.metrics['errorRate']!.perHour).toBe(0);
    expect(d.metrics['errorRate']!.relativePerHour).toBeNull();
  });

  it('is absent for runs with fewer than 3 windows', () => {
    expect(computeDrift(series(2, 10, () => ({})))).toBeUndefined();
    expect(computeDrift({ intervalMs: 1000, windows: [] })).toBeUndefined();
  });

  it('knows every metric it lists', () => {
    const d = computeDrift(s, [...DRIFT_METRICS])!;
    expect(Object.keys(d.metrics)).toEqual([...DRIFT_METRICS]);
    for (const key of DRIFT_METRICS) expect(d.metrics[key], key).not.toBeNull();
  });
});

describe('tpot drift', () => {
  it('a decode slowing by 3 ms/token per hour over 2 h of 10 s windows', () => {
    const d = computeDrift(series(720, 10, (_, mid) => ({ tpotP95: 12 + (3 * mid) / 3600 })), ['tpot.p95'])!;
    expect(d.metrics['tpot.p95']!.perHour).toBeCloseTo(3, 1);
    expect(d.metrics['tpot.p95']!.relativePerHour).toBeCloseTo(25, 0);
  });
});

describe('itl drift', () => {
  it('token gaps widening by 2 ms per hour over 2 h of 10 s windows', () => {
    const d = computeDrift(series(720, 10, (_, mid) => ({ itlP95: 10 + (2 * mid) / HOUR })), ['itl.p95'])!;
    expect(Object.keys(d.metrics)).toEqual(['ttft.p95', 'e2e.p95', 'itl.p95', 'errorRate']);
    expect(d.metrics['itl.p95']!.unit).toBe('ms');
    expect(d.metrics['itl.p95']!.perHour).toBeCloseTo(2, 6);
    expect(d.metrics['itl.p95']!.relativePerHour).toBeCloseTo(20, 1);
    // the other latencies are flat: each key reads its own histograms
    expect(d.metrics['ttft.p95']!.perHour).toBeCloseTo(0, 9);
  });

  it('counts and weights a window by its gaps, not its requests', () => {
    // every window has 3 requests (too few for ttft) but 60 gaps; every other window has 6000
    const s = series(360, 10, (i, mid) => ({ ok: 3, gaps: i % 2 === 0 ? 6000 : 60, itlP95: i % 2 === 0 ? 10 : 10 + (100 * mid) / HOUR }));
    expect(driftLine(s, 'ttft.p95')).toBeNull();
    const line = driftLine(s, 'itl.p95')!;
    expect(line.windows).toBe(360);
    // weighted by gaps: ≈ 100 ms/h × 60/6060; unweighted it would be ≈ 50 ms/h
    expect(Math.abs(line.perHour)).toBeLessThan(3);
    // windows with fewer than 10 gaps are left out
    expect(driftLine(series(360, 10, (i) => ({ gaps: i % 2 === 0 ? 9 : 50 })), 'itl.p95')!.windows).toBe(180);
  });
});
