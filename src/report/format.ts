/** Small formatting helpers shared by the CI renderers (JUnit, Markdown summary). */
import type { Results } from '../metrics/results.js';

/** Latency metrics the CI summary shows, in this order. */
export const SUMMARY_METRICS = ['ttft', 'e2e', 'itl', 'tpot', 'ttfb'] as const;

const RATE = new Set(['errorRate', 'dropRate']);
const PER_SECOND: Record<string, string> = { rps: 'req/s', outputTokensPerSecond: 'tok/s' };

/** Milliseconds with a precision that suits their size (no unit). */
export const msNumber = (x: number): string => x.toFixed(x < 10 ? 2 : 1);

export const pct = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

/** A threshold's observed value with its unit: "812.3 ms", "1.25%", "42.10 req/s", "100"; null → "no data". */
export function formatActual(metric: string, actual: number | null): string {
  if (actual === null) return 'no data';
  if (RATE.has(metric)) return pct(actual);
  if (metric === 'requests') return String(actual);
  const perSecond = PER_SECOND[metric];
  if (perSecond) return `${actual.toFixed(2)} ${perSecond}`;
  return `${msNumber(actual)} ms`;
}

/** Run length in seconds, as JUnit and the interval log write it. */
export const runSeconds = (results: Results): string => (Math.max(0, results.meta.durationMs) / 1000).toFixed(3);

/** Error classes that occurred, most frequent first. */
export function classesSeen(results: Results): Array<[string, number]> {
  return Object.entries(results.counts.byClass)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}
