import { describe, expect, it } from 'vitest';
import { encode, newHistogram, recordMs } from '../metrics/hdr.js';
import { createRng } from '../random.js';
import { bucketsFromHdr, meanTestP, poissonRateP, quantileTestP, twoProportionP, twoSidedP, type Buckets } from './stats.js';

/** n lognormal draws (ms) → buckets, through the same encode/decode path results.json uses. */
function lognormal(seed: number, n: number, median = 300, sigma = 0.5, scale = 1): Buckets {
  const rng = createRng(seed);
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, median * Math.exp(rng.normal(0, sigma)) * scale);
  return bucketsFromHdr(encode(h));
}

describe('two-sample statistics on HDR buckets', () => {
  it('normal tail and proportions match known values', () => {
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 5);
    expect(twoSidedP(0)).toBe(1);
    // 10/100 vs 20/100: pooled z = 1.980 → p = 0.0477
    expect(twoProportionP(10, 100, 20, 100)).toBeCloseTo(0.0477, 3);
    // small expected counts use Fisher's exact test (Wikipedia's 1/12 vs 9/12 example: p = 0.002759)
    expect(twoProportionP(1, 12, 9, 12)).toBeCloseTo(0.002759, 5);
    expect(twoProportionP(0, 50, 0, 50)).toBe(1);
    expect(twoProportionP(0, 0, 1, 10)).toBeNull();
  });

  it('buckets keep every count', () => {
    const b = lognormal(1, 5000);
    expect(b.total).toBe(5000);
    expect(b.values.length).toBeLessThan(5000);
    expect([...b.values].every((v, i, a) => i === 0 || v > a[i - 1]!)).toBe(true);
  });

  it('the quantile test holds its size: same distribution → about alpha false positives', () => {
    let p95 = 0;
    let p50 = 0;
    let mean = 0;
    const pairs = 300;
    for (let i = 0; i < pairs; i++) {
      const a = lognormal(1000 + i, 800);
      const b = lognormal(5000 + i, 800);
      if (quantileTestP(a, b, 0.95)! < 0.05) p95++;
      if (quantileTestP(a, b, 0.5)! < 0.05) p50++;
      if (meanTestP(a, b)! < 0.05) mean++;
    }
    for (const hits of [p95, p50, mean]) {
      expect(hits / pairs).toBeGreaterThan(0.015);
      expect(hits / pairs).toBeLessThan(0.09);
    }
  });

  it('targets the quantile: a slower tail moves p99, not p50', () => {
    const rng = createRng(7);
    const base = newHistogram();
    const cand = newHistogram();
    for (let i = 0; i < 20_000; i++) {
      const x = 300 * Math.exp(rng.normal(0, 0.3));
      recordMs(base, x);
      const y = 300 * Math.exp(rng.normal(0, 0.3));
      recordMs(cand, y > 450 ? y * 1.5 : y); // only the slowest ~9 % get slower
    }
    const a = bucketsFromHdr(encode(base));
    const b = bucketsFromHdr(encode(cand));
    expect(quantileTestP(a, b, 0.99)).toBeLessThan(1e-6);
    expect(quantileTestP(a, b, 0.5)).toBeGreaterThan(0.01);
  });

  it('detects a 20 % shift at 2000 requests and is fast at 10^6', () => {
    expect(quantileTestP(lognormal(1, 2000), lognormal(2, 2000, 300, 0.5, 1.2), 0.95)).toBeLessThan(1e-4);
    const a = lognormal(3, 1_000_000);
    const b = lognormal(4, 1_000_000, 300, 0.5, 1.01);
    const t0 = performance.now();
    const p = [quantileTestP(a, b, 0.5), quantileTestP(a, b, 0.95), quantileTestP(a, b, 0.99), meanTestP(a, b)];
    expect(performance.now() - t0).toBeLessThan(100);
    expect(p[0]).toBeLessThan(0.01); // 1 % at 10^6 is real
  });

  it('compares request rates as Poisson counts', () => {
    expect(poissonRateP(1000, 10_000, 1000, 10_000)).toBe(1);
    expect(poissonRateP(1000, 10_000, 800, 10_000)).toBeLessThan(1e-5);
    expect(poissonRateP(1000, 10_000, 990, 10_000)).toBeGreaterThan(0.5);
    expect(poissonRateP(1, 0, 1, 10)).toBeNull();
  });
});
