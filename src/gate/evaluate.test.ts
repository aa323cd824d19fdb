import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import type { MetricSummary } from '../metrics/results.js';
import { evaluateThresholds, type EvaluableResults } from './evaluate.js';
import { exitCodeFor } from './exit-code.js';
import { parseThresholds } from './parse.js';

/** A summary of the latencies 1..n ms, with its HDR histogram (µs). */
function summaryOf(n: number, opts: { hdr?: boolean } = {}): MetricSummary {
  const h = build({ bitBucketSize: 32, autoResize: true, numberOfSignificantValueDigits: 3 });
  for (let i = 1; i <= n; i++) h.recordValue(i * 1000);
  return {
    count: n,
    min: 1,
    mean: (n + 1) / 2,
    p50: n * 0.5,
    p90: n * 0.9,
    p95: n * 0.95,
    p99: n * 0.99,
    p999: n * 0.999,
    max: n,
    unit: 'ms',
    hdr: opts.hdr === false ? '' : encodeIntoCompressedBase64(h),
  };
}

function results(over: Partial<EvaluableResults> = {}): EvaluableResults {
  return {
    metrics: { ttft: { all: summaryOf(1000) }, e2e: { all: summaryOf(1000, { hdr: false }) } },
    counts: {
      requests: 200,
      ok: 198,
      failed: 2,
      dropped: 50,
      retries: 0,
      attemptsPerRequest: { '1': 200 },
      retriedByClass: { http_4xx: 0, http_429: 0, http_5xx: 0, timeout: 0, network: 0, stream_cut: 0, bad_response: 0 },
      byClass: { http_4xx: 0, http_429: 0, http_5xx: 2, timeout: 0, network: 0, stream_cut: 0, bad_response: 0 },
      byLabel: {},
    },
    errorRate: 0.01,
    throughput: { requestsPerSecond: 20, outputTokensPerSecond: 1500 },
    ...over,
  };
}

const evaluate = (t: Record<string, string[]>, r = results()) => evaluateThresholds(parseThresholds(t), r);

