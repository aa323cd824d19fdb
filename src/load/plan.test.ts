import { describe, expect, it } from 'vitest';
import type { LoadSpec, OpenPhase } from '../types.js';
import { arrivalPlan, integratedRate, inverseIntegratedRate, openPhaseArrivals, plannedCounts } from './plan.js';

const open = (over: Partial<OpenPhase>): OpenPhase => ({
  kind: 'open',
  name: 'p',
  duration: 10_000,
  arrival: 'constant',
  rate: 10,
  burstiness: 1,
  ...over,
  rampTo: over.rampTo ?? over.rate ?? 10,
});

const arrivals = (phase: OpenPhase, seed = 7): number[] => [...openPhaseArrivals(phase, seed)];

describe('constant arrivals', () => {
  it('are exactly start + n / rate, derived from the index, not from the previous send', () => {
    const at = arrivals(open({ rate: 5, duration: 5000 }));
    expect(at).toHaveLength(25);
    at.forEach((t, n) => expect(t).toBeCloseTo(n * 200, 6));
  });

  it('a linear ramp hits its end rate', () => {
    const at = arrivals(open({ rate: 5, rampTo: 40, duration: 20_000 }));
    // Λ(20 s) = (5 + 40) / 2 · 20 = 450 arrivals
    expect(at).toHaveLength(450);
    const lastGap = at[at.length - 1]! - at[at.length - 2]!;
    expect(1000 / lastGap).toBeGreaterThan(39);
    expect(1000 / lastGap).toBeLessThanOrEqual(40.5);
    const firstGap = at[1]! - at[0]!;
    expect(1000 / firstGap).toBeGreaterThan(4.9);
    expect(1000 / firstGap).toBeLessThan(6);
  });

  it('a ramp down inverts too', () => {
    const phase = open({ rate: 40, rampTo: 0, duration: 10_000 });
    const at = arrivals(phase);
    expect(at).toHaveLength(200);
    for (const t of at) expect(integratedRate(phase, inverseIntegratedRate(phase, integratedRate(phase, t / 1000)))).toBeCloseTo(integratedRate(phase, t / 1000), 6);
  });
});

describe('poisson arrivals', () => {
  it('match the asked rate within statistical tolerance', () => {
    // 100 req/s for 100 s: N ~ Poisson(10 000), σ = 100; 4σ keeps the test deterministic-in-spirit.
    const at = arrivals(open({ arrival: 'poisson', rate: 100, rampTo: 100, duration: 100_000 }), 12345);
    expect(Math.abs(at.length - 10_000)).toBeLessThan(400);
    // exponential gaps: coefficient of variation ≈ 1
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeGreaterThan(9.6);
    expect(mean).toBeLessThan(10.4);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('ramps reach the end rate (arrivals in the last tenth of the ramp)', () => {
    const phase = open({ arrival: 'poisson', rate: 10, rampTo: 200, duration: 100_000 });
    const at = arrivals(phase, 99);
    const tail = at.filter((t) => t >= 90_000).length;
    // expected: Λ(100) − Λ(90) = 191·10 − ... = (191 + 200) / 2 · 10 = 1955
    const expected = integratedRate(phase, 100) - integratedRate(phase, 90);
    expect(Math.abs(tail - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('is reproducible for a seed and differs for another', () => {
    const phase = open({ arrival: 'poisson' });
    expect(arrivals(phase, 1)).toEqual(arrivals(phase, 1));
    expect(arrivals(phase, 1)).not.toEqual(arrivals(phase, 2));
  });
});

describe('gamma arrivals', () => {
  const cv = (burstiness: number): number => {
    const at = arrivals(open({ arrival: 'gamma', rate: 100, rampTo: 100, duration: 100_000, burstiness }), 3);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(9.3);
    expect(mean).toBeLessThan(10.7);
    return Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length) / mean;
  };

  it('keeps the mean rate while burstiness sets the spread (cv = 1/√k)', () => {
    expect(cv(0.25)).toBeGreaterThan(1.8); // 1/√0.25 = 2
    expect(cv(0.25)).toBeLessThan(2.2);
    expect(cv(4)).toBeGreaterThan(0.45); // 1/√4 = 0.5
    expect(cv(4)).toBeLessThan(0.55);
  });
});

describe('the whole plan', () => {
  const load: LoadSpec = {
    maxInFlight: 10,
    phases: [
      open({ name: 'warmup', duration: 5000, rate: 5, rampTo: 5 }),
      { kind: 'closed', name: 'closed', duration: 2000, concurrency: 4 },
      open({ name: 'ramp', arrival: 'poisson', duration: 20_000, rate: 5, rampTo: 40 }),
    ],
  };

  it('is time-ordered, offsets each phase by the ones before it, and counts per phase', () => {
    const plan = [...arrivalPlan(load, 42)];
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.at).toBeGreaterThanOrEqual(plan[i - 1]!.at);
    expect(plan.filter((a) => a.phase === 0).every((a) => a.at < 5000)).toBe(true);
    expect(plan.filter((a) => a.phase === 2).every((a) => a.at >= 7000 && a.at < 27_000)).toBe(true);
    const counts = plannedCounts(load, 42);
    expect(counts[0]).toBe(25);
    expect(counts[1]).toBeNull();
    expect(counts[2]).toBe(plan.filter((a) => a.phase === 2).length);
  });
});

describe('plannedCounts of a slice', () => {
  it('equals counting every n-th arrival of the whole plan, phase by phase', () => {
    const load: LoadSpec = {
      maxInFlight: 10,
      phases: [
        { kind: 'open', name: 'a', duration: 7000, arrival: 'poisson', rate: 30, rampTo: 30, burstiness: 1 },
        { kind: 'closed', name: 'c', duration: 1000, concurrency: 2 },
        { kind: 'open', name: 'b', duration: 5000, arrival: 'gamma', rate: 20, rampTo: 50, burstiness: 0.5 },
      ],
    };
    for (const count of [1, 2, 3, 7]) {
      for (let index = 0; index < count; index++) {
        const expected: Array<number | null> = [0, null, 0];
        let k = 0;
        for (const a of arrivalPlan(load, 5)) if (k++ % count === index) expected[a.phase]! += 1;
        expect(plannedCounts(load, 5, { index, count }), `${index}/${count}`).toEqual(expected);
      }
    }
  });
});
