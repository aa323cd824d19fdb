import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../load/dispatcher.js';
import { DEFAULT_RETRY } from '../load/retry.js';
import { newRecord } from '../record.js';
import { decode } from './hdr.js';
import { MetricsRecorder } from './recorder.js';

function okRecord(phase: number, base: number) {
  const r = newRecord(0, 0, phase, base);
  r.dispatched = base + 2;
  r.sent = base + 3;
  r.headers = base + 13;
  r.tokenTimes = [base + 103, base + 113, base + 113, base + 133];
  r.firstToken = base + 103;
  r.lastToken = base + 133;
  r.end = base + 134;
  r.status = 200;
  r.usageOutputTokens = 4;
  return r;
}

/** HDR keeps 3 significant digits: equal within 0.1 %. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe('MetricsRecorder', () => {
  const rec = () => new MetricsRecorder({ model: 'm', phaseNames: ['a', 'b'] });
  const p50 = (r: MetricsRecorder, metric: Parameters<MetricsRecorder['histogram']>[0], label = 'all') =>
    r.histogram(metric, label)!.getValueAtPercentile(50) / 1000;

  it('derives every duration from the stamps', () => {
    const r = rec();
    r.recordRequest(okRecord(0, 1000));
    near(p50(r, 'queue'), 2);
    near(p50(r, 'send'), 1);
    near(p50(r, 'ttfb'), 10);
    near(p50(r, 'ttft'), 100);
    near(p50(r, 'e2e'), 130);
    near(p50(r, 'ttft_from_intended'), 103);
    near(p50(r, 'e2e_from_intended'), 133);
    near(p50(r, 'tpot'), 10); // (133 − 103) / (4 − 1)
    const itl = r.histogram('itl')!;
    expect(itl.totalCount).toBe(3);
    expect(itl.getValueAtPercentile(0)).toBe(0); // two events in one read
    expect(itl.maxValue).toBeGreaterThanOrEqual(19_990);
    expect(r.histogram('connect')).toBeUndefined(); // reused connection: no connect stamps
  });

  it('labels by phase and model; failures are counted, classified and kept out of latency', () => {
    const r = rec();
    r.recordRequest(okRecord(0, 0));
    r.recordRequest(okRecord(1, 0));
    const bad = okRecord(1, 0);
    bad.errorClass = 'http_5xx';
    bad.status = 503;
    bad.errorMessage = 'HTTP 503: overloaded';
    r.recordRequest(bad);
    r.recordDropped(1);
    expect(r.histogram('ttft', 'phase=a')!.totalCount).toBe(1);
    expect(r.histogram('ttft', 'phase=b')!.totalCount).toBe(1);
    expect(r.histogram('ttft', 'model=m')!.totalCount).toBe(2);
    const counts = r.counts();
    expect(counts).toMatchObject({ requests: 3, ok: 2, failed: 1, dropped: 1 });
    expect(counts.byClass.http_5xx).toBe(1);
    expect(counts.byLabel['phase=b']).toEqual({ requests: 2, ok: 1, failed: 1, dropped: 1 });
    expect(counts.byLabel['model=m']).toEqual(counts.byLabel.all);
    expect(r.errors()).toEqual([{ class: 'http_5xx', status: 503, message: 'HTTP 503: overloaded', count: 1 }]);
    const metrics = r.metrics();
    expect(metrics.ttft!['model=m']).toEqual(metrics.ttft!.all);
  });

  it('counts output with the tokenizer when the server sent no usage', () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], countTokens: (p) => p.join('').length });
    const x = okRecord(0, 0);
    x.usageOutputTokens = null;
    x.contentPieces = ['ab', 'cde'];
    r.recordRequest(x);
    expect(r.tokens.output).toBe(5);
    expect(r.tokens.fromTiktoken).toBe(1);
  });

  it('sums input and cached input tokens of successful requests', () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], inputTokensOf: () => 50 });
    const cached = okRecord(0, 0);
    cached.usageInputTokens = 1400;
    cached.usageCachedInputTokens = 1280;
    const noCacheInfo = okRecord(0, 200);
    noCacheInfo.usageInputTokens = 1400;
    const noUsage = okRecord(0, 400); // input from the prompt's own count
    const failed = okRecord(0, 600);
    failed.usageInputTokens = 1000;
    failed.usageCachedInputTokens = 1000;
    failed.errorClass = 'stream_cut';
    for (const x of [cached, noCacheInfo, noUsage, failed]) r.recordRequest(x);
    expect(r.tokens).toMatchObject({ input: 2850, cachedInput: 1280 });
  });

  it('summaries carry the histogram itself, which decodes to the same counts', () => {
    const r = rec();
    for (let i = 0; i < 50; i++) r.recordRequest(okRecord(0, i));
    const s = r.metrics().ttft!.all!;
    const h = decode(s.hdr);
    expect(h.totalCount).toBe(50);
    expect(h.getValueAtPercentile(99) / 1000).toBeCloseTo(s.p99, 1);
    expect(s.p50).toBeLessThanOrEqual(s.max);
  });
});

describe('interval windows', () => {
  it('each window holds the TTFT, E2E, TPOT and ITL of the requests that ended in it, as the run does', () => {
    const t0 = performance.now();
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], series: { intervalMs: 1000, t0 } });
    // two requests end in window 0, one in window 2
    r.recordRequest(okRecord(0, t0 + 10));
    r.recordRequest(okRecord(0, t0 + 300));
    r.recordRequest(okRecord(0, t0 + 2100));
    const windows = r.series!.finish();
    expect(windows.map((w) => [w.start, w.requests])).toEqual([
      [0, 2],
      [2, 1],
    ]);
    for (const m of ['ttft', 'e2e', 'tpot', 'itl'] as const) {
      expect(windows.reduce((n, w) => n + (w[m]?.count ?? 0), 0)).toBe(r.histogram(m)!.totalCount);
    }
    near(windows[0]!.tpot!.p50, 10);
    near(windows[1]!.ttft!.p50, 100);
    // gaps 10, 0, 20 per request
    expect(windows[1]!.itl!.count).toBe(3);
    near(windows[1]!.itl!.max, 20);
  });
});

describe('partial attempts (billed for what they streamed), through the dispatcher', () => {
  /** Each attempt gets a 200, streams 5 tokens, then times out; `retryAfterMs` is the backoff. */
  async function run(retryAfterMs: number, maxRetries: number) {
    const recorder = new MetricsRecorder({ model: 'm', phaseNames: ['p'], inputTokensOf: () => 100 });
    const dispatcher = new Dispatcher({
      seed: 1,
      retry: { ...DEFAULT_RETRY, maxRetries, base: retryAfterMs, max: retryAfterMs, jitter: 'none' },
      budgetOf: () => 0,
      sendAttempt: (rec, done) => {
        Object.assign(rec, { status: 200, dispatched: 1, sent: 1, firstToken: 2, lastToken: 6, end: 10, errorClass: 'timeout' });
        rec.tokenTimes.push(2, 3, 4, 5, 6);
        setImmediate(() => done(rec));
      },
      onRetry: (rec) => recorder.recordRetry(rec),
    });
    const finished = new Promise<void>((resolve) =>
      dispatcher.send(newRecord(0, 0, 0, 0), (rec) => {
        recorder.recordRequest(rec);
        resolve();
      }),
    );
    await Promise.race([finished, new Promise((r) => setTimeout(r, 100))]);
    // the run ends: a retry still waiting comes back as the request's end, as slice-runner does
    for (const rec of dispatcher.stop().failed) recorder.recordRequest(rec);
    return recorder;
  }

  it('an attempt counted when retried is not counted again when the run stops before the retry', async () => {
    const r = await run(60_000, 2);
    expect([r.retries, r.failed]).toEqual([1, 1]);
    expect(r.partial).toEqual({ attempts: 1, input: 100, cachedInput: 0, output: 5 });
  });

  it('every attempt that streamed is counted: the retried one and the last', async () => {
    const r = await run(1, 1);
    expect([r.retries, r.failed]).toEqual([1, 1]);
    expect(r.partial).toEqual({ attempts: 2, input: 200, cachedInput: 0, output: 10 });
  });
});
