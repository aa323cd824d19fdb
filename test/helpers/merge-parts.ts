/** Results parts built from known values, for the merge tests. */
import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';
import { newHistogram, summarize, type Histogram } from '../../src/metrics/hdr.js';
import type { IntervalWindow, MetricSummary, Results, ThresholdVerdict } from '../../src/metrics/results.js';
import { createRng } from '../../src/random.js';

export const T0 = Date.parse('2025-03-01T12:00:00.000Z');
export const iso = (ms: number): string => new Date(T0 + ms).toISOString();

/** A histogram of the given µs values; the caller destroys it. */
export function hist(valuesUs: readonly number[]): Histogram {
  const h = newHistogram();
  for (const v of valuesUs) h.recordValue(v);
  return h;
}

export function summaryOf(valuesUs: readonly number[]): MetricSummary {
  const h = hist(valuesUs);
  try {
    return summarize(h);
  } finally {
    h.destroy();
  }
}

/** Lognormal latencies in µs, from tens of µs to tens of seconds. */
export function latencies(seed: number, n: number, medianUs: number, sigma: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.max(1, Math.round(medianUs * Math.exp(rng.normal(0, sigma)))));
}

export interface PartSpec {
  ttft?: number[];
  e2e?: number[];
  startMs?: number;
  durationMs?: number;
  host?: string;
  shard?: { index: number; count: number };
  requests?: number;
  failed?: number;
  dropped?: number;
  output?: number;
  tokensPerEvent?: number | null;
  outputSource?: Results['tokens']['outputSource'];
  windows?: IntervalWindow[];
  intervalMs?: number;
  thresholds?: ThresholdVerdict[];
  partial?: string;
  scenarioHash?: string;
  seed?: number;
  model?: string;
}

export function part(s: PartSpec = {}): Results {
  const ttft = s.ttft ?? [100_000, 200_000, 300_000];
  const e2e = s.e2e ?? ttft.map((v) => v * 4);
  const requests = s.requests ?? ttft.length;
  const failed = s.failed ?? 0;
  const ok = requests - failed;
  const dropped = s.dropped ?? 0;
  const startMs = s.startMs ?? 0;
  const durationMs = s.durationMs ?? 10_000;
  const output = s.output ?? ok * 20;
  return {
    meta: {
      tool: 'llm-bench',
      version: '0.1.0',
      scenario: 'split',
      scenarioFile: 'split.yaml',
      scenarioHash: s.scenarioHash ?? 'hash-1',
      seed: s.seed ?? 42,
      node: 'v20.0.0',
      host: s.host ?? 'runner-a',
      platform: 'linux-x64',
      startedAt: iso(startMs),
      endedAt: iso(startMs + durationMs),
      durationMs,
      plannedDurationMs: durationMs,
      target: { kind: 'url', url: 'http://127.0.0.1:8080/v1', api: 'chat', model: s.model ?? 'gpt-4o-mini' },
      partial: s.partial !== undefined,
      ...(s.partial !== undefined ? { partialReason: s.partial } : {}),
      ...(s.shard ? { shard: s.shard } : {}),
    },
    metrics: {
      ttft: { all: summaryOf(ttft), 'model=gpt-4o-mini': summaryOf(ttft) },
      e2e: { all: summaryOf(e2e) },
    },
    counts: {
      requests,
      ok,
      failed,
      dropped,
      retries: 1,
      attemptsPerRequest: { '1': requests - 1, '2': 1 },
      retriedByClass: { http_4xx: 0, http_429: 1, http_5xx: 0, timeout: 0, network: 0, stream_cut: 0, bad_response: 0 },
      byClass: { http_4xx: 0, http_429: 0, http_5xx: failed, timeout: 0, network: 0, stream_cut: 0, bad_response: 0 },
      byLabel: {
        all: { requests, ok, failed, dropped },
        'phase=steady': { requests, ok, failed, dropped },
      },
    },
    tokens: {
      input: requests * 50,
      cachedInput: requests * 10,
      output,
      outputSource: s.outputSource ?? 'usage',
      plannedInput: requests * 50,
      plannedOutput: requests * 64,
      tokensPerEvent: s.tokensPerEvent === undefined ? 1 : s.tokensPerEvent,
    },
    throughput: { requestsPerSecond: requests / (durationMs / 1000), outputTokensPerSecond: output / (durationMs / 1000) },
    errorRate: requests > 0 ? failed / requests : 0,
    phases: [
      { name: 'warmup', kind: 'closed', startMs: 0, durationMs: 2000, planned: null },
      { name: 'steady', kind: 'open', startMs: 2000, durationMs: 8000, planned: requests },
    ],
    thresholds: s.thresholds ?? [],
    client: { eventLoopDelayP99Ms: 2, scheduleSlipP99Ms: 1, eventLoopUtilization: 0.1, saturated: false, reasons: [] },
    errors: failed > 0 ? [{ class: 'http_5xx', status: 503, message: 'HTTP 503: overloaded', count: failed }] : [],
    series: { intervalMs: s.intervalMs ?? 1000, windows: s.windows ?? [] },
  };
}

export function win(start: number, o: Partial<IntervalWindow> & { ttftUs?: number[] } = {}): IntervalWindow {
  const { ttftUs, ...rest } = o;
  return {
    start,
    length: 1,
    requests: 10,
    ok: 9,
    failed: 1,
    dropped: 0,
    byClass: { http_5xx: 1 },
    requestsPerSecond: 10,
    outputTokensPerSecond: 180,
    inFlightMax: 4,
    rateLimitRemainingTokens: null,
    ttft: ttftUs ? summaryOf(ttftUs) : null,
    e2e: null,
    ...rest,
  };
}

export function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.exitCode).toBe(2);
    expect(e.hint).toBeTruthy();
    return e;
  }
  throw new Error('expected a UserError');
}

export const PERCENTILES = [0, 0.1, 1, 5, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 99.999, 100];
