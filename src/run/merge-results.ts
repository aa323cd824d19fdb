/**
 * One Results from the parts of a run that was split across shards (`--shard i/n`) or worker
 * threads. Pure: histograms are added exactly (never from percentiles), counts summed, the
 * interval series aligned on absolute time, and thresholds re-evaluated on the merged numbers.
 */
import { UserError } from '../errors.js';
import { evaluateThresholds } from '../gate/evaluate.js';
import { driftSpecFromVerdict, evaluateDrift } from '../gate/drift.js';
import { checkThreshold } from '../gate/parse.js';
import { computeDrift } from '../metrics/drift.js';
import { decode, newHistogram, summarize, type Histogram } from '../metrics/hdr.js';
import { saturationReasons } from '../metrics/client-health.js';
import type { Counts, ErrorClass, IntervalWindow, MetricSummary, Results, ThresholdVerdict } from '../metrics/results.js';
import type { ThresholdSpec } from '../types.js';

export interface MergeOptions {
  /** merge parts of different scenarios, seeds, models or series intervals, or an incomplete shard set */
  allowMismatch?: boolean;
  /** one name per part (its file), for error messages; default `part <n>` */
  names?: readonly string[];
}

/** A threshold mergeResults leaves out because the merged results cannot answer it here. */
export interface DeferredThreshold {
  metric: string;
  expr: string;
  field?: string;
  reason: string;
}

const MAX_ERRORS = 50;
const MISMATCH_HINT = 'merge the parts of one run (same scenario file, seed and model), or pass --allow-mismatch to merge anyway';
const DAMAGED_HINT = 'the results file may be damaged; pass the results.json an `llm-bench run` wrote';

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const shardLabel = (s: { index: number; count: number }): string => `${s.index}/${s.count}`;
/** Fields other engineers add to Results (cost, calibration, drift): read without assuming a shape. */
const extra = (r: Results, key: string): unknown => (r as unknown as Record<string, unknown>)[key];

