/**
 * Two-sample tests for `llm-bench compare`, computed on HDR buckets (never on expanded samples),
 * so a histogram of 10^6 requests costs one pass over its few thousand buckets.
 *
 * Percentiles — the two-sample quantile test (Mood's median test generalised to any quantile q):
 * pool both histograms, find the pooled q-quantile θ, and count in each run how many values
 * are ≤ θ. If both runs come from one distribution the pooled values are exchangeable, so the
 * baseline's share below θ follows the hypergeometric law whatever the distribution's shape
 * (distribution-free, and valid with the ties that bucketing makes). If the candidate's
 * q-quantile moved, θ lies between the two and the shares differ. The 2×2 table is tested with
 * the pooled two-proportion z-test, or Fisher's exact test when an expected cell is under 10.
 * Unlike Mann–Whitney, this targets the quantile itself: a slower tail with an unchanged median
 * is caught at p99 and not reported at p50.
 * Means — Welch's z on the bucket means and variances (n is large: normal, not t).
 * Error rates — the same 2×2 test (failed / ok × baseline / candidate).
 * Throughput — request counts compared as Poisson rates over each run's duration.
 */
import { JsHistogram } from 'hdr-histogram-js';
import { decode } from '../metrics/hdr.js';

/** Recorded buckets, ascending: `values` are each bucket's highest equivalent value (µs). */
export interface Buckets {
  values: Float64Array;
  /** each bucket's midpoint (µs), for means and variances */
  mids: Float64Array;
  counts: Float64Array;
  total: number;
}

export function bucketsFromHdr(base64: string): Buckets {
  const h = decode(base64);
  try {
    if (!(h instanceof JsHistogram)) throw new Error('expected a JS HdrHistogram');
    const values: number[] = [];
    const mids: number[] = [];
    const counts: number[] = [];
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      values.push(v.valueIteratedTo);
      mids.push(h.medianEquivalentValue(v.valueIteratedTo));
      counts.push(v.countAtValueIteratedTo);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    return { values: Float64Array.from(values), mids: Float64Array.from(mids), counts: Float64Array.from(counts), total };
  } finally {
    h.destroy();
  }
}

/** Complementary error function (Numerical Recipes erfcc; relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic. */
export function twoSidedP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 1 : 0;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** Fisher's exact test, two-sided (tables as likely or less likely than the one seen). */
function fisherExact(a: number, n1: number, k: number, n: number): number {
  const n2 = n - n1;
  const lo = Math.max(0, k - n2);
  const hi = Math.min(k, n1);
  // log P(x) up to a constant, by the ratio P(x+1)/P(x) = (k−x)(n1−x) / ((x+1)(n2−k+x+1))
  const logw = new Float64Array(hi - lo + 1);
  for (let x = lo; x < hi; x++) {
    logw[x - lo + 1] = logw[x - lo]! + Math.log(((k - x) * (n1 - x)) / ((x + 1) * (n2 - k + x + 1)));
  }
  let max = -Infinity;
  for (const w of logw) max = Math.max(max, w);
  const seen = logw[a - lo]! - max;
  let all = 0;
  let asExtreme = 0;
  for (const w of logw) {
    const p = Math.exp(w - max);
    all += p;
    if (w - max <= seen + 1e-7) asExtreme += p;
  }
  return Math.min(1, asExtreme / all);
}

/**
 * Are x1 of n1 and x2 of n2 the same proportion? Pooled two-proportion z-test; Fisher's exact
 * test when an expected cell count is below 10 (where the normal approximation is poor).
 */
export function twoProportionP(x1: number, n1: number, x2: number, n2: number): number | null {
  const n = n1 + n2;
  const k = x1 + x2;
  if (n1 <= 0 || n2 <= 0) return null;
  if (k === 0 || k === n) return 1;
  const minExpected = (Math.min(k, n - k) * Math.min(n1, n2)) / n;
  if (minExpected < 10) return fisherExact(x1, n1, k, n);
  const p = k / n;
  return twoSidedP((x2 / n2 - x1 / n1) / Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)));
}

/** Two-sample quantile test for quantile q (0..1) of two bucketed samples; see the file comment. */
export function quantileTestP(a: Buckets, b: Buckets, q: number): number | null {
  const n = a.total + b.total;
  if (a.total === 0 || b.total === 0) return null;
  const target = q * n;
  // Walk the merged buckets in value order until the pooled cumulative count reaches q·n.
  let i = 0;
  let j = 0;
  let belowA = 0;
  let belowB = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? a.values[i]! : Infinity;
    const vb = j < b.values.length ? b.values[j]! : Infinity;
    const v = Math.min(va, vb);
    const ca = va === v ? a.counts[i++]! : 0;
    const cb = vb === v ? b.counts[j++]! : 0;
    const before = belowA + belowB;
    if (before + ca + cb >= target) {
      // θ's bucket may hold many tied values: split below it or after it, whichever leaves the
      // pooled share nearer q (a choice made from pooled data only, so the test stays valid).
      const after = before + ca + cb;
      const splitAfter = before === 0 || (after < n && after - target <= target - before);
      return splitAfter ? twoProportionP(belowA + ca, a.total, belowB + cb, b.total) : twoProportionP(belowA, a.total, belowB, b.total);
    }
    belowA += ca;
    belowB += cb;
  }
  return 1;
}

function moments(x: Buckets): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < x.mids.length; i++) sum += x.mids[i]! * x.counts[i]!;
  const mean = sum / x.total;
  let ss = 0;
  for (let i = 0; i < x.mids.length; i++) ss += (x.mids[i]! - mean) ** 2 * x.counts[i]!;
  return { mean, variance: x.total > 1 ? ss / (x.total - 1) : 0 };
}

/** Welch's test on the means, normal approximation (both runs hold many requests). */
export function meanTestP(a: Buckets, b: Buckets): number | null {
  if (a.total < 2 || b.total < 2) return null;
  const ma = moments(a);
  const mb = moments(b);
  const se = Math.sqrt(ma.variance / a.total + mb.variance / b.total);
  if (se === 0) return ma.mean === mb.mean ? 1 : 0;
  return twoSidedP((mb.mean - ma.mean) / se);
}

/**
 * Same request rate? Conditional on n1 + n2 requests, n1 ~ Binomial(n1 + n2, T1 / (T1 + T2)) when
 * both runs are Poisson at one rate (open-loop arrivals are; closed loops approximately).
 */
export function poissonRateP(n1: number, t1: number, n2: number, t2: number): number | null {
  if (!(t1 > 0 && t2 > 0) || n1 + n2 === 0) return null;
  const n = n1 + n2;
  const share = t1 / (t1 + t2);
  return twoSidedP((n1 - n * share) / Math.sqrt(n * share * (1 - share)));
}
