import { describe, expect, it } from 'vitest';
import { syntheticResults } from '../../test/helpers/synthetic-results.js';
import { UserError } from '../errors.js';
import { compareResults, parseFailOn, unmatchedTolerances, type MetricDelta } from './compare.js';

function failOnError(spec: string): UserError {
  try {
    parseFailOn(spec);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.where).toBe('--fail-on');
    expect(e.hint).toBeTruthy();
    return e;
  }
  throw new Error(`parseFailOn accepted "${spec}"`);
}

const row = (deltas: MetricDelta[], metric: string, stat: string, label = 'all'): MetricDelta => {
  const d = deltas.find((x) => x.metric === metric && x.stat === stat && x.label === label);
  if (!d) throw new Error(`no row ${metric}.${stat} [${label}]`);
  return d;
};

describe('parseFailOn', () => {
  it('reads relative, absolute, pp and throughput tolerances', () => {
    expect(parseFailOn('ttft.p95=+10%,errorRate=+0.5pp,e2e.p99=+200ms')).toEqual([
      { metric: 'ttft.p95', kind: 'relative', value: 0.1 },
      { metric: 'errorRate', kind: 'pp', value: 0.5 },
      { metric: 'e2e.p99', kind: 'absolute', value: 200 },
    ]);
    expect(parseFailOn(' ttft.mean = 5% , itl.p50=+1.5s, tpot.p99=+250us ,')).toEqual([
      { metric: 'ttft.mean', kind: 'relative', value: 0.05 },
      { metric: 'itl.p50', kind: 'absolute', value: 1500 },
      { metric: 'tpot.p99', kind: 'absolute', value: 0.25 },
    ]);
    expect(parseFailOn('rps=-5%,ttft.p95[phase=steady]=+20%')).toEqual([
      { metric: 'throughput.requestsPerSecond', kind: 'relative', value: 0.05 },
      { metric: 'ttft.p95', kind: 'relative', value: 0.2, label: 'phase=steady' },
    ]);
    expect(parseFailOn('throughput.requestsPerSecond=-2')).toEqual([{ metric: 'throughput.requestsPerSecond', kind: 'absolute', value: 2 }]);
  });

  it('rejects bad input at --fail-on with a hint', () => {
    expect(failOnError('').message).toMatch(/no tolerances/);
    expect(failOnError('ttft.p95').message).toMatch(/not <metric>=<tolerance>/);
    expect(failOnError('e2ee.p95=+10%').message).toMatch(/unknown metric 'e2ee' — did you mean 'e2e'/);
    expect(failOnError('ttft=+10%').message).toMatch(/needs a statistic/);
    expect(failOnError('ttft.p96=+10%').message).toMatch(/unknown statistic 'p96'/);
    expect(failOnError('ttft.p95=+10').message).toMatch(/has no unit/);
    expect(failOnError('ttft.p95=+10parsecs').message).toMatch(/'parsecs' is not a unit/);
    expect(failOnError('ttft.p95=ten').message).toMatch(/not a tolerance/);
    expect(failOnError('ttft.p95=').message).toMatch(/missing tolerance/);
    expect(failOnError('ttft.p95=-10%').message).toMatch(/regresses when it rises/);
    expect(failOnError('ttft.p95=+1pp').message).toMatch(/pp .* is for errorRate/);
    expect(failOnError('errorRate=+1%').hint).toMatch(/errorRate=\+1pp/);
    expect(failOnError('rps=+5%').message).toMatch(/falls/);
    expect(failOnError('ttft.p95=+10%,ttft.p95=+20%').message).toMatch(/given twice/);
    expect(failOnError('ttft.p95[]=+10%').message).toMatch(/empty label/);
  });
});

