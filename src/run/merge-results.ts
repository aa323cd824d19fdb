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
import { saturationReasons } from '../metrics/client-health.js';
import type { Counts, Results, ThresholdVerdict } from '../metrics/results.js';
import type { ThresholdSpec } from '../types.js';
import { checkSameRun, checkShards, parseTime, shardLabel } from './merge-checks.js';
import { mergeMetrics } from './merge-histograms.js';
import { mergeSeries } from './merge-series.js';

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

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
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
  if (list.some((c) => typeof c.partial === 'number')) out.partial = usd(list.reduce((n, c) => n + (Number.isFinite(c.partial) ? c.partial! : 0), 0));
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

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