describe('evaluateThresholds', () => {
  it('latency thresholds pass and fail', () => {
    const v = evaluate({ ttft: ['p95 < 960ms', 'p95 < 900ms', 'p75 <= 751ms', 'max == 1s', 'mean > 500ms'] });
    expect(v.map((x) => x.pass)).toEqual([true, false, true, true, true]);
    expect(v[0]).toEqual({ metric: 'ttft', expr: 'p95 < 960ms', actual: expect.closeTo(950, 0) as number, pass: true, field: 'thresholds.ttft[0]' });
    expect(v[2]!.actual).toBeCloseTo(750, 0);
  });

  it('falls back to the summary without an HDR; p75 then has no data', () => {
    const v = evaluate({ e2e: ['p99 < 995ms', 'p99.9 >= 999ms', 'p75 < 1s'] });
    expect(v.map((x) => [x.actual, x.pass])).toEqual([
      [990, true],
      [999, true],
      [null, false],
    ]);
  });

  it('errorRate in percent, dropRate from counts, counts and throughput', () => {
    const v = evaluate({ errorRate: ['< 1%', '<= 1%'], dropRate: ['< 0.25'], requests: ['>= 200'], rps: ['> 25'], outputTokensPerSecond: ['> 1000'] });
    expect(v.map((x) => [x.metric, x.actual, x.pass])).toEqual([
      ['errorRate', 0.01, false],
      ['errorRate', 0.01, true],
      ['dropRate', 0.2, true],
      ['requests', 200, true],
      ['rps', 20, false],
      ['outputTokensPerSecond', 1500, true],
    ]);
  });

  it('missing data: actual null, pass false', () => {
    const empty = results({
      metrics: { ttft: { all: { ...summaryOf(1), count: 0 } } },
      counts: { ...results().counts, requests: 0, dropped: 0 },
    });
    const v = evaluate({ ttft: ['p95 < 1s'], itl: ['p99 < 1s'], errorRate: ['< 1%'], dropRate: ['< 1%'] }, empty);
    expect(v.map((x) => [x.actual, x.pass])).toEqual([
      [null, false],
      [null, false],
      [null, false],
      [null, false],
    ]);
  });

  it('cost and costPerRequest in USD from results.cost', () => {
    const cost = {
      currency: 'USD' as const,
      source: 'built-in' as const,
      model: 'gpt-4o-mini',
      prices: { input: 0.15, cachedInput: 0.075, output: 0.6 },
      input: 2.5,
      cachedInput: 0.25,
      output: 2,
      total: 4.75,
      perRequest: 0.02375,
    };
    const v = evaluate({ cost: ['< $5', '< 4', '== $4.75'], costPerRequest: ['<= $0.025', '< $0.02'] }, results({ cost }));
    expect(v.map((x) => [x.metric, x.actual, x.pass])).toEqual([
      ['cost', 4.75, true],
      ['cost', 4.75, false],
      ['cost', 4.75, true],
      ['costPerRequest', 0.02375, true],
      ['costPerRequest', 0.02375, false],
    ]);
    // no successful request: no per-request cost
    expect(evaluate({ costPerRequest: ['< $1'] }, results({ cost: { ...cost, perRequest: null } }))[0]).toMatchObject({ actual: null, pass: false });
    // cost is the whole run's: a label selects nothing
    const [labelled] = evaluateThresholds(
      [{ metric: 'cost{phase=ramp}', label: 'phase=ramp', expr: '< $5', stat: 'usd', op: '<', value: 5, field: 'f' }],
      results({ cost }),
    );
    expect(labelled).toMatchObject({ actual: null, pass: false });
  });

  it('an unpriced run has no cost: cost thresholds fail with no data', () => {
    const v = evaluate({ cost: ['< $5'], costPerRequest: ['>= 0'] });
    expect(v.map((x) => [x.actual, x.pass])).toEqual([
      [null, false],
      [null, false],
    ]);
  });

  it('an undecodable HDR falls back to the summary', () => {
    const r = results({ metrics: { ttft: { all: { ...summaryOf(100, { hdr: false }), hdr: 'not-base64!' } } } });
    expect(evaluate({ ttft: ['p95 < 96ms'] }, r)[0]).toMatchObject({ actual: 95, pass: true });
  });
});

describe('exitCodeFor', () => {
  it('is 0 when all pass (or none), 1 when any fails', () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([{ metric: 'ttft', expr: 'p95 < 1s', actual: 5, pass: true }])).toBe(0);
    expect(
      exitCodeFor([
        { metric: 'ttft', expr: 'p95 < 1s', actual: 5, pass: true },
        { metric: 'e2e', expr: 'p95 < 1s', actual: null, pass: false },
      ]),
    ).toBe(1);
  });
});

describe('selectors', () => {
  it('evaluate a label\'s own histogram and counts', () => {
    const r = results();
    r.metrics.ttft!['phase=slow'] = summaryOf(5000);
    r.counts.byLabel['phase=slow'] = { requests: 10, ok: 5, failed: 5, dropped: 0 };
    const [lat, rate, missing] = evaluateThresholds(
      [
        { metric: 'ttft{phase=slow}', label: 'phase=slow', expr: 'p50 < 1s', stat: 'p50', op: '<', value: 1000, field: 'f' },
        { metric: 'errorRate{phase=slow}', label: 'phase=slow', expr: '< 10%', stat: 'rate', op: '<', value: 0.1, field: 'f' },
        { metric: 'ttft{phase=none}', label: 'phase=none', expr: 'p50 < 1s', stat: 'p50', op: '<', value: 1000, field: 'f' },
      ],
      r,
    );
    expect(lat).toMatchObject({ pass: false });
    expect(lat!.actual).toBeGreaterThan(1000);
    expect(rate).toMatchObject({ actual: 0.5, pass: false });
    expect(missing).toMatchObject({ actual: null, pass: false });
  });
});
