import { describe, expect, it } from 'vitest';
import { chunksDue, completionDelay, lognormalSigma, makeProfile, tokenIntervalMs, ttftForRequest, Z_P99 } from './profile.js';
import { generateTokens, decodeTokens } from './text.js';
import { requestRng, RngPurpose } from './rng.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

describe('latency profile', () => {
  it('derives sigma from median and p99', () => {
    expect(lognormalSigma(50, 150)).toBeCloseTo(Math.log(3) / Z_P99, 10);
    expect(lognormalSigma(0, 100)).toBe(0);
    expect(lognormalSigma(100, 100)).toBe(0);
  });

  it('TTFT over 200 requests has the configured median (and p99 over 5000)', () => {
    const profile = makeProfile({ ttft: { median: 50, p99: 150 }, tokensPerSecond: 80 });
    const draw = (n: number) =>
      Array.from({ length: n }, (_, i) => ttftForRequest(profile, 7, i)).sort((a, b) => a - b);
    const s200 = draw(200);
    expect(quantile(s200, 0.5)).toBeGreaterThan(50 * 0.85);
    expect(quantile(s200, 0.5)).toBeLessThan(50 * 1.15);
    expect(s200.every((v) => v > 0)).toBe(true);
    const s5000 = draw(5000);
    expect(quantile(s5000, 0.5)).toBeGreaterThan(50 * 0.95);
    expect(quantile(s5000, 0.5)).toBeLessThan(50 * 1.05);
    expect(quantile(s5000, 0.99)).toBeGreaterThan(150 * 0.8);
    expect(quantile(s5000, 0.99)).toBeLessThan(150 * 1.25);
  });

  it('is pure and seeded: same (seed, index) same value, other seeds differ', () => {
    const profile = makeProfile({ ttft: { median: 200, p99: 600 }, tokensPerSecond: 80 });
    expect(ttftForRequest(profile, 1, 3)).toBe(ttftForRequest(profile, 1, 3));
    expect(ttftForRequest(profile, 1, 3)).not.toBe(ttftForRequest(profile, 2, 3));
    expect(ttftForRequest(profile, 1, 3)).not.toBe(ttftForRequest(profile, 1, 4));
  });

  it('zero median means no delay; fixed when p99 == median', () => {
    expect(ttftForRequest(makeProfile({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 }), 0, 0)).toBe(0);
    expect(ttftForRequest(makeProfile({ ttft: { median: 80, p99: 80 }, tokensPerSecond: 0 }), 0, 9)).toBe(80);
  });

  it('schedules chunks from the stream start without drift', () => {
    expect(tokenIntervalMs(100)).toBe(10);
    expect(tokenIntervalMs(0)).toBe(0);
    expect(tokenIntervalMs(Infinity)).toBe(0);
    expect(chunksDue(49, 50, 10, 10)).toBe(0);
    expect(chunksDue(50, 50, 10, 10)).toBe(1);
    expect(chunksDue(79.9, 50, 10, 10)).toBe(3); // late timer: all due chunks at once
    expect(chunksDue(1e6, 50, 10, 10)).toBe(10);
    expect(chunksDue(0, 0, 0, 64)).toBe(64);
    expect(completionDelay(50, 10, 10)).toBe(140);
  });
});

describe('token text', () => {
  it('is deterministic, word-like, and JSON-escaped', () => {
    const a = generateTokens(requestRng(3, 0, RngPurpose.text), 500);
    const b = generateTokens(requestRng(3, 0, RngPurpose.text), 500);
    expect(a).toEqual(b);
    expect(generateTokens(requestRng(4, 0, RngPurpose.text), 500)).not.toEqual(a);
    const text = decodeTokens(a);
    expect(text).toMatch(/^[A-Z]/);
    expect(text).toMatch(/[.!?;]/);
    expect(new Set(a).size).toBeGreaterThan(30);
    // Every token survives a JSON round trip on its own.
    for (const t of a) expect(JSON.stringify(JSON.parse('"' + t + '"'))).toBe('"' + t + '"');
  });
});