describe('compareResults', () => {
  const failOn = parseFailOn('ttft.p95=+10%');

  it('identical runs: nothing significant, nothing regresses', () => {
    const r = syntheticResults({ seed: 1 });
    const { deltas, regressions } = compareResults(r, structuredClone(r), failOn);
    expect(regressions).toEqual([]);
    expect(deltas.filter((d) => d.significant)).toEqual([]);
    expect(deltas.every((d) => d.delta === 0)).toBe(true);
    // every label present in both runs is compared; `all` comes first
    expect(new Set(deltas.map((d) => d.label))).toEqual(new Set(['all', 'model=m', 'phase=warmup', 'phase=steady']));
    expect(deltas[0]!.label).toBe('all');
    expect(row(deltas, 'ttft', 'p95').tolerance).toBe('+10%');
    expect(row(deltas, 'throughput', 'requestsPerSecond').baseline).toBe(20);
  });

  it('a TTFT 20 % slower fails ttft.p95=+10%', () => {
    const base = syntheticResults({ seed: 1 });
    const cand = syntheticResults({ seed: 2, ttftScale: 1.2 });
    const { deltas, regressions } = compareResults(base, cand, failOn);
    const p95 = row(deltas, 'ttft', 'p95');
    expect(p95.relative).toBeGreaterThan(0.1);
    expect(p95.pValue).toBeLessThan(1e-4);
    expect(regressions.map((d) => `${d.metric}.${d.stat}[${d.label}]`)).toEqual(['ttft.p95[all]']);
    // reported but not gated
    expect(row(deltas, 'ttft', 'p50').significant).toBe(true);
    expect(row(deltas, 'ttft', 'p50').regression).toBe(false);
  });

  it('two noisy runs of one distribution pass and their medians are not significant', () => {
    for (const [a, b] of [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]] as const) {
      const { deltas, regressions } = compareResults(syntheticResults({ seed: a }), syntheticResults({ seed: b }), failOn, { alpha: 0.01 });
      expect(regressions).toEqual([]);
      for (const d of deltas.filter((x) => x.stat === 'p50' && x.label === 'all')) expect(d.significant, `${d.metric} seeds ${a}/${b}`).toBe(false);
      expect(Math.abs(row(deltas, 'ttft', 'p95').relative!)).toBeLessThan(0.1);
    }
  });

  it('a significant change within its tolerance is not a regression', () => {
    const base = syntheticResults({ seed: 11, requests: 20_000 });
    const cand = syntheticResults({ seed: 12, requests: 20_000, ttftScale: 1.06 });
    const { deltas, regressions } = compareResults(base, cand, failOn);
    expect(row(deltas, 'ttft', 'p95').significant).toBe(true);
    expect(regressions).toEqual([]);
    // an absolute tolerance smaller than the shift fails
    expect(compareResults(base, cand, parseFailOn('ttft.p95=+5ms')).regressions).toHaveLength(1);
  });

  it('errorRate +2pp is significant with enough requests, not with few', () => {
    const gate = parseFailOn('errorRate=+1pp');
    const big = compareResults(syntheticResults({ seed: 1, requests: 5000, errorRate: 0.01 }), syntheticResults({ seed: 2, requests: 5000, errorRate: 0.03 }), gate);
    const rate = row(big.deltas, 'errorRate', 'rate');
    expect(rate.delta).toBeGreaterThan(0.015);
    expect(rate.pValue).toBeLessThan(1e-6);
    expect(big.regressions.map((d) => d.metric)).toEqual(['errorRate']);
    const small = compareResults(syntheticResults({ seed: 1, requests: 100, errorRate: 0.01 }), syntheticResults({ seed: 2, requests: 100, errorRate: 0.03 }), gate);
    expect(row(small.deltas, 'errorRate', 'rate').significant).toBe(false);
    expect(small.regressions).toEqual([]);
  });

  it('gates throughput drops and scoped labels', () => {
    const base = syntheticResults({ seed: 1, requests: 10_000 });
    const cand = syntheticResults({ seed: 1, requests: 9_000 });
    const r = compareResults(base, cand, parseFailOn('rps=-5%'));
    expect(row(r.deltas, 'throughput', 'requestsPerSecond')).toMatchObject({ baseline: 100, candidate: 90, significant: true, regression: true });

    const slow = syntheticResults({ seed: 2, ttftScale: 1.3 });
    const scoped = compareResults(syntheticResults({ seed: 1 }), slow, parseFailOn('ttft.p99[phase=steady]=+10%'));
    expect(scoped.regressions.map((d) => d.label)).toEqual(['phase=steady']);
    expect(unmatchedTolerances(scoped.deltas, parseFailOn('ttft.p99[phase=nope]=+10%'))).toHaveLength(1);
  });

  it('rejects an alpha outside (0, 1)', () => {
    const r = syntheticResults({ seed: 1, requests: 10 });
    expect(() => compareResults(r, r, [], { alpha: 1.5 })).toThrow(UserError);
  });
});
