import { describe, expect, it } from 'vitest';
import { syntheticResults } from '../../test/helpers/synthetic-results.js';
import { UserError } from '../errors.js';
import { addEncoded, decode, encode, newHistogram, summarize, type Histogram } from '../metrics/hdr.js';
import type { IntervalWindow, MetricSummary, Results, ThresholdVerdict } from '../metrics/results.js';
import { createRng } from '../random.js';
import { deferredThresholds, mergeResults } from './merge-results.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(T0 + ms).toISOString();

/** A histogram of the given µs values; the caller destroys it. */
function hist(valuesUs: readonly number[]): Histogram {
  const h = newHistogram();
  for (const v of valuesUs) h.recordValue(v);
  return h;
}

function summaryOf(valuesUs: readonly number[]): MetricSummary {
  const h = hist(valuesUs);
  try {
    return summarize(h);
  } finally {
    h.destroy();
  }
}

/** Lognormal latencies in µs, from tens of µs to tens of seconds. */
function latencies(seed: number, n: number, medianUs: number, sigma: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.max(1, Math.round(medianUs * Math.exp(rng.normal(0, sigma)))));
}

interface PartSpec {
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

function part(s: PartSpec = {}): Results {
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

function win(start: number, o: Partial<IntervalWindow> & { ttftUs?: number[] } = {}): IntervalWindow {
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

function userError(f: () => unknown): UserError {
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

const PERCENTILES = [0, 0.1, 1, 5, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 99.999, 100];

describe('mergeResults: histograms', () => {
  it('merges each metric × label to exactly the sum of the parts', () => {
    const values = [latencies(1, 5000, 200_000, 0.6), latencies(2, 3000, 900_000, 1.2), latencies(3, 700, 40_000, 2)];
    const parts = values.map((ttft, i) => part({ ttft, startMs: i * 1000, host: `runner-${i}` }));
    const merged = mergeResults(parts);

    const direct = hist(values.flat());
    const added = newHistogram();
    for (const p of parts) addEncoded(added, p.metrics.ttft!.all!.hdr);
    const got = decode(merged.metrics.ttft!.all!.hdr);
    try {
      expect(got.totalCount).toBe(8700);
      expect(got.totalCount).toBe(direct.totalCount);
      expect(got.totalCount).toBe(added.totalCount);
      for (const p of PERCENTILES) {
        expect(got.getValueAtPercentile(p), `p${p}`).toBe(added.getValueAtPercentile(p));
        expect(got.getValueAtPercentile(p), `p${p}`).toBe(direct.getValueAtPercentile(p));
      }
      expect(got.minNonZeroValue).toBe(added.minNonZeroValue);
      expect(got.maxValue).toBe(added.maxValue);
      expect(got.mean).toBe(added.mean);
      // The encoded sum is the same histogram as adding the encoded parts.
      expect(merged.metrics.ttft!.all!.hdr).toBe(encode(added));
      // And the summary is the one recording every value in one histogram gives (max exact).
      const { hdr: _h, ...numbers } = merged.metrics.ttft!.all!;
      const { hdr: _d, ...expected } = summarize(direct);
      expect(numbers).toEqual(expected);
      expect(merged.metrics.ttft!['model=gpt-4o-mini']!.count).toBe(8700);
      expect(merged.metrics.e2e!.all!.count).toBe(8700);
    } finally {
      direct.destroy();
      added.destroy();
      got.destroy();
    }
  });

  it('merges a metric or label present in only some parts from those', () => {
    const a = part({ ttft: [1000, 2000] });
    const b = part({ ttft: [3000] });
    b.metrics.itl = { all: summaryOf([5, 6, 7]) };
    b.metrics.ttft!['phase=steady'] = summaryOf([3000]);
    const merged = mergeResults([a, b]);
    expect(merged.metrics.itl!.all!.count).toBe(3);
    expect(merged.metrics.ttft!['phase=steady']!.count).toBe(1);
    expect(merged.metrics.ttft!.all!.count).toBe(3);
  });

  it('says which file holds a histogram that does not decode', () => {
    const b = part();
    b.metrics.ttft!.all!.hdr = 'not-a-histogram';
    const e = userError(() => mergeResults([part(), b], { names: ['a.json', 'b.json'] }));
    expect(e.where).toBe('b.json');
    expect(e.message).toContain('metrics.ttft.all');
  });
});

describe('mergeResults: counts, tokens, meta', () => {
  it('sums counts, tokens and errors and recomputes rates from them', () => {
    const a = part({ ttft: latencies(4, 90, 100_000, 0.3), requests: 100, failed: 10, dropped: 2, output: 1800, tokensPerEvent: 1, startMs: 0, host: 'a' });
    const b = part({ ttft: latencies(5, 300, 100_000, 0.3), requests: 300, failed: 0, dropped: 0, output: 6000, tokensPerEvent: 3, startMs: 500, host: 'b' });
    const merged = mergeResults([a, b]);
    expect(merged.counts.requests).toBe(400);
    expect(merged.counts.ok).toBe(390);
    expect(merged.counts.failed).toBe(10);
    expect(merged.counts.dropped).toBe(2);
    expect(merged.counts.retries).toBe(2);
    expect(merged.counts.attemptsPerRequest).toEqual({ '1': 398, '2': 2 });
    expect(merged.counts.byClass.http_5xx).toBe(10);
    expect(merged.counts.retriedByClass.http_429).toBe(2);
    expect(merged.counts.byLabel['phase=steady']).toEqual({ requests: 400, ok: 390, failed: 10, dropped: 2 });
    expect(merged.tokens).toMatchObject({ input: 20_000, cachedInput: 4000, output: 7800, plannedInput: 20_000, plannedOutput: 25_600, outputSource: 'usage' });
    // weighted by output tokens: (1·1800 + 3·6000) / 7800
    expect(merged.tokens.tokensPerEvent).toBeCloseTo(19_800 / 7800, 3);
    expect(merged.errors).toEqual([{ class: 'http_5xx', status: 503, message: 'HTTP 503: overloaded', count: 10 }]);
    expect(merged.errorRate).toBe(10 / 400);
    // the merged run spans 0 .. 10.5 s
    expect(merged.meta.durationMs).toBe(10_500);
    expect(merged.throughput.requestsPerSecond).toBe(Math.round((400 / 10.5) * 1000) / 1000);
    expect(merged.throughput.outputTokensPerSecond).toBe(Math.round((7800 / 10.5) * 1000) / 1000);
    expect(merged.phases).toEqual([
      { name: 'warmup', kind: 'closed', startMs: 0, durationMs: 2000, planned: null },
      { name: 'steady', kind: 'open', startMs: 2000, durationMs: 8000, planned: 400 },
    ]);
  });

  it('merges meta: time span, hosts, partial, mergedFrom; drops the shard', () => {
    const a = part({ shard: { index: 1, count: 2 }, host: 'a', startMs: 1000, durationMs: 5000 });
    const b = part({ shard: { index: 2, count: 2 }, host: 'b', startMs: 0, durationMs: 9000, partial: 'interrupted by SIGINT' });
    b.meta.plannedDurationMs = 12_000;
    const merged = mergeResults([a, b]);
    expect(merged.meta.startedAt).toBe(iso(0));
    expect(merged.meta.endedAt).toBe(iso(9000));
    expect(merged.meta.durationMs).toBe(9000);
    expect(merged.meta.plannedDurationMs).toBe(12_000);
    expect(merged.meta.host).toBe('a,b');
    expect(merged.meta.partial).toBe(true);
    expect(merged.meta.partialReason).toBe('shard 2/2: interrupted by SIGINT');
    expect(merged.meta.shard).toBeUndefined();
    expect(merged.meta.mergedFrom).toBe(2);
    expect(merged.meta.scenario).toBe('split');
    // merging merges counts every original part
    const c = part({ shard: undefined, host: 'a' });
    expect(mergeResults([merged, c]).meta.mergedFrom).toBe(3);
    expect(mergeResults([merged, c]).meta.host).toBe('a,b');
  });

  it('takes the worst client health and labels reasons by host', () => {
    const a = part({ host: 'a' });
    const b = part({ host: 'b' });
    b.client = { eventLoopDelayP99Ms: 120, scheduleSlipP99Ms: 0.5, eventLoopUtilization: 0.97, saturated: true, reasons: ['event-loop delay p99 120 ms > 50 ms'] };
    a.client.scheduleSlipP99Ms = 3;
    const merged = mergeResults([a, b]);
    expect(merged.client).toEqual({
      eventLoopDelayP99Ms: 120,
      scheduleSlipP99Ms: 3,
      eventLoopUtilization: 0.97,
      saturated: true,
      reasons: ['b: event-loop delay p99 120 ms > 50 ms'],
    });
  });

  it('sums goodput and cost, merges pacing, keeps chaos and calibration, drops drift', () => {
    const a = part({ requests: 10, startMs: 0, durationMs: 10_000 });
    const b = part({ requests: 10, startMs: 2000, durationMs: 10_000 });
    const cost = (total: number) => ({ currency: 'USD' as const, source: 'built-in' as const, model: 'gpt-4o-mini', prices: { input: 0.15, cachedInput: 0.075, output: 0.6 }, input: total / 2, cachedInput: 0, output: total / 2, total, perRequest: total / 10 });
    a.cost = cost(0.002);
    b.cost = cost(0.004);
    a.goodput = { slo: { ttftMs: 500 }, good: 8, total: 10, rate: 0.8, perSecond: 0.8 };
    b.goodput = { slo: { ttftMs: 500 }, good: 10, total: 10, rate: 1, perSecond: 1 };
    a.pacing = { limits: { rpm: 600, tpm: 100_000 }, lastObserved: { remainingTokens: 5000 }, minRemainingTokens: 4000, minRemainingRequests: null };
    b.pacing = { limits: { rpm: 600, tpm: 100_000 }, lastObserved: { remainingTokens: 7000 }, minRemainingTokens: 3000, minRemainingRequests: 12 };
    b.chaos = { toxiproxy: 'embedded', episodes: [{ name: 'lag', kind: 'latency', start: 1000, end: 3000, what: '+200ms' }] };
    const extra = a as unknown as Record<string, unknown>;
    extra.calibration = { rtt: { url: 'x', samples: 3 } };
    extra.drift = { windowMs: 1000, metrics: {} };
    const merged = mergeResults([a, b]);
    expect(merged.goodput).toEqual({ slo: { ttftMs: 500 }, good: 18, total: 20, rate: 0.9, perSecond: 1.5 });
    expect(merged.cost).toMatchObject({ currency: 'USD', input: 0.003, cachedInput: 0, output: 0.003, total: 0.006, perRequest: 0.0003 });
    expect(merged.pacing).toEqual({ limits: { rpm: 600, tpm: 100_000 }, lastObserved: { remainingTokens: 7000 }, minRemainingTokens: 3000, minRemainingRequests: 12 });
    // episodes re-based on the merged start (b started 2 s after it)
    expect(merged.chaos!.episodes[0]).toMatchObject({ start: 3000, end: 5000 });
    expect((merged as unknown as Record<string, unknown>).calibration).toEqual({ rtt: { url: 'x', samples: 3 } });
    expect(merged.drift).toBeUndefined();

    delete b.cost;
    expect(mergeResults([a, b]).cost).toBeUndefined();
  });

  it('marks outputSource mixed when the parts differ, ignoring none', () => {
    expect(mergeResults([part({ outputSource: 'usage' }), part({ outputSource: 'none', tokensPerEvent: null })]).tokens.outputSource).toBe('usage');
    expect(mergeResults([part({ outputSource: 'usage' }), part({ outputSource: 'tiktoken' })]).tokens.outputSource).toBe('mixed');
    expect(mergeResults([part({ tokensPerEvent: null }), part({ tokensPerEvent: null })]).tokens.tokensPerEvent).toBeNull();
  });

  it('merges the errors of every part by class, status and message, most frequent first, at most 50', () => {
    const a = part();
    const b = part();
    a.errors = [
      { class: 'timeout', message: 'deadline', count: 3 },
      { class: 'http_5xx', status: 503, message: 'overloaded', count: 2 },
    ];
    b.errors = [
      { class: 'http_5xx', status: 503, message: 'overloaded', count: 4 },
      { class: 'http_5xx', status: 502, message: 'overloaded', count: 1 },
      ...Array.from({ length: 60 }, (_, i) => ({ class: 'network' as const, message: `reset ${i}`, count: 1 })),
    ];
    const merged = mergeResults([a, b]);
    expect(merged.errors.slice(0, 3)).toEqual([
      { class: 'http_5xx', status: 503, message: 'overloaded', count: 6 },
      { class: 'timeout', message: 'deadline', count: 3 },
      { class: 'http_5xx', status: 502, message: 'overloaded', count: 1 },
    ]);
    expect(merged.errors).toHaveLength(50);
  });

  it('merges results of the real recorder (synthetic runs) without losing a request', () => {
    const a = syntheticResults({ seed: 1, requests: 800, errorRate: 0.05 });
    const b = syntheticResults({ seed: 2, requests: 1200, errorRate: 0.05 });
    b.meta.seed = a.meta.seed;
    const merged = mergeResults([a, b]);
    expect(merged.counts.requests).toBe(2000);
    expect(merged.counts.failed).toBe(a.counts.failed + b.counts.failed);
    for (const [metric, labels] of Object.entries(a.metrics)) {
      for (const label of Object.keys(labels)) {
        expect(merged.metrics[metric]![label]!.count, `${metric} ${label}`).toBe(labels[label]!.count + (b.metrics[metric]?.[label]?.count ?? 0));
      }
    }
  });
});

describe('mergeResults: series', () => {
  it('aligns windows on absolute time when the parts started 1 s apart', () => {
    const a = part({
      startMs: 0,
      windows: [
        win(0, { ttftUs: [1000, 2000], rateLimitRemainingTokens: 900 }),
        win(1, { ttftUs: [3000], inFlightMax: 5 }),
        win(2, { ttftUs: [4000], rateLimitRemainingTokens: 500 }),
      ],
    });
    const b = part({
      startMs: 1000,
      windows: [win(0, { ttftUs: [10_000, 20_000], inFlightMax: 7, rateLimitRemainingTokens: 800 }), win(1, { ttftUs: [30_000], rateLimitRemainingTokens: 600 }), win(2)],
    });
    const merged = mergeResults([a, b]);
    const w = merged.series.windows;
    expect(merged.series.intervalMs).toBe(1000);
    expect(w.map((x) => x.start)).toEqual([0, 1, 2, 3]);
    expect(w.map((x) => x.requests)).toEqual([10, 20, 20, 10]);
    expect(w.map((x) => x.failed)).toEqual([1, 2, 2, 1]);
    expect(w.map((x) => x.byClass.http_5xx)).toEqual([1, 2, 2, 1]);
    expect(w.map((x) => x.requestsPerSecond)).toEqual([10, 20, 20, 10]);
    expect(w.map((x) => x.outputTokensPerSecond)).toEqual([180, 360, 360, 180]);
    expect(w.map((x) => x.inFlightMax)).toEqual([4, 12, 8, 4]);
    expect(w.map((x) => x.rateLimitRemainingTokens)).toEqual([900, 800, 500, null]);
    expect(w.map((x) => x.ttft?.count ?? 0)).toEqual([2, 3, 2, 0]);
    expect(w[1]!.ttft!.max).toBe(20);
    expect(w.every((x) => x.length === 1)).toBe(true);
  });

  it('rounds a window to the nearest bin of the merged grid', () => {
    const a = part({ startMs: 0, windows: [win(0), win(1), win(2)] });
    const early = part({ startMs: 1400, windows: [win(0)] });
    const late = part({ startMs: 1600, windows: [win(0)] });
    expect(mergeResults([a, early]).series.windows.map((x) => x.requests)).toEqual([10, 20, 10]);
    expect(mergeResults([a, late]).series.windows.map((x) => x.requests)).toEqual([10, 10, 20]);
  });

  it('refuses parts with different intervals unless allowMismatch, then re-bins on the longest', () => {
    const a = part({ intervalMs: 1000, windows: [win(0), win(1), win(2)] });
    const b = part({ intervalMs: 2000, windows: [win(0, { length: 2, requestsPerSecond: 5 })] });
    const e = userError(() => mergeResults([a, b], { names: ['a.json', 'b.json'] }));
    expect(e.where).toBe('b.json');
    expect(e.message).toContain('2000 ms');
    const merged = mergeResults([a, b], { allowMismatch: true });
    expect(merged.series.intervalMs).toBe(2000);
    expect(merged.series.windows.map((x) => [x.start, x.requests, x.requestsPerSecond])).toEqual([
      [0, 30, 15],
      [2, 10, 5],
    ]);
  });
});

describe('mergeResults: thresholds', () => {
  const verdict = (metric: string, expr: string, pass: boolean, field = `thresholds.${metric}[0]`): ThresholdVerdict => ({ metric, expr, actual: null, pass, field });

  it('re-evaluates the parts\' thresholds on the merged results', () => {
    const thresholds = [verdict('errorRate', '< 10%', false), verdict('ttft', 'p95 < 250ms', true), verdict('drift.ttft.p95', '< 10%/h', true)];
    const a = part({ ttft: Array(100).fill(100_000), requests: 100, failed: 0, thresholds });
    const b = part({ ttft: Array(100).fill(400_000), requests: 100, failed: 15, thresholds });
    const merged = mergeResults([a, b]);
    expect(merged.thresholds).toEqual([
      { metric: 'errorRate', expr: '< 10%', actual: 0.075, pass: true, field: 'thresholds.errorRate[0]' },
      { metric: 'ttft', expr: 'p95 < 250ms', actual: expect.closeTo(400, 0) as unknown as number, pass: false, field: 'thresholds.ttft[0]' },
      // drift is fitted again on the merged series; these parts have no windows, so no data
      { metric: 'drift.ttft.p95', expr: '< 10%/h', actual: null, pass: false, field: 'thresholds.drift.ttft.p95[0]' },
    ]);
    expect(deferredThresholds([a, b])).toEqual([]);
  });

  it('evaluates label selectors too', () => {
    const thresholds = [verdict('ttft{phase=steady}', 'p50 < 1s', true)];
    const a = part({ thresholds });
    a.metrics.ttft!['phase=steady'] = summaryOf([2_000_000]);
    const merged = mergeResults([a, part({ thresholds })]);
    expect(merged.thresholds).toEqual([{ metric: 'ttft{phase=steady}', expr: 'p50 < 1s', actual: expect.any(Number) as unknown as number, pass: false, field: 'thresholds.ttft{phase=steady}[0]' }]);
    // the one 2 s value (read at its bucket's upper edge, as for any run)
    expect(Math.abs(merged.thresholds[0]!.actual! - 2000)).toBeLessThan(2);
  });
});

describe('mergeResults: validation', () => {
  const names = ['s1.json', 's2.json', 's3.json', 's4.json'];

  it('needs two parts', () => {
    expect(userError(() => mergeResults([part()])).message).toContain('at least two');
    userError(() => mergeResults([]));
  });

  it('refuses parts of different runs unless allowMismatch', () => {
    for (const [spec, field] of [
      [{ scenarioHash: 'other' }, 'scenarioHash'],
      [{ seed: 7 }, 'seed'],
      [{ model: 'gpt-4o' }, 'target.model'],
    ] as const) {
      const e = userError(() => mergeResults([part(), part(spec)], { names }));
      expect(e.where).toBe('s2.json');
      expect(e.message).toContain(field);
      expect(e.message).toContain('s1.json');
      expect(e.hint).toContain('--allow-mismatch');
      expect(mergeResults([part(), part(spec)], { allowMismatch: true }).counts.requests).toBe(6);
    }
  });

  it('refuses the same shard twice and shards of different splits, even with allowMismatch', () => {
    const dup = userError(() => mergeResults([part({ shard: { index: 1, count: 2 } }), part({ shard: { index: 1, count: 2 } })], { names, allowMismatch: true }));
    expect(dup.where).toBe('s2.json');
    expect(dup.message).toContain('shard 1/2 is given twice');
    const counts = userError(() => mergeResults([part({ shard: { index: 1, count: 2 } }), part({ shard: { index: 2, count: 4 } })], { names, allowMismatch: true }));
    expect(counts.where).toBe('s2.json');
    expect(counts.message).toContain('split into 4');
  });

  it('names the missing shards of an incomplete set; allowMismatch merges it as partial', () => {
    const parts = [1, 2, 4].map((index) => part({ shard: { index, count: 4 } }));
    const e = userError(() => mergeResults(parts, { names }));
    expect(e.message).toBe('incomplete shard set: missing 3/4 (got 1/4, 2/4, 4/4)');
    expect(e.hint).toContain('--allow-mismatch');
    const merged = mergeResults(parts, { allowMismatch: true });
    expect(merged.meta.partial).toBe(true);
    expect(merged.meta.partialReason).toBe('merged 3 of 4 shards (missing 3/4)');
    expect(merged.meta.mergedFrom).toBe(3);
  });

  it('accepts a complete set in any order, and shards mixed with merged results', () => {
    const parts = [3, 1, 2].map((index) => part({ shard: { index, count: 3 } }));
    const merged = mergeResults(parts);
    expect(merged.meta.partial).toBe(false);
    expect(merged.meta.partialReason).toBeUndefined();
    expect(mergeResults([merged, part({ shard: { index: 1, count: 3 } })]).meta.mergedFrom).toBe(4);
  });

  it('refuses a damaged timestamp', () => {
    const b = part();
    b.meta.startedAt = 'yesterday';
    const e = userError(() => mergeResults([part(), b], { names }));
    expect(e.where).toBe('s2.json');
    expect(e.message).toContain('meta.startedAt');
  });
});