export function mergeResults(parts: readonly Results[], opts: MergeOptions = {}): Results {
  const name = (i: number): string => opts.names?.[i] ?? `part ${i + 1}`;
  if (parts.length < 2) {
    throw new UserError(`merge needs at least two results, got ${parts.length}`, { hint: 'pass every shard\'s results.json (or run directory), e.g. llm-bench merge a/ b/ -o merged.json' });
  }
  const first = parts[0]!;
  const allow = opts.allowMismatch === true;
  const starts = parts.map((p, i) => parseTime(p.meta.startedAt, 'meta.startedAt', name(i)));
  const ends = parts.map((p, i) => parseTime(p.meta.endedAt, 'meta.endedAt', name(i)));

  if (!allow) checkSameRun(parts, name);
  const shardGap = checkShards(parts, name, allow);

  const t0 = Math.min(...starts);
  const t1 = Math.max(...ends);
  const durationMs = t1 - t0;
  const seconds = durationMs / 1000;

  const counts = mergeCounts(parts);
  const tokens = mergeTokens(parts);
  const hosts = distinct(parts.flatMap((p) => p.meta.host.split(',').map((h) => h.trim()).filter((h) => h !== '')));

  const reasons = distinct(
    parts.flatMap((p) => (p.meta.partial ? [`${p.meta.shard ? `shard ${shardLabel(p.meta.shard)}: ` : ''}${p.meta.partialReason ?? 'partial'}`] : [])),
  );
  if (shardGap) reasons.push(shardGap);
  const meta: Results['meta'] = {
    ...first.meta,
    target: { ...first.meta.target },
    host: hosts.join(','),
    startedAt: new Date(t0).toISOString(),
    endedAt: new Date(t1).toISOString(),
    durationMs,
    plannedDurationMs: Math.max(...parts.map((p) => p.meta.plannedDurationMs)),
    partial: reasons.length > 0,
    mergedFrom: parts.reduce((n, p) => n + (typeof p.meta.mergedFrom === 'number' && p.meta.mergedFrom > 0 ? p.meta.mergedFrom : 1), 0),
  };
  delete meta.shard;
  delete meta.partialReason;
  if (reasons.length > 0) meta.partialReason = reasons.join('; ');

  const merged: Results = {
    meta,
    metrics: mergeMetrics(parts, name),
    counts,
    tokens,
    throughput: {
      requestsPerSecond: seconds > 0 ? round3(counts.requests / seconds) : 0,
      outputTokensPerSecond: seconds > 0 ? round3(tokens.output / seconds) : 0,
    },
    errorRate: counts.requests > 0 ? counts.failed / counts.requests : 0,
    phases: mergePhases(parts),
    thresholds: [],
    client: mergeClient(parts, hosts.length > 1),
    errors: mergeErrors(parts),
    series: mergeSeries(parts, starts, t0, allow, name),
  };

  const withGoodput = parts.filter((p) => p.goodput);
  if (withGoodput.length > 0) {
    const good = withGoodput.reduce((n, p) => n + p.goodput!.good, 0);
    const total = withGoodput.reduce((n, p) => n + p.goodput!.total, 0);
    merged.goodput = { slo: { ...withGoodput[0]!.goodput!.slo }, good, total, rate: total > 0 ? good / total : 0, perSecond: seconds > 0 ? round3(good / seconds) : 0 };
  }
  const pacing = mergePacing(parts, ends);
  if (pacing) merged.pacing = pacing;
  const chaosAt = parts.findIndex((p) => p.chaos);
  if (chaosAt >= 0) {
    // Episode times count from their run's start; re-base them on the merged start.
    const shift = starts[chaosAt]! - t0;
    const chaos = parts[chaosAt]!.chaos!;
    merged.chaos = {
      ...chaos,
      episodes: chaos.episodes.map((e) => ({ ...e, start: e.start + shift, end: e.end === null ? null : e.end + shift })),
    };
  }
  const out = merged as unknown as Record<string, unknown>;
  const cost = mergeCost(parts, counts.ok);
  if (cost) out.cost = cost;
  const calibration = parts.map((p) => extra(p, 'calibration')).find((c) => c !== undefined);
  if (calibration !== undefined) out.calibration = calibration;
  // Drift depends on the whole series: fitted again on the merged windows, never added up.
  const pairs = thresholdPairs(parts);
  const driftSpecs = pairs.flatMap((v) => {
    const spec = v.metric.startsWith('drift.') ? driftSpecFromVerdict(v) : null;
    return spec ? [spec] : [];
  });
  const drift = computeDrift(merged.series, driftSpecs.map((d) => d.metric), { durationMs: merged.meta.durationMs, plannedDurationMs: merged.meta.plannedDurationMs });
  if (drift) merged.drift = drift;

  merged.thresholds = [...reevaluateThresholds(pairs, merged).verdicts, ...evaluateDrift(driftSpecs, merged)];
  return merged;
}

