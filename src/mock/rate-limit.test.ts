import { describe, expect, it } from 'vitest';
import { RateLimiter, formatGoDuration, parseGoDuration, type RateLimitConfig } from './rate-limit.js';

function clocked(cfg: RateLimitConfig) {
  const clock = { t: 1000 };
  const rl = new RateLimiter(cfg, () => clock.t);
  return { clock, rl };
}

function error(body: string): { message: string; type: string; param: unknown; code: string } {
  return (JSON.parse(body) as { error: { message: string; type: string; param: unknown; code: string } }).error;
}

describe('Go durations', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [12, '12ms'],
    [20, '20ms'],
    [1000, '1s'],
    [8640, '8.64s'],
    [90_500, '1m30.5s'],
    [360_000, '6m0s'],
    [977_764, '16m17.764s'],
    [3_600_000, '1h0m0s'],
    [3_661_001, '1h1m1.001s'],
  ];
  it.each(cases)('%d ms <-> %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
    expect(parseGoDuration(text)).toBe(ms);
  });

  it('parses what Go prints but formatting does not produce, and rejects junk', () => {
    expect(parseGoDuration('1.1s')).toBe(1100);
    expect(parseGoDuration('2m')).toBe(120_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('0.5ms')).toBe(0.5);
    expect(parseGoDuration('')).toBeNaN();
    expect(parseGoDuration('12')).toBeNaN();
    expect(parseGoDuration('1x')).toBeNaN();
  });

  it('rounds fractional ms and clamps negatives', () => {
    expect(formatGoDuration(643.6)).toBe('644ms');
    expect(formatGoDuration(-5)).toBe('0s');
  });
});

