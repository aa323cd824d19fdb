import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { DEFAULT_RETRY, backoffMs, decideRetry, parseRetryOn, type Jitter, type RetryPolicy } from './retry.js';

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY, on: [...DEFAULT_RETRY.on], ...over });

describe('DEFAULT_RETRY', () => {
  it('matches the SDK defaults', () => {
    expect(DEFAULT_RETRY).toEqual({
      maxRetries: 2,
      base: 500,
      max: 8000,
      jitter: 'full',
      on: ['http_429', 'http_5xx', 'timeout', 'network'],
      resendCutStreams: false,
    });
  });
});

describe('parseRetryOn', () => {
  it('maps numbers and strings', () => {
    expect(parseRetryOn([429, '5xx', 'timeout', 'network', 'stream_cut'])).toEqual({
      ok: true,
      on: ['http_429', 'http_5xx', 'timeout', 'network', 'stream_cut'],
    });
    expect(parseRetryOn(['429', '5XX', 429])).toEqual({ ok: true, on: ['http_429', 'http_5xx'] });
    expect(parseRetryOn([])).toEqual({ ok: true, on: [] });
  });
  it('rejects unknown entries', () => {
    for (const bad of [404, '4xx', 'timeouts', 503]) {
      const r = parseRetryOn([429, bad]);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain(String(bad));
    }
  });
});

describe('backoffMs', () => {
  const caps = [500, 1000, 2000, 4000, 8000, 8000, 8000];
  const bounds: Record<Jitter, (cap: number) => [number, number]> = {
    full: (cap) => [0, cap],
    equal: (cap) => [cap / 2, cap],
    none: (cap) => [cap, cap],
  };
  for (const jitter of ['full', 'equal', 'none'] as const) {
    it(`${jitter} jitter stays within its bounds; cap doubles and stops at max`, () => {
      const u = mulberry32(42);
      const p = policy({ jitter });
      caps.forEach((cap, attempt) => {
        const [lo, hi] = bounds[jitter](cap);
        let seenLow = Infinity;
        let seenHigh = -Infinity;
        for (let i = 0; i < 2000; i++) {
          const d = backoffMs(p, attempt, u);
          expect(d).toBeGreaterThanOrEqual(lo);
          expect(d).toBeLessThanOrEqual(hi);
          seenLow = Math.min(seenLow, d);
          seenHigh = Math.max(seenHigh, d);
        }
        // the draws spread over the whole range
        expect(seenLow - lo).toBeLessThanOrEqual((hi - lo) * 0.01);
        expect(hi - seenHigh).toBeLessThanOrEqual((hi - lo) * 0.01);
      });
    });
  }
  it('none is exactly the cap, and huge attempts stay at max', () => {
    const p = policy({ jitter: 'none', base: 100, max: 1500 });
    expect([0, 1, 2, 3, 4, 5, 2000].map((a) => backoffMs(p, a, () => 0.5))).toEqual([100, 200, 400, 800, 1500, 1500, 1500]);
  });
  it('is reproducible from the seed', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const p = policy();
    for (let i = 0; i < 10; i++) expect(backoffMs(p, i % 4, a)).toBe(backoffMs(p, i % 4, b));
  });
});