/** Distinct (metric, expr) pairs of the parts' verdicts, in order of appearance. */
export function thresholdPairs(parts: readonly Results[]): Array<Pick<ThresholdVerdict, 'metric' | 'expr' | 'field'>> {
  const seen = new Set<string>();
  const pairs: Array<Pick<ThresholdVerdict, 'metric' | 'expr' | 'field'>> = [];
  for (const p of parts) {
    for (const v of p.thresholds ?? []) {
      const key = `${v.metric}\u0000${v.expr}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ metric: v.metric, expr: v.expr, ...(v.field !== undefined ? { field: v.field } : {}) });
    }
  }
  return pairs;
}

const DRIFT_REASON = 'not a drift expression this version reads';

/** Specs for the pairs this module can evaluate; the rest (drift.*, unparseable) deferred. */
function splitPairs(pairs: ReadonlyArray<Pick<ThresholdVerdict, 'metric' | 'expr' | 'field'>>): { specs: ThresholdSpec[]; deferred: DeferredThreshold[] } {
  const specs: ThresholdSpec[] = [];
  const deferred: DeferredThreshold[] = [];
  for (const { metric, expr, field } of pairs) {
    const keep = field !== undefined ? { field } : {};
    if (metric.startsWith('drift.')) {
      if (!driftSpecFromVerdict({ metric, expr, ...keep })) deferred.push({ metric, expr, ...keep, reason: DRIFT_REASON });
      continue;
    }
    const r = checkThreshold(metric, expr);
    if (r.ok) specs.push({ ...r.spec, field: field ?? `thresholds.${metric}` });
    else deferred.push({ metric, expr, ...keep, reason: r.message });
  }
  return { specs, deferred };
}

/**
 * Evaluates the pairs on `results`. `drift.*` thresholds (and any this version cannot parse)
 * come back in `deferred`: the caller evaluates them once it has recomputed drift, and appends
 * their verdicts to results.thresholds.
 */
export function reevaluateThresholds(
  pairs: ReadonlyArray<Pick<ThresholdVerdict, 'metric' | 'expr' | 'field'>>,
  results: Results,
): { verdicts: ThresholdVerdict[]; deferred: DeferredThreshold[] } {
  const { specs, deferred } = splitPairs(pairs);
  return { verdicts: evaluateThresholds(specs, results), deferred };
}

/** The hook for the caller: the parts' thresholds mergeResults left out of merged.thresholds. */
export function deferredThresholds(parts: readonly Results[]): DeferredThreshold[] {
  return splitPairs(thresholdPairs(parts)).deferred;
}

// --- validation -------------------------------------------------------------------------------

function parseTime(value: unknown, field: string, where: string): number {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) throw new UserError(`${field} is not a timestamp (${JSON.stringify(value)})`, { where, hint: DAMAGED_HINT });
  return t;
}

function checkSameRun(parts: readonly Results[], name: (i: number) => string): void {
  const first = parts[0]!;
  const fields: Array<[string, (r: Results) => unknown]> = [
    ['scenarioHash', (r) => r.meta.scenarioHash],
    ['seed', (r) => r.meta.seed],
    ['target.model', (r) => r.meta.target?.model],
  ];
  parts.forEach((p, i) => {
    if (i === 0) return;
    for (const [field, get] of fields) {
      const a = get(first);
      const b = get(p);
      if (a !== b) {
        throw new UserError(`${field} ${JSON.stringify(b)} differs from ${name(0)}'s ${JSON.stringify(a)}: not a part of the same run`, { where: name(i), hint: MISMATCH_HINT });
      }
    }
  });
}

/**
 * Shards must be distinct and agree on the count. When every part is a shard, the set must be
 * complete; with allowMismatch a gap is returned as a partial reason instead.
 */
function checkShards(parts: readonly Results[], name: (i: number) => string, allow: boolean): string | null {
  const seen = new Map<number, number>();
  let count: { n: number; at: number } | null = null;
  parts.forEach((p, i) => {
    const s = p.meta.shard;
    if (!s) return;
    if (!Number.isInteger(s.count) || !Number.isInteger(s.index) || s.count < 1 || s.index < 1 || s.index > s.count) {
      throw new UserError(`meta.shard ${JSON.stringify(s)} is not a shard i/n with 1 <= i <= n`, { where: name(i), hint: DAMAGED_HINT });
    }
    if (count && s.count !== count.n) {
      throw new UserError(`shard ${shardLabel(s)} is from a split into ${s.count}, but ${name(count.at)} is from a split into ${count.n}`, {
        where: name(i),
        hint: 'merge the shards of one run: every part must come from the same --shard i/n split',
      });
    }
    count ??= { n: s.count, at: i };
    const dup = seen.get(s.index);
    if (dup !== undefined) {
      throw new UserError(`shard ${shardLabel(s)} is given twice (also ${name(dup)})`, { where: name(i), hint: 'pass each shard once; merging a shard twice would count its requests twice' });
    }
    seen.set(s.index, i);
  });
  const n = (count as { n: number } | null)?.n;
  if (n === undefined || !parts.every((p) => p.meta.shard)) return null;
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length === 0) return null;
  const list = missing.map((k) => `${k}/${n}`).join(', ');
  if (!allow) {
    const have = [...seen.keys()].sort((a, b) => a - b).map((k) => `${k}/${n}`).join(', ');
    throw new UserError(`incomplete shard set: missing ${list} (got ${have})`, {
      hint: `add the missing shard's results, or pass --allow-mismatch to merge what there is (marked partial)`,
    });
  }
  return `merged ${seen.size} of ${n} shards (missing ${list})`;
}

// --- histograms -------------------------------------------------------------------------------

