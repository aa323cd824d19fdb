import { describe, expect, it } from 'vitest';
import { hist, iso, latencies, part, PERCENTILES, summaryOf, userError } from '../../test/helpers/merge-parts.js';
import { syntheticResults } from '../../test/helpers/synthetic-results.js';
import { addEncoded, decode, encode, newHistogram, summarize } from '../metrics/hdr.js';
import { mergeResults } from './merge-results.js';


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
