/** Tenants with their own `rate`: extra arrival streams merged into the plan. */
import { describe, expect, it } from 'vitest';
import type { LoadSpec, OpenPhase, Phase, TenantStream } from '../types.js';
import { arrivalPlan, plannedCounts, type PlannedArrival } from './plan.js';

const open = (over: Partial<OpenPhase> = {}): OpenPhase => ({
  kind: 'open',
  name: 'p',
  duration: 10_000,
  arrival: 'poisson',
  rate: 10,
  burstiness: 1,
  ...over,
  rampTo: over.rampTo ?? over.rate ?? 10,
});

const load = (phases: Phase[], tenantStreams?: TenantStream[], phaseArrivals?: boolean): LoadSpec => ({
  maxInFlight: 100,
  phases,
  ...(tenantStreams ? { tenantStreams } : {}),
  ...(phaseArrivals === false ? { phaseArrivals: false } : {}),
});

const plan = (l: LoadSpec, seed = 5): PlannedArrival[] => [...arrivalPlan(l, seed)];
const ofTenant = (p: PlannedArrival[], tenant: number | undefined): number[] => p.filter((a) => a.tenant === tenant).map((a) => a.at);
const cv = (at: number[]): number => {
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length) / mean;
};

describe('a tenant with a rate', () => {
  it('brings its own arrivals at its rate in every open phase (poisson: within 4σ)', () => {
    const p = plan(load([open({ duration: 100_000 })], [{ tenant: 1, name: 'batch', rate: 20 }]));
    // 20 req/s × 100 s: N ~ Poisson(2000), σ ≈ 45
    expect(Math.abs(ofTenant(p, 1).length - 2000)).toBeLessThan(180);
    expect(Math.abs(ofTenant(p, undefined).length - 1000)).toBeLessThan(130);
  });

  it('is exact with constant arrivals, ignores the phase ramp, and stops at each phase end', () => {
    const l = load(
      [open({ arrival: 'constant', duration: 4000, rate: 5, rampTo: 40 }), { kind: 'closed', name: 'c', duration: 1000, concurrency: 2 }, open({ arrival: 'constant', duration: 2000, rate: 1 })],
      [{ tenant: 0, name: 'fixed', rate: 10 }],
    );
    const p = plan(l);
    const first = p.filter((a) => a.tenant === 0 && a.phase === 0).map((a) => a.at);
    expect(first).toHaveLength(40);
    first.forEach((t, n) => expect(t).toBeCloseTo(n * 100, 6));
    // the closed phase has none; the third phase starts its stream at its own start (5 s)
    expect(p.some((a) => a.phase === 1)).toBe(false);
    const third = p.filter((a) => a.tenant === 0 && a.phase === 2).map((a) => a.at);
    expect(third).toHaveLength(20);
    expect(third[0]).toBeCloseTo(5000, 6);
    // results.phases[].planned counts them
    const counts = plannedCounts(l, 5);
    expect(counts).toEqual([40 + 90, null, 20 + 2]);
  });

  it("takes the phase's arrival kind and burstiness", () => {
    const at = ofTenant(plan(load([open({ arrival: 'gamma', burstiness: 0.25, duration: 100_000 })], [{ tenant: 1, name: 'b', rate: 100 }])), 1);
    expect(cv(at)).toBeGreaterThan(1.8); // 1/√0.25 = 2
    expect(cv(at)).toBeLessThan(2.2);
  });
});

describe('the merged plan', () => {
  const phases = [open({ duration: 5000 }), { kind: 'closed', name: 'c', duration: 1000, concurrency: 2 } as Phase, open({ arrival: 'gamma', burstiness: 2, duration: 5000, rate: 5, rampTo: 30 })];
  const streams: TenantStream[] = [
    { tenant: 1, name: 'a', rate: 7 },
    { tenant: 2, name: 'b', rate: 3 },
  ];

  it('is in time order and the same on every call', () => {
    const p = plan(load(phases, streams));
    for (let i = 1; i < p.length; i++) expect(p[i]!.at).toBeGreaterThanOrEqual(p[i - 1]!.at);
    expect(plan(load(phases, streams))).toEqual(p);
  });

  it("leaves the phases' own arrival times as they were (their places in the plan, and so their seqs, move)", () => {
    const without = plan(load(phases));
    const withStreams = plan(load(phases, streams));
    expect(withStreams.filter((a) => a.tenant === undefined)).toEqual(without);
    const firstTenant = withStreams.findIndex((a) => a.tenant !== undefined);
    expect(firstTenant).toBeLessThan(without.length);
  });

  it("derives each stream's seed from the tenant's name: adding or reordering tenants moves no one else", () => {
    const alone = ofTenant(plan(load(phases, [{ tenant: 0, name: 'a', rate: 7 }])), 0);
    const withOthers = plan(load(phases, [{ tenant: 0, name: 'z', rate: 9 }, { tenant: 1, name: 'b', rate: 3 }, { tenant: 2, name: 'a', rate: 7 }]));
    expect(ofTenant(withOthers, 2)).toEqual(alone);
    // two tenants at the same rate still get different streams
    const twins = plan(load(phases, [{ tenant: 0, name: 'x', rate: 7 }, { tenant: 1, name: 'y', rate: 7 }]));
    expect(ofTenant(twins, 0)).not.toEqual(ofTenant(twins, 1));
    // and another run seed moves them
    expect(ofTenant(plan(load(phases, streams), 6), 1)).not.toEqual(ofTenant(plan(load(phases, streams), 5), 1));
  });

  it('breaks ties by source: the phase first, then the tenants in list order', () => {
    const p = plan(load([open({ arrival: 'constant', duration: 1000, rate: 2 })], [{ tenant: 2, name: 'b', rate: 2 }, { tenant: 1, name: 'a', rate: 2 }]));
    expect(p.map((a) => [a.at, a.tenant ?? -1])).toEqual([
      [0, -1],
      [0, 2],
      [0, 1],
      [500, -1],
      [500, 2],
      [500, 1],
    ]);
  });

  it('when every tenant has a rate, open phases send only the tenant streams', () => {
    const l = load([open({ arrival: 'constant', duration: 3000, rate: 50 })], [{ tenant: 0, name: 'a', rate: 4 }, { tenant: 1, name: 'b', rate: 6 }], false);
    const p = plan(l);
    expect(p.every((a) => a.tenant !== undefined)).toBe(true);
    expect(ofTenant(p, 0)).toHaveLength(12);
    expect(ofTenant(p, 1)).toHaveLength(18);
    expect(plannedCounts(l, 5)).toEqual([30]);
  });

  it('slices of plannedCounts add up to the whole, tenant arrivals included', () => {
    const l = load(phases, streams);
    const whole = plannedCounts(l, 5);
    const parts = [0, 1, 2].map((index) => plannedCounts(l, 5, { index, count: 3 }));
    expect(whole[1]).toBeNull();
    expect(parts.every((p) => p[1] === null)).toBe(true);
    for (const i of [0, 2]) expect(parts.reduce((s, p) => s + p[i]!, 0)).toBe(whole[i]);
  });
});