/** Adds an encoded summary into `into`; the decoded copy is freed at once. */
function addSummary(into: Histogram, s: MetricSummary, what: string, where: string): void {
  let h: Histogram;
  try {
    if (typeof s?.hdr !== 'string' || s.hdr === '') throw new Error('no hdr');
    h = decode(s.hdr);
  } catch (err) {
    throw new UserError(`${what}: the histogram does not decode (${(err as Error).message})`, { where, hint: DAMAGED_HINT });
  }
  try {
    into.add(h);
  } finally {
    h.destroy();
  }
}

const SUMMARY_STATS = ['min', 'p50', 'p90', 'p95', 'p99', 'p999'] as const;

/**
 * The exact sum of the parts' histograms, summarised. A decoded histogram only knows its largest
 * value to the bucket's upper edge, while each part's own max is exact: the merged max is the
 * parts' largest, and (as summarize does) no statistic reads above it.
 */
function sumSummaries(items: ReadonlyArray<{ s: MetricSummary; where: string }>, what: string): MetricSummary {
  const sum = newHistogram();
  let out: MetricSummary;
  try {
    for (const { s, where } of items) addSummary(sum, s, what, where);
    out = summarize(sum);
  } finally {
    sum.destroy();
  }
  const maxes = items.filter(({ s }) => s.count > 0 && typeof s.max === 'number' && Number.isFinite(s.max)).map(({ s }) => s.max);
  const max = maxes.length > 0 ? Math.max(...maxes) : null;
  if (out.count > 0 && max !== null && max < out.max) {
    out.max = max;
    for (const k of SUMMARY_STATS) out[k] = Math.min(out[k], max);
  }
  return out;
}

function mergeMetrics(parts: readonly Results[], name: (i: number) => string): Results['metrics'] {
  const byKey = new Map<string, Map<string, Array<{ s: MetricSummary; where: string }>>>();
  parts.forEach((p, i) => {
    for (const [metric, labels] of Object.entries(p.metrics ?? {})) {
      let m = byKey.get(metric);
      if (!m) byKey.set(metric, (m = new Map()));
      for (const [label, s] of Object.entries(labels ?? {})) {
        let list = m.get(label);
        if (!list) m.set(label, (list = []));
        list.push({ s, where: name(i) });
      }
    }
  });
  const out: Results['metrics'] = {};
  for (const [metric, labels] of byKey) {
    const o: Record<string, MetricSummary> = (out[metric] = {});
    for (const [label, items] of labels) o[label] = sumSummaries(items, `metrics.${metric}.${label}`);
  }
  return out;
}

// --- counts, tokens, errors -------------------------------------------------------------------

/** Adds every number of `from` into `into`, recursing into objects (keys are unioned). */
function sumInto(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    if (typeof v === 'number') {
      const cur = into[k];
      into[k] = (typeof cur === 'number' ? cur : 0) + v;
    } else if (isObject(v)) {
      const cur = into[k];
      const target: Record<string, unknown> = isObject(cur) ? cur : {};
      into[k] = target;
      sumInto(target, v);
    }
  }
}

function mergeCounts(parts: readonly Results[]): Counts {
  const sum: Record<string, unknown> = {};
  for (const p of parts) sumInto(sum, p.counts as unknown as Record<string, unknown>);
  const counts = sum as unknown as Counts;
  const attempts = counts.attemptsPerRequest ?? {};
  counts.attemptsPerRequest = Object.fromEntries(Object.entries(attempts).sort((a, b) => Number(a[0]) - Number(b[0])));
  return counts;
}

function mergeTokens(parts: readonly Results[]): Results['tokens'] {
  // Every count is summed, including fields added later (cachedInput); a part without one adds 0.
  const sums: Record<string, number> = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.tokens)) {
      if (k !== 'tokensPerEvent' && typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
    }
  }
  const sources = distinct(parts.map((p) => p.tokens.outputSource).filter((s) => s !== 'none'));
  const weighted = parts.filter((p) => p.tokens.tokensPerEvent !== null && p.tokens.output > 0);
  const weight = weighted.reduce((n, p) => n + p.tokens.output, 0);
  return {
    ...parts[0]!.tokens,
    ...sums,
    outputSource: sources.length === 0 ? 'none' : sources.length === 1 ? sources[0]! : 'mixed',
    tokensPerEvent: weight > 0 ? round3(weighted.reduce((n, p) => n + p.tokens.tokensPerEvent! * p.tokens.output, 0) / weight) : null,
  };
}

