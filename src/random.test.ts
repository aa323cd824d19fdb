import { describe, it, expect } from 'vitest';
import { createRng, deriveSeed, shuffled } from './random.js';

const draw = (seed: number, n = 5): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(1.5)).not.toEqual(draw(1));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('stays in [0, 1) with a roughly uniform mean', () => {
    const values = draw(7, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('draws normals with the requested mean and spread', () => {
    const rng = createRng(3);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(100, 15));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeGreaterThan(99);
    expect(mean).toBeLessThan(101);
    expect(sd).toBeGreaterThan(14);
    expect(sd).toBeLessThan(16);
    expect(rng.normal(5, 0)).toBe(5);
  });

  it('draws integers in [0, n) and rejects bad n', () => {
    const rng = createRng(9);
    const seen = new Set(Array.from({ length: 1000 }, () => rng.int(6)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});

describe('deriveSeed and shuffled', () => {
  it('derives distinct, stable seeds per label', () => {
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(1, 'b'));
    expect(deriveSeed(1, 'a')).not.toBe(deriveSeed(2, 'a'));
  });

  it('shuffles a copy deterministically', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const a = shuffled(items, createRng(5));
    expect(a).toEqual(shuffled(items, createRng(5)));
    expect(a).not.toEqual(items);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(items[0]).toBe(0);
  });
});