describe('RateLimiter', () => {
  it('TPM: admits exactly 6 × 10k of 60k, then a correct 429, then admits after the advertised wait', () => {
    const { clock, rl } = clocked({ tpm: 60_000 });
    for (let k = 1; k <= 6; k++) {
      const d = rl.admit('sk-a', 'gpt-4o', 10_000);
      expect(d.rejected).toBeNull();
      expect(d.headers['x-ratelimit-limit-tokens']).toBe('60000');
      expect(d.headers['x-ratelimit-remaining-tokens']).toBe(String(60_000 - 10_000 * k));
      // deficit 10k·k at 1 000 tokens/s
      expect(d.headers['x-ratelimit-reset-tokens']).toBe(formatGoDuration(10_000 * k));
      expect(d.headers['x-ratelimit-limit-requests']).toBeUndefined();
    }
    const d = rl.admit('sk-a', 'gpt-4o', 10_000);
    expect(d.rejected).not.toBeNull();
    const r = d.rejected!;
    expect(r.status).toBe(429);
    expect(r.headers).toEqual({ 'retry-after': '10', 'retry-after-ms': '10000' });
    expect(error(r.body)).toEqual({
      message:
        'Rate limit reached for gpt-4o in organization org-llmbench on tokens per min (TPM): Limit 60000, Used 60000, ' +
        'Requested 10000. Please try again in 10s. Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(d.headers['x-ratelimit-remaining-tokens']).toBe('0');
    expect(d.headers['x-ratelimit-reset-tokens']).toBe('1m0s');

    clock.t += 9_999;
    expect(rl.admit('sk-a', 'gpt-4o', 10_000).rejected).not.toBeNull();
    clock.t += 1;
    const ok = rl.admit('sk-a', 'gpt-4o', 10_000);
    expect(ok.rejected).toBeNull();
    expect(ok.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('the 429 reports Used from the floored remainder and a partial wait', () => {
    const { clock, rl } = clocked({ tpm: 60_000 });
    for (let k = 0; k < 6; k++) rl.admit('', 'm', 10_000);
    clock.t += 3_500; // 3 500 tokens back
    const d = rl.admit('', 'm', 10_000);
    expect(d.headers['x-ratelimit-remaining-tokens']).toBe('3500');
    expect(d.rejected!.headers).toEqual({ 'retry-after': '7', 'retry-after-ms': '6500' });
    expect(error(d.rejected!.body).message).toContain('Limit 60000, Used 56500, Requested 10000. Please try again in 6.5s.');
  });

  it('a rejected request consumes nothing', () => {
    const { rl } = clocked({ tpm: 60_000, rpm: 100 });
    expect(rl.admit('k', 'm', 55_000).rejected).toBeNull();
    const no = rl.admit('k', 'm', 10_000);
    expect(no.rejected).not.toBeNull();
    expect(no.headers['x-ratelimit-remaining-tokens']).toBe('5000');
    expect(no.headers['x-ratelimit-remaining-requests']).toBe('99');
    const yes = rl.admit('k', 'm', 5_000);
    expect(yes.rejected).toBeNull();
    expect(yes.headers['x-ratelimit-remaining-tokens']).toBe('0');
    expect(yes.headers['x-ratelimit-remaining-requests']).toBe('98');
  });

  it('RPM alone', () => {
    const { clock, rl } = clocked({ rpm: 3 });
    for (let k = 1; k <= 3; k++) {
      const d = rl.admit('k', 'gpt-4o-mini', 1e9);
      expect(d.rejected).toBeNull();
      expect(d.headers).toEqual({
        'x-ratelimit-limit-requests': '3',
        'x-ratelimit-remaining-requests': String(3 - k),
        'x-ratelimit-reset-requests': formatGoDuration(20_000 * k), // one request per 20 s
      });
    }
    const d = rl.admit('k', 'gpt-4o-mini', 1);
    const r = d.rejected!;
    expect(r.headers).toEqual({ 'retry-after': '20', 'retry-after-ms': '20000' });
    const e = error(r.body);
    expect(e.type).toBe('requests');
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.message).toBe(
      'Rate limit reached for gpt-4o-mini in organization org-llmbench on requests per min (RPM): Limit 3, Used 3, ' +
        'Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
    );
    clock.t += 20_000;
    expect(rl.admit('k', 'gpt-4o-mini', 1).rejected).toBeNull();
    expect(rl.admit('k', 'gpt-4o-mini', 1).rejected).not.toBeNull();
  });

  it('both axes: the tighter one decides', () => {
    const rpmBound = clocked({ rpm: 2, tpm: 1_000_000 }).rl;
    rpmBound.admit('k', 'm', 10);
    rpmBound.admit('k', 'm', 10);
    const a = rpmBound.admit('k', 'm', 10);
    expect(error(a.rejected!.body).type).toBe('requests');
    expect(Object.keys(a.headers).sort()).toEqual(
      ['limit', 'remaining', 'reset'].flatMap((h) => [`x-ratelimit-${h}-requests`, `x-ratelimit-${h}-tokens`]).sort(),
    );

    const tpmBound = clocked({ rpm: 1000, tpm: 60_000 }).rl;
    for (let k = 0; k < 6; k++) expect(tpmBound.admit('k', 'm', 10_000).rejected).toBeNull();
    const b = tpmBound.admit('k', 'm', 10_000);
    expect(error(b.rejected!.body).type).toBe('tokens');
    expect(b.headers['x-ratelimit-remaining-requests']).toBe('994');

    // Both short: the longer wait is reported and retry-after covers it.
    const both = clocked({ rpm: 1, tpm: 600 }).rl; // 1 req / 60 s; 10 tokens/s
    expect(both.admit('k', 'm', 100).rejected).toBeNull();
    const c = both.admit('k', 'm', 600);
    expect(error(c.rejected!.body).type).toBe('requests');
    expect(c.rejected!.headers['retry-after-ms']).toBe('60000');
    const d = clocked({ rpm: 1, tpm: 600 }).rl;
    d.admit('k', 'm', 600);
    expect(d.admit('k', 'm', 600).rejected!.headers['retry-after-ms']).toBe('60000');
  });

  it('keys and models have separate buckets', () => {
    const { rl } = clocked({ rpm: 1, tpm: 100 });
    expect(rl.admit('sk-a', 'gpt-4o', 100).rejected).toBeNull();
    expect(rl.admit('sk-a', 'gpt-4o', 1).rejected).not.toBeNull();
    expect(rl.admit('sk-b', 'gpt-4o', 100).rejected).toBeNull();
    expect(rl.admit('sk-a', 'gpt-4o-mini', 100).rejected).toBeNull();
    expect(rl.admit('', 'gpt-4o', 100).rejected).toBeNull();
    expect(rl.admit('', 'gpt-4o', 1).rejected).not.toBeNull();
  });

  it('request too large: 429 without retry headers, nothing consumed', () => {
    const { rl } = clocked({ tpm: 30_000, rpm: 10 });
    const d = rl.admit('k', 'gpt-4o', 31_538);
    const r = d.rejected!;
    expect(r.status).toBe(429);
    expect(r.headers).toEqual({});
    expect(error(r.body)).toEqual({
      message:
        'Request too large for gpt-4o in organization org-llmbench on tokens per min (TPM): Limit 30000, Requested 31538. ' +
        'The input or output tokens must be reduced in order to run successfully. ' +
        'Visit https://platform.openai.com/account/rate-limits to learn more.',
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(d.headers['x-ratelimit-remaining-tokens']).toBe('30000');
    expect(d.headers['x-ratelimit-remaining-requests']).toBe('10');
    expect(d.headers['x-ratelimit-reset-tokens']).toBe('0s');
    expect(rl.admit('k', 'gpt-4o', 30_000).rejected).toBeNull();
  });

  it('refill is capped at the limit; unlimited config sends no headers; bad limits throw', () => {
    const { clock, rl } = clocked({ tpm: 600 });
    rl.admit('k', 'm', 600);
    clock.t += 3_600_000;
    const d = rl.admit('k', 'm', 0);
    expect(d.headers['x-ratelimit-remaining-tokens']).toBe('600');
    expect(d.headers['x-ratelimit-reset-tokens']).toBe('0s');
    expect(new RateLimiter({}).admit('k', 'm', 1e12)).toEqual({ headers: {}, rejected: null });
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ tpm: Number.NaN })).toThrow(RangeError);
  });

  it('fractional token estimates are charged rounded up', () => {
    const { rl } = clocked({ tpm: 100 });
    expect(rl.admit('k', 'm', 10.2).headers['x-ratelimit-remaining-tokens']).toBe('89');
  });
});

describe('sub-minute enforcement (window)', () => {
  it('a 10 s window holds a sixth of the minute: a burst that fits the minute is refused', () => {
    let t = 0;
    const rl = new RateLimiter({ tpm: 60_000, window: 10_000 }, () => t);
    // 10 000 tokens fit; the next 1 000 do not, although 59 000 more would fit the minute
    expect(rl.admit('k', 'm', 10_000).rejected).toBeNull();
    const refused = rl.admit('k', 'm', 1_000);
    expect(refused.rejected?.status).toBe(429);
    expect(refused.rejected?.headers['retry-after-ms']).toBe('1000'); // 1 000 tokens at 1 000/s
    t = 1000;
    expect(rl.admit('k', 'm', 1_000).rejected).toBeNull();
  });

  it('a request larger than the bucket goes when the bucket is full and leaves debt', () => {
    let t = 0;
    const rl = new RateLimiter({ tpm: 60_000, window: 1_000 }, () => t);
    expect(rl.admit('k', 'm', 5_000).rejected).toBeNull(); // bucket holds 1 000
    const next = rl.admit('k', 'm', 100);
    expect(next.rejected?.headers['retry-after-ms']).toBe('4100'); // 4 000 debt + 100
  });
});