function mergeErrors(parts: readonly Results[]): Results['errors'] {
  const kinds = new Map<string, Results['errors'][number]>();
  for (const p of parts) {
    for (const e of p.errors ?? []) {
      const key = `${e.class}\u0000${e.status ?? ''}\u0000${e.message}`;
      const k = kinds.get(key);
      if (k) k.count += e.count;
      else kinds.set(key, { ...e });
    }
  }
  // Array.prototype.sort is stable: ties keep the order they were first seen in.
  return [...kinds.values()].sort((a, b) => b.count - a.count).slice(0, MAX_ERRORS);
}

function mergeCost(parts: readonly Results[], ok: number): Record<string, unknown> | null {
  const FIELDS = ['input', 'cachedInput', 'output', 'total'] as const;
  const costs = parts.map((p) => extra(p, 'cost'));
  const valid = costs.every((c): c is Record<string, unknown> => isObject(c) && FIELDS.every((f) => typeof c[f] === 'number' && Number.isFinite(c[f])));
  if (!valid) return null;
  const list = costs as Array<Record<string, number>>;
  const out: Record<string, unknown> = { ...list[0]! };
  // USD, kept to 6 decimals as a run writes it.
  const usd = (x: number): number => Math.round(x * 1e6) / 1e6;
  for (const f of FIELDS) out[f] = usd(list.reduce((n, c) => n + c[f]!, 0));
  out.perRequest = ok > 0 ? usd((out.total as number) / ok) : null;
  return out;
}

// --- phases, client, pacing -------------------------------------------------------------------

function mergePhases(parts: readonly Results[]): Results['phases'] {
  return parts[0]!.phases.map((ph, j) => {
    if (ph.planned === null) return { ...ph };
    let planned = 0;
    for (const p of parts) {
      const same = p.phases[j]?.name === ph.name ? p.phases[j] : p.phases.find((q) => q.name === ph.name);
      if (typeof same?.planned === 'number') planned += same.planned;
    }
    return { ...ph, planned };
  });
}

function mergeClient(parts: readonly Results[], hostsDiffer: boolean): Results['client'] {
  const max = (f: (c: Results['client']) => number): number => Math.max(...parts.map((p) => f(p.client)));
  const worst = {
    eventLoopDelayP99Ms: max((c) => c.eventLoopDelayP99Ms),
    scheduleSlipP99Ms: max((c) => c.scheduleSlipP99Ms),
    eventLoopUtilization: max((c) => c.eventLoopUtilization),
  };
  // One host (worker threads, or shards side by side): the worst figures say it once.
  // Several hosts: each names its own.
  const reasons = hostsDiffer
    ? distinct(parts.flatMap((p) => (p.client.reasons ?? []).map((r) => `${p.meta.host}: ${r}`)))
    : saturationReasons(worst);
  return { ...parts[0]!.client, ...worst, saturated: parts.some((p) => p.client.saturated), reasons };
}

function mergePacing(parts: readonly Results[], ends: readonly number[]): Results['pacing'] | undefined {
  const paced = parts.map((p, i) => ({ pacing: p.pacing, end: ends[i]! })).filter((x): x is { pacing: NonNullable<Results['pacing']>; end: number } => x.pacing !== undefined);
  if (paced.length === 0) return undefined;
  const minOf = (f: (p: NonNullable<Results['pacing']>) => number | null): number | null => {
    const vs = paced.map((x) => f(x.pacing)).filter((v): v is number => typeof v === 'number');
    return vs.length > 0 ? Math.min(...vs) : null;
  };
  // The part that ended last saw the newest x-ratelimit-* headers.
  const observed = paced.filter((x) => x.pacing.lastObserved !== null).sort((a, b) => b.end - a.end)[0];
  return {
    limits: { ...paced[0]!.pacing.limits },
    lastObserved: observed ? { ...observed.pacing.lastObserved! } : null,
    minRemainingTokens: minOf((p) => p.minRemainingTokens),
    minRemainingRequests: minOf((p) => p.minRemainingRequests),
  };
}

// --- series -----------------------------------------------------------------------------------

