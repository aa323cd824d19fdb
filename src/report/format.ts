/** Small formatting helpers shared by the CI renderers (JUnit, Markdown summary). */
import type { DriftLine, Results } from '../metrics/results.js';

/** Latency metrics the CI summary shows, in this order. */
export const SUMMARY_METRICS = ['ttft', 'e2e', 'itl', 'tpot', 'ttfb'] as const;

const RATE = new Set(['errorRate', 'dropRate']);
const PER_SECOND: Record<string, string> = { rps: 'req/s', outputTokensPerSecond: 'tok/s' };

/** Milliseconds with a precision that suits their size (no unit). */
export const msNumber = (x: number): string => x.toFixed(x < 10 ? 2 : 1);

export const pct = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

/** US dollars: cents from $1 up, up to three significant digits below ($0.50, $0.00123). */
export function usd(x: number): string {
  const r = Number(x.toPrecision(3));
  if (r === 0 || Math.abs(r) >= 1) return `$${x.toFixed(2)}`;
  const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(r)))));
  return `$${r.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

/**
 * USD per 1000 successful requests, from the total (perRequest is rounded to a millionth of a
 * dollar, too coarse for cheap models); null without a cost or a successful request.
 */
export function costPer1k(results: Pick<Results, 'cost' | 'counts'>): number | null {
  const c = results.cost;
  if (!c || c.perRequest === null) return null;
  return results.counts.ok > 0 ? (c.total / results.counts.ok) * 1000 : c.perRequest * 1000;
}

/**
 * "$1.23 ($0.0456 per 1k requests) at list price for gpt-4o-mini", with ", $0.01 of it for 12
 * cut streams" when attempts cut part way were billed; null without a cost.
 */
export function costLine(results: Pick<Results, 'cost' | 'counts'> & { tokens?: Pick<Results['tokens'], 'partialAttempts'> }): string | null {
  const c = results.cost;
  if (!c) return null;
  const per1k = costPer1k(results);
  const cut = partialNote(results);
  return `${usd(c.total)}${per1k !== null ? ` (${usd(per1k)} per 1k requests)` : ''} at ${c.source === 'scenario' ? 'scenario price' : `list price for ${c.model}`}${cut ? `, ${cut}` : ''}`;
}

/** "$0.01 of it for 12 cut streams", or null when no partial attempt was billed. */
export function partialNote(results: Pick<Results, 'cost'> & { tokens?: Pick<Results['tokens'], 'partialAttempts'> }): string | null {
  const n = results.tokens?.partialAttempts ?? 0;
  const amount = results.cost?.partial ?? 0;
  if (n <= 0 || !results.cost) return null;
  return `${usd(amount)} of it for ${n} cut stream${n === 1 ? '' : 's'}`;
}

/** The unit a drift expression ends with ("< 5%/h" → "%/h"), or '' when it has none. */
export const driftUnitOf = (expr: string): string => /(%|ms|s|pp)\/(h|min)\s*$/.exec(expr)?.[0].trim() ?? '';

/** A slope with its unit and a sign: "+7.30 %/h", "-120 ms/h". */
export function driftNumber(x: number, unit: string): string {
  const a = Math.abs(x);
  const text = x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
  return `${x > 0 ? '+' : ''}${text}${unit ? ` ${unit}` : ''}`;
}

/** A drift line's slope per hour in its metric's unit: "+43.2 ms/h", "+0.12 pp/h", "-1.50 req/s per h". */
export function driftSlope(metric: string, line: DriftLine): string {
  if (line.unit === 'fraction') return driftNumber(line.perHour * 100, 'pp/h');
  if (line.unit === 'per_second') return driftNumber(line.perHour, `${PER_SECOND[metric] ?? '/s'} per h`);
  return driftNumber(line.perHour, 'ms/h');
}

/** A level on a drift line (its start or end) in the metric's unit: "412.3 ms", "0.25%", "9.80 req/s". */
export function driftLevel(metric: string, line: DriftLine, x: number): string {
  if (line.unit === 'fraction') return pct(x);
  if (line.unit === 'per_second') return `${x.toFixed(2)} ${PER_SECOND[metric] ?? '/s'}`;
  return `${msNumber(x)} ms`;
}

/** Rows for a drift table: metric, slope/h, relative %/h, start → end, windows (lines without data say so). */
export function driftRows(results: Pick<Results, 'drift'>): string[][] {
  return Object.entries(results.drift?.metrics ?? {}).map(([metric, line]) =>
    line
      ? [
          metric,
          driftSlope(metric, line),
          line.relativePerHour === null ? '–' : driftNumber(line.relativePerHour, '%/h'),
          `${driftLevel(metric, line, line.start)} → ${driftLevel(metric, line, line.end)}`,
          String(line.windows),
        ]
      : [metric, 'no data', '–', '–', '0'],
  );
}

/**
 * A threshold's observed value with its unit: "812.3 ms", "1.25%", "42.10 req/s", "100"; null → "no data".
 * Drift verdicts (metric drift.*) are in their expression's unit, so pass `expr` for them.
 */
export function formatActual(metric: string, actual: number | null, expr = ''): string {
  if (actual === null) return 'no data';
  if (metric.startsWith('drift.')) return driftNumber(actual, driftUnitOf(expr));
  if (RATE.has(metric)) return pct(actual);
  if (metric === 'requests') return String(actual);
  if (metric.startsWith('cost')) return usd(actual);
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

/**
 * The network baseline measured before the run, in one line: what a round trip to the target
 * costs without any generation, so TTFT can be read against it.
 */
export function rttLine(results: Pick<Results, 'calibration'>): string | null {
  const rtt = results.calibration?.rtt;
  if (!rtt) return null;
  const parts: string[] = [];
  if (rtt.connectMs) parts.push(`TCP connect ${msNumber(rtt.connectMs.median)} ms`);
  if (rtt.requestMs) parts.push(`GET ${rtt.path} ${msNumber(rtt.requestMs.median)} ms${rtt.status !== null ? ` (HTTP ${rtt.status})` : ''}`);
  else if (rtt.firstRequestMs !== null) parts.push(`GET ${rtt.path} ${msNumber(rtt.firstRequestMs)} ms on a new connection`);
  const what = parts.length > 0 ? `${parts.join(', ')}, medians of ${rtt.samples}` : 'not measured';
  return `network baseline: ${what}${rtt.error ? `; calibration stopped: ${rtt.error}` : ''}`;
}

/** How the run was split, for headers: a shard of a distributed run, worker threads, or a merge. */
export function splitNote(meta: Results['meta']): string | null {
  const parts: string[] = [];
  if (meta.mergedFrom !== undefined) parts.push(`merged from ${meta.mergedFrom} runs (${meta.host.split(',').length} host${meta.host.includes(',') ? 's' : ''})`);
  if (meta.shard) parts.push(`shard ${meta.shard.index}/${meta.shard.count}`);
  if (meta.workers !== undefined && meta.workers > 1) parts.push(`${meta.workers} worker threads`);
  return parts.length > 0 ? parts.join(', ') : null;
}
