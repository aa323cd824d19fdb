import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

const bucket = (ratePerMs = 0.01, capacity = 10, now = 0) => new TokenBucket({ ratePerMs, capacity, now });

describe('TokenBucket', () => {
  it('starts full and refills continuously up to its capacity', () => {
    const b = bucket();
    expect(b.level(0)).toBe(10);
    b.take(10, 0);
    expect(b.level(0)).toBe(0);
    expect(b.level(250)).toBeCloseTo(2.5, 12);
    expect(b.level(1000)).toBeCloseTo(10, 12);
    expect(b.level(60_000)).toBe(10);
  });

  it('admits exactly when the level covers the amount', () => {
    const b = bucket();
    b.take(10, 0);
    expect(b.waitFor(1, 0)).toBeCloseTo(100, 9);
    expect(b.waitFor(1, 40)).toBeCloseTo(60, 9);
    expect(b.canTake(1, 99)).toBe(false);
    expect(b.canTake(1, 100)).toBe(true);
    expect(b.waitFor(1, 100)).toBe(0);
  });

  it('waiting exactly waitFor() ms always admits despite float rounding', () => {
    const b = bucket(0.009, 9);
    let now = 0;
    for (let i = 0; i < 10_000; i++) {
      const w = b.waitFor(1, now);
      now += w;
      expect(b.canTake(1, now)).toBe(true);
      b.take(1, now);
    }
    // 9 from the full bucket, then one every 1/0.009 ms
    expect(now).toBeCloseTo((10_000 - 9) / 0.009, 3);
  });

  it('goes into debt, and a request larger than the bucket goes once it is full', () => {
    const b = bucket();
    expect(b.canTake(25, 0)).toBe(true); // full bucket admits an oversized request
    b.take(25, 0);
    expect(b.level(0)).toBe(-15);
    expect(b.canTake(1, 0)).toBe(false);
    expect(b.waitFor(1, 0)).toBeCloseTo(1600, 9); // pay back 15, then 1 more
    expect(b.waitFor(25, 0)).toBeCloseTo(2500, 9); // back to full
    expect(b.canTake(25, 2499)).toBe(false);
    expect(b.canTake(25, 2500)).toBe(true);
  });

  it('a floor keeps part of the bucket: level − amount ≥ floor', () => {
    const b = bucket();
    expect(b.canTake(5, 0, 5)).toBe(true);
    b.take(5, 0);
    expect(b.canTake(1, 0, 5)).toBe(false);
    expect(b.canTake(1, 0)).toBe(true);
    expect(b.waitFor(1, 0, 5)).toBeCloseTo(100, 9);
    // larger than the usable part (capacity − floor): waits for a full bucket, never forever
    expect(b.waitFor(8, 0, 5)).toBeCloseTo(500, 9);
    expect(b.canTake(8, 500, 5)).toBe(true);
  });

  it('setRate accrues at the old rate up to now, then caps and refills at the new one', () => {
    const b = bucket();
    b.take(10, 0);
    b.setRate(0.02, 4, 100); // level 1 at t=100 under the old rate
    expect(b.level(100)).toBeCloseTo(1, 12);
    expect(b.level(200)).toBeCloseTo(3, 12);
    expect(b.level(1000)).toBe(4);
    b.setRate(0.001, 2, 1000);
    expect(b.level(1000)).toBe(2); // capped at the new capacity
    expect(b.capacity).toBe(2);
    expect(b.ratePerMs).toBe(0.001);
  });

  it('drainTo lowers the level and never raises it', () => {
    const b = bucket();
    b.drainTo(3, 0);
    expect(b.level(0)).toBe(3);
    b.drainTo(7, 0);
    expect(b.level(0)).toBe(3);
    b.drainTo(-2, 0);
    expect(b.level(0)).toBe(-2);
    expect(b.level(300)).toBeCloseTo(1, 12);
  });

  it('ignores a clock that steps backwards and rejects invalid rates', () => {
    const b = bucket(0.01, 10, 1000);
    b.take(10, 1000);
    expect(b.level(500)).toBe(0);
    expect(b.level(1100)).toBeCloseTo(1, 12);
    expect(() => bucket(-1)).toThrow(RangeError);
    expect(() => bucket(Number.NaN)).toThrow(RangeError);
    expect(() => bucket(1, Infinity)).toThrow(RangeError);
    const frozen = bucket(0, 5);
    frozen.take(6, 0);
    expect(frozen.waitFor(1, 0)).toBe(Infinity);
  });
});