interface Bin {
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
  byClass: Partial<Record<ErrorClass, number>>;
  requestsPerSecond: number;
  outputTokensPerSecond: number;
  /** most in flight per part: parts run at once, so the bin's value is their sum */
  inFlight: Map<number, number>;
  remaining: number | null;
  ttft: Array<{ s: MetricSummary; where: string }>;
  e2e: Array<{ s: MetricSummary; where: string }>;
}

/**
 * Windows are placed by absolute time on a grid of intervalMs counted from the earliest start;
 * a window goes to the bin nearest its start (its midpoint's bin when lengths differ).
 */
function mergeSeries(parts: readonly Results[], starts: readonly number[], t0: number, allow: boolean, name: (i: number) => string): Results['series'] {
  const withSeries = parts.map((p, i) => ({ p, i })).filter(({ p }) => p.series && p.series.intervalMs > 0);
  if (withSeries.length === 0) return { intervalMs: parts[0]!.series?.intervalMs ?? 0, windows: [] };
  const base = withSeries[0]!;
  const odd = withSeries.find(({ p }) => p.series.intervalMs !== base.p.series.intervalMs);
  if (odd && !allow) {
    throw new UserError(`series interval ${odd.p.series.intervalMs} ms differs from ${name(base.i)}'s ${base.p.series.intervalMs} ms`, {
      where: name(odd.i),
      hint: 'run every part with the same output.interval, or pass --allow-mismatch (windows are then re-binned on the longest interval)',
    });
  }
  const grid = Math.max(...withSeries.map(({ p }) => p.series.intervalMs));
  const bins = new Map<number, Bin>();
  for (const { p, i } of withSeries) {
    const offset = starts[i]! - t0;
    for (const w of p.series.windows) {
      const lengthMs = w.length > 0 ? Math.round(w.length * 1000) : p.series.intervalMs;
      const startMs = offset + Math.round(w.start * 1000);
      const index = Math.max(0, Math.floor((startMs + lengthMs / 2) / grid));
      let b = bins.get(index);
      if (!b) {
        b = { requests: 0, ok: 0, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 0, outputTokensPerSecond: 0, inFlight: new Map(), remaining: null, ttft: [], e2e: [] };
        bins.set(index, b);
      }
      b.requests += w.requests;
      b.ok += w.ok;
      b.failed += w.failed;
      b.dropped += w.dropped;
      for (const [cls, n] of Object.entries(w.byClass ?? {}) as Array<[ErrorClass, number]>) b.byClass[cls] = (b.byClass[cls] ?? 0) + n;
      // Rates are per second of the window: a shorter window contributes its share of the bin.
      const share = lengthMs === grid ? 1 : lengthMs / grid;
      b.requestsPerSecond += w.requestsPerSecond * share;
      b.outputTokensPerSecond += w.outputTokensPerSecond * share;
      b.inFlight.set(i, Math.max(b.inFlight.get(i) ?? 0, w.inFlightMax));
      if (w.rateLimitRemainingTokens !== null && w.rateLimitRemainingTokens !== undefined) {
        b.remaining = b.remaining === null ? w.rateLimitRemainingTokens : Math.min(b.remaining, w.rateLimitRemainingTokens);
      }
      if (w.ttft) b.ttft.push({ s: w.ttft, where: name(i) });
      if (w.e2e) b.e2e.push({ s: w.e2e, where: name(i) });
    }
  }
  const windows: IntervalWindow[] = [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, b]) => {
      const start = (index * grid) / 1000;
      return {
        start,
        length: grid / 1000,
        requests: b.requests,
        ok: b.ok,
        failed: b.failed,
        dropped: b.dropped,
        byClass: b.byClass,
        requestsPerSecond: b.requestsPerSecond,
        outputTokensPerSecond: b.outputTokensPerSecond,
        inFlightMax: [...b.inFlight.values()].reduce((n, x) => n + x, 0),
        rateLimitRemainingTokens: b.remaining,
        ttft: b.ttft.length > 0 ? sumSummaries(b.ttft, `series window at ${start} s: ttft`) : null,
        e2e: b.e2e.length > 0 ? sumSummaries(b.e2e, `series window at ${start} s: e2e`) : null,
      };
    });
  return { intervalMs: grid, windows };
}

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
