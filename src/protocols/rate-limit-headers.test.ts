import { describe, expect, it } from 'vitest';
import { parseGoDuration, readLimitHeaders } from './rate-limit-headers.js';

function raw(pairs: Array<[string, string]>): Buffer[] {
  return pairs.flatMap(([n, v]) => [Buffer.from(n), Buffer.from(v)]);
}

describe('parseGoDuration', () => {
  const cases: Array<[string, number]> = [
    ['12ms', 12],
    ['20ms', 20],
    ['1s', 1000],
    ['8.64s', 8640],
    ['6m0s', 360_000],
    ['16m17.764s', 977_764],
    ['1h0m0s', 3_600_000],
    ['1m30.5s', 90_500],
    ['0s', 0],
    ['1.1s', 1100],
    ['1h1m1.001s', 3_661_001],
    ['2m', 120_000],
    ['1.5ms', 1.5],
    ['2', 2000],
    ['0.5', 500],
    [' 3s ', 3000],
  ];
  it.each(cases)('%s → %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '1x', 's', '1s junk', '-1s', '1 s', '.5s', '1.s', 'ms', '5min', 'NaN', '1e3'])('%j → NaN', (text) => {
    expect(parseGoDuration(text)).toBeNaN();
  });
});

describe('readLimitHeaders', () => {
  const NOW = Date.parse('2026-01-01T00:00:00Z');

  it('reads the x-ratelimit set from Buffer pairs with mixed-case names', () => {
    const { limits, hints } = readLimitHeaders(
      raw([
        ['Content-Type', 'application/json'],
        ['X-RateLimit-Limit-Requests', '5000'],
        ['x-ratelimit-remaining-requests', '4999'],
        ['X-RATELIMIT-RESET-REQUESTS', '12ms'],
        ['x-Ratelimit-Limit-Tokens', '160000'],
        ['x-ratelimit-remaining-tokens', '159976'],
        ['x-ratelimit-reset-tokens', '16m17.764s'],
        ['x-ratelimit-reset-tokens_usage_based', '1h0m0s'],
        ['x-request-id', 'req_abc'],
      ]),
      NOW,
    );
    expect(limits).toEqual({
      limitRequests: 5000,
      remainingRequests: 4999,
      resetRequestsMs: 12,
      limitTokens: 160000,
      remainingTokens: 159976,
      resetTokensMs: 977_764,
    });
    expect(hints).toEqual({});
  });

  it('also takes string pairs', () => {
    const { limits } = readLimitHeaders(['x-ratelimit-remaining-tokens', '7', 'x-ratelimit-reset-tokens', '6m0s'], NOW);
    expect(limits).toEqual({ remainingTokens: 7, resetTokensMs: 360_000 });
  });

  it('returns null limits and no hints when none of the names are present', () => {
    const r = readLimitHeaders(raw([['date', 'x'], ['x-request-id', 'req_1'], ['retry-later', '5']]), NOW);
    expect(r).toEqual({ limits: null, hints: {} });
    expect(readLimitHeaders([], NOW)).toEqual({ limits: null, hints: {} });
  });

  it('skips unparseable values', () => {
    const { limits } = readLimitHeaders(
      raw([
        ['x-ratelimit-limit-requests', 'lots'],
        ['x-ratelimit-reset-requests', 'soon'],
        ['x-ratelimit-remaining-requests', '3'],
      ]),
      NOW,
    );
    expect(limits).toEqual({ remainingRequests: 3 });
  });

  it('retry-after as float seconds', () => {
    expect(readLimitHeaders(raw([['Retry-After', '1.5']]), NOW).hints).toEqual({ retryAfterMs: 1500 });
    expect(readLimitHeaders(raw([['retry-after', '0']]), NOW).hints).toEqual({ retryAfterMs: 0 });
  });

  it('retry-after as an HTTP date, relative to now', () => {
    const at = new Date(NOW + 30_000).toUTCString();
    expect(readLimitHeaders(raw([['Retry-After', at]]), NOW).hints).toEqual({ retryAfterMs: 30_000 });
    const past = new Date(NOW - 5_000).toUTCString();
    expect(readLimitHeaders(raw([['retry-after', past]]), NOW).hints).toEqual({ retryAfterMs: 0 });
    expect(readLimitHeaders(raw([['retry-after', 'whenever']]), NOW).hints).toEqual({});
  });

  it('retry-after-ms beats retry-after, whatever the order', () => {
    const a = readLimitHeaders(raw([['retry-after', '20'], ['Retry-After-Ms', '644.5']]), NOW);
    expect(a.hints.retryAfterMs).toBe(644.5);
    const b = readLimitHeaders(raw([['RETRY-AFTER-MS', '120'], ['retry-after', '20']]), NOW);
    expect(b.hints.retryAfterMs).toBe(120);
  });

  it('falls back to retry-after when retry-after-ms is junk; negatives become 0', () => {
    expect(readLimitHeaders(raw([['retry-after-ms', 'x'], ['retry-after', '2']]), NOW).hints.retryAfterMs).toBe(2000);
    expect(readLimitHeaders(raw([['retry-after-ms', '-5']]), NOW).hints.retryAfterMs).toBe(0);
    expect(readLimitHeaders(raw([['retry-after', '-3']]), NOW).hints.retryAfterMs).toBe(0);
  });

  it('x-should-retry true/false, anything else ignored', () => {
    expect(readLimitHeaders(raw([['X-Should-Retry', 'true']]), NOW).hints).toEqual({ shouldRetry: true });
    expect(readLimitHeaders(raw([['x-should-retry', 'false']]), NOW).hints).toEqual({ shouldRetry: false });
    expect(readLimitHeaders(raw([['x-should-retry', 'maybe']]), NOW).hints).toEqual({});
  });

  it('reads limits and hints from one 429', () => {
    const r = readLimitHeaders(
      raw([
        ['x-ratelimit-remaining-tokens', '0'],
        ['x-ratelimit-reset-tokens', '644ms'],
        ['retry-after', '1'],
        ['retry-after-ms', '644'],
      ]),
      NOW,
    );
    expect(r).toEqual({ limits: { remainingTokens: 0, resetTokensMs: 644 }, hints: { retryAfterMs: 644 } });
  });
});
