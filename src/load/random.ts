/** Seeded sampling for arrival plans: deterministic across machines and Node versions. */

/** splitmix32: small, fast, and good enough to drive inter-arrival draws. */
export function createUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

/** Exp(1). */
export function exponential(uniform: () => number): number {
  return -Math.log(1 - uniform());
}

function standardNormal(uniform: () => number): number {
  // Box–Muller; 1 − u keeps the log argument in (0, 1].
  const u1 = 1 - uniform();
  const u2 = uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape k, scale 1/k): mean 1, coefficient of variation 1/√k (Marsaglia–Tsang). */
export function gammaUnitMean(uniform: () => number, k: number): number {
  return gammaSample(uniform, k) / k;
}

function gammaSample(uniform: () => number, shape: number): number {
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
      x = standardNormal(uniform);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
