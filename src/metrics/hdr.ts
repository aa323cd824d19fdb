/**
 * HdrHistogram settings in one place: microsecond integers, 3 significant digits.
 * Merging (workers, shards, `merge`) always goes through addEncoded().
 */
import * as hdr from 'hdr-histogram-js';
import type { MetricSummary } from './results.js';

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
  });
}

export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decode(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64, 32, false);
}

export function addEncoded(into: Histogram, base64: string): void {
  into.add(decode(base64));
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Summary in milliseconds from a histogram of microseconds. */
export function summarize(h: Histogram): MetricSummary {
  const count = h.totalCount;
  // A percentile reads its bucket's upper edge; never let it exceed the recorded maximum.
  const at = (p: number): number => (count === 0 ? 0 : round3(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000));
  return {
    count,
    min: at(0),
    mean: count === 0 ? 0 : round3(h.mean / 1000),
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: count === 0 ? 0 : round3(h.maxValue / 1000),
    unit: 'ms',
    hdr: encode(h),
  };
}

/** Record a duration given in (fractional) milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(ms > 0 ? Math.round(ms * 1000) : 0);
}
