/**
 * A tiny seeded PRNG so every random choice in a run (synthetic prompts, shuffles,
 * arrival schedules, mock latencies) replays exactly from the scenario seed.
 * Math.random cannot be seeded, which is why this exists.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normally distributed draw (Box–Muller). `sd` 0 returns `mean`. */
  normal(mean: number, sd: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Folds any finite number (including floats and values beyond 2^32) into a uint32 seed. */
function toUint32Seed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be finite, got ${seed}`);
  const whole = Math.trunc(seed);
  const low = whole >>> 0;
  const high = Math.floor(whole / 2 ** 32) >>> 0;
  const frac = Math.round((seed - whole) * 2 ** 32) >>> 0;
  return (low ^ Math.imul(high, 0x9e3779b1) ^ Math.imul(frac, 0x85ebca6b)) >>> 0;
}

/** mulberry32: 32-bit state, fast, and statistically fine for load generation. */
export function createRng(seed: number): Rng {
  let state = toUint32Seed(seed);

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (mean: number, sd: number): number => {
    if (sd === 0) return mean;
    // 1 - next() keeps u1 in (0, 1] so log() never sees 0.
    const u1 = 1 - next();
    const u2 = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int needs a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };

  return { next, normal, int };
}

/**
 * Derives an independent seed for one purpose from the run seed, so that e.g. the
 * prompt shuffle does not change when synthetic prompt generation draws more numbers.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = toUint32Seed(seed) ^ 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle of a copy; the input is left untouched. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
