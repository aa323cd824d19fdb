/**
 * Seeded randomness for everything a run draws — arrival gaps, synthetic prompts, shuffles,
 * the mock's latencies and text — so a scenario replays exactly from its seed.
 * Math.random cannot be seeded, which is why this exists.
 */

/** A uniform source in [0, 1). */
export type Uniform = () => number;

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
export function mulberry32(seed: number): Uniform {
  let state = toUint32Seed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal variate (Box–Muller, one of the pair). */
export function gaussian(uniform: Uniform): number {
  // 1 − u keeps the log argument in (0, 1].
  const u1 = 1 - uniform();
  const u2 = uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const normal = (mean: number, sd: number): number => (sd === 0 ? mean : mean + sd * gaussian(next));
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

/** Mixes integers into one well-spread 32-bit value (murmur3 finaliser per step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Fold doubles/negatives into 32 bits deterministically.
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    for (const v of [lo, hi]) {
      h ^= v;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
    }
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

/** Exp(1). */
export function exponential(uniform: Uniform): number {
  return -Math.log(1 - uniform());
}

/** Gamma(shape k, scale 1/k): mean 1, coefficient of variation 1/√k (Marsaglia–Tsang). */
export function gammaUnitMean(uniform: Uniform, k: number): number {
  return gammaSample(uniform, k) / k;
}

function gammaSample(uniform: Uniform, shape: number): number {
  if (shape < 1) {
    // Boost: Gamma(a) = Gamma(a + 1) · U^(1/a)
    return gammaSample(uniform, shape + 1) * Math.pow(1 - uniform(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(uniform);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