describe('decideRetry', () => {
  const u = () => 0.5;
  const base = { policy: policy({ jitter: 'none' }), attempt: 0, hints: {}, limits: null, uniform: u };
  const limits = { resetRequestsMs: 1200, resetTokensMs: 3400 };

  it('precedence: retry-after-ms > retry-after > reset header > backoff', () => {
    // readLimitHeaders already folds retry-after-ms over retry-after into retryAfterMs
    expect(decideRetry({ ...base, errorClass: 'http_429', hints: { retryAfterMs: 644 }, limits, limitType: 'tokens' })).toMatchObject({
      retry: true,
      delayMs: 644,
    });
    expect(decideRetry({ ...base, errorClass: 'http_429', limits, limitType: 'tokens' })).toMatchObject({ retry: true, delayMs: 3400 });
    expect(decideRetry({ ...base, errorClass: 'http_429', limits, limitType: 'requests' })).toMatchObject({ retry: true, delayMs: 1200 });
    expect(decideRetry({ ...base, errorClass: 'http_429', limits, limitType: null })).toMatchObject({ retry: true, delayMs: 3400 });
    expect(decideRetry({ ...base, errorClass: 'http_429', limits: { resetRequestsMs: 1200 } })).toMatchObject({ delayMs: 1200 });
    expect(decideRetry({ ...base, errorClass: 'http_429' })).toMatchObject({ retry: true, delayMs: 500 });
    expect(decideRetry({ ...base, errorClass: 'http_429', attempt: 1 })).toMatchObject({ retry: true, delayMs: 1000 });
  });

  it('the missing reset of the exhausted limit falls back to backoff; reset headers only count on a 429', () => {
    expect(decideRetry({ ...base, errorClass: 'http_429', limits: { resetRequestsMs: 1200 }, limitType: 'tokens' })).toMatchObject({
      delayMs: 500,
    });
    expect(decideRetry({ ...base, errorClass: 'http_5xx', limits })).toMatchObject({ retry: true, delayMs: 500 });
    expect(decideRetry({ ...base, errorClass: 'http_5xx', hints: { retryAfterMs: 2000 } })).toMatchObject({ delayMs: 2000 });
  });

  it('backoff draws from the given uniform only when needed', () => {
    let draws = 0;
    const counting = () => (draws++, 0.25);
    const full = policy();
    expect(decideRetry({ ...base, policy: full, errorClass: 'timeout', uniform: counting }).delayMs).toBe(125);
    expect(decideRetry({ ...base, policy: full, errorClass: 'timeout', hints: { retryAfterMs: 10 }, uniform: counting }).delayMs).toBe(10);
    expect(draws).toBe(1);
  });

  it('never beyond maxRetries', () => {
    expect(decideRetry({ ...base, errorClass: 'http_5xx', attempt: 1 }).retry).toBe(true);
    const r = decideRetry({ ...base, errorClass: 'http_5xx', attempt: 2 });
    expect(r.retry).toBe(false);
    expect(r.reason).toMatch(/exhausted/);
    expect(decideRetry({ ...base, errorClass: 'http_5xx', attempt: 2, hints: { shouldRetry: true } }).retry).toBe(false);
    expect(decideRetry({ ...base, policy: policy({ maxRetries: 0 }), errorClass: 'http_429' }).retry).toBe(false);
  });

  it('only classes in policy.on; http_4xx and bad_response never', () => {
    for (const c of ['http_429', 'http_5xx', 'timeout', 'network']) expect(decideRetry({ ...base, errorClass: c }).retry).toBe(true);
    for (const c of ['http_4xx', 'bad_response', 'stream_cut', 'weird']) expect(decideRetry({ ...base, errorClass: c }).retry).toBe(false);
    const only429 = policy({ on: ['http_429'] });
    expect(decideRetry({ ...base, policy: only429, errorClass: 'http_5xx' })).toMatchObject({ retry: false, reason: expect.stringMatching(/retry\.on/) });
    expect(decideRetry({ ...base, policy: only429, errorClass: 'http_429' }).retry).toBe(true);
  });

  it('x-should-retry overrides', () => {
    expect(decideRetry({ ...base, errorClass: 'http_429', hints: { shouldRetry: false, retryAfterMs: 10 } })).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/x-should-retry/),
    });
    const none = policy({ on: [], jitter: 'none' });
    expect(decideRetry({ ...base, policy: none, errorClass: 'http_5xx', hints: { shouldRetry: true } })).toMatchObject({
      retry: true,
      delayMs: 500,
    });
    expect(decideRetry({ ...base, errorClass: 'http_4xx', hints: { shouldRetry: true } }).retry).toBe(false);
  });

  it('stream_cut only with resendCutStreams (and listed in on)', () => {
    const listed = policy({ on: ['stream_cut'], jitter: 'none' });
    expect(decideRetry({ ...base, policy: listed, errorClass: 'stream_cut' })).toMatchObject({
      retry: false,
      reason: expect.stringMatching(/resendCutStreams/),
    });
    expect(decideRetry({ ...base, policy: { ...listed, resendCutStreams: true }, errorClass: 'stream_cut' }).retry).toBe(true);
    expect(decideRetry({ ...base, policy: policy({ resendCutStreams: true }), errorClass: 'stream_cut' }).retry).toBe(false);
  });

  it('an over-long retry-after ends retrying; a long reset header is clamped', () => {
    const r = decideRetry({ ...base, errorClass: 'http_429', hints: { retryAfterMs: 3_600_000 } });
    expect(r.retry).toBe(false);
    expect(r.reason).toMatch(/giving up/);
    expect(decideRetry({ ...base, errorClass: 'http_429', hints: { retryAfterMs: 64_000 } })).toMatchObject({ retry: true, delayMs: 64_000 });
    expect(decideRetry({ ...base, errorClass: 'http_429', limits: { resetTokensMs: 977_764 }, limitType: 'tokens' })).toMatchObject({
      retry: true,
      delayMs: 64_000,
    });
  });
});
