/**
 * The open-loop arrival plan: every intended start time, derived from the phases and the
 * seed before the run begins — never from when the previous request went out.
 *
 * All three arrival kinds share one construction (time rescaling): draw cumulative
 * unit-mean "arrival counts" S_n — exactly n for constant, Exp(1) increments for poisson,
 * Gamma(k, 1/k) increments for gamma — and map each through the inverse of the phase's
 * integrated rate Λ(t). A linear ramp from r0 to r1 over D seconds has
 * Λ(t) = r0·t + (r1 − r0)·t² / (2D), which inverts in closed form.
 *
 * Tenants with their own `rate` add one stream each to every open phase; the plan merges them
 * with the phase's arrivals in time order.
 */
import type { LoadSpec, OpenPhase, Phase } from '../types.js';
import { deriveSeed, exponential, gammaUnitMean, mulberry32 } from '../random.js';

export interface PhaseWindow {
  index: number;
  phase: Phase;
  /** ms from run start */
  start: number;
  end: number;
}

export function phaseWindows(load: LoadSpec): PhaseWindow[] {
  let start = 0;
  return load.phases.map((phase, index) => {
    const w = { index, phase, start, end: start + phase.duration };
    start = w.end;
    return w;
  });
}

export function plannedDuration(load: LoadSpec): number {
  return load.phases.reduce((sum, p) => sum + p.duration, 0);
}

/** Λ(t): expected arrivals in the first t seconds of a (possibly ramped) phase. */
export function integratedRate(phase: OpenPhase, tSec: number): number {
  const d = phase.duration / 1000;
  const slope = d > 0 ? (phase.rampTo - phase.rate) / d : 0;
  return phase.rate * tSec + (slope * tSec * tSec) / 2;
}

/** Λ⁻¹(s) in seconds, or Infinity when the phase never reaches s arrivals. */
export function inverseIntegratedRate(phase: OpenPhase, s: number): number {
  const d = phase.duration / 1000;
  if (s > integratedRate(phase, d) + 1e-9) return Infinity;
  const a = d > 0 ? (phase.rampTo - phase.rate) / (2 * d) : 0;
  const b = phase.rate;
  if (Math.abs(a) < 1e-12) return b > 0 ? s / b : Infinity;
  const disc = b * b + 4 * a * s;
  // Numerically stable root of a·t² + b·t − s = 0 for either sign of a.
  return disc <= 0 ? -b / (2 * a) : (2 * s) / (b + Math.sqrt(disc));
}

/** Phase seeds are derived from the scenario seed so each phase is reproducible on its own. */
export function phaseSeed(seed: number, phaseIndex: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(phaseIndex + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * Intended start times (ms from the phase start) of one open phase, lazily: a six-hour
 * soak never materialises its plan in memory.
 */
export function* openPhaseArrivals(phase: OpenPhase, seed: number): Generator<number> {
  const durSec = phase.duration / 1000;
  const uniform = mulberry32(seed);
  let s = 0;
  for (let n = 0; ; n++) {
    if (phase.arrival === 'constant') s = n;
    else if (phase.arrival === 'poisson') s += exponential(uniform);
    else s += gammaUnitMean(uniform, phase.burstiness);
    const t = inverseIntegratedRate(phase, s);
    if (!(t < durSec)) return;
    yield t * 1000;
  }
}

export interface PlannedArrival {
  /** ms from run start */
  at: number;
  phase: number;
  /** set for a tenant's own arrivals (its `rate` stream); absent: the phase's, drawn by share */
  tenant?: number;
}

/**
 * A tenant stream's seed in one phase: from the run seed and the tenant's NAME (not its place in
 * the list), so adding, removing or reordering tenants never moves another tenant's arrivals,
 * and apart from the phase seeds so the phases' own arrivals stay where they were.
 */
export function tenantStreamSeed(seed: number, tenant: string, phaseIndex: number): number {
  return phaseSeed(deriveSeed(seed, `tenant.stream:${tenant}`), phaseIndex);
}

/** The sources of one open phase: its own arrivals (unless turned off) and each tenant stream. */
function phaseSources(load: LoadSpec, w: PhaseWindow & { phase: OpenPhase }, seed: number): Array<Generator<PlannedArrival>> {
  const sources: Array<Generator<PlannedArrival>> = [];
  const shift = function* (times: Iterable<number>, tenant?: number): Generator<PlannedArrival> {
    for (const t of times) yield tenant === undefined ? { at: w.start + t, phase: w.index } : { at: w.start + t, phase: w.index, tenant };
  };
  if (load.phaseArrivals !== false) sources.push(shift(openPhaseArrivals(w.phase, phaseSeed(seed, w.index))));
  for (const s of load.tenantStreams ?? []) {
    // The tenant's constant rate with the phase's arrival kind and burstiness; no ramp.
    const phase: OpenPhase = { ...w.phase, rate: s.rate, rampTo: s.rate };
    sources.push(shift(openPhaseArrivals(phase, tenantStreamSeed(seed, s.name, w.index)), s.tenant));
  }
  return sources;
}

/**
 * A lazy merge of sorted sources in time order. Ties go to the earlier source (the phase's own
 * arrivals first, then the tenant streams in list order), so the merged order is deterministic.
 * A linear scan for the minimum: there is one source per rate tenant plus one, a handful.
 */
function* mergeByTime(sources: Array<Iterator<PlannedArrival>>): Generator<PlannedArrival> {
  const heads = sources.map((s) => s.next());
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]!;
      if (!h.done && (best < 0 || h.value.at < (heads[best]!.value as PlannedArrival).at)) best = i;
    }
    if (best < 0) return;
    yield heads[best]!.value as PlannedArrival;
    heads[best] = sources[best]!.next();
  }
}

/**
 * The whole open-loop plan across phases, in time order (closed phases contribute none): in
 * each open phase, its own arrivals merged with the tenants' streams. A request's seq is its
 * place in this merged plan, which is what slices partition.
 */
export function* arrivalPlan(load: LoadSpec, seed: number): Generator<PlannedArrival> {
  for (const w of phaseWindows(load)) {
    if (w.phase.kind !== 'open') continue;
    const sources = phaseSources(load, w as PhaseWindow & { phase: OpenPhase }, seed);
    // Without tenant streams there is nothing to merge (the common case, and the hot path of long runs).
    if (sources.length === 1) yield* sources[0]!;
    else yield* mergeByTime(sources);
  }
}

/**
 * Planned arrivals per phase (null for closed phases, whose count depends on the target);
 * with a slice, the arrivals that slice takes (every count-th of the whole plan).
 */
export function plannedCounts(load: LoadSpec, seed: number, slice = { index: 0, count: 1 }): Array<number | null> {
  const windows = phaseWindows(load);
  if ((load.tenantStreams ?? []).length === 0 && load.phaseArrivals !== false) {
    // Phases follow one another, so a phase's arrivals hold plan indices [offset, offset + n):
    // count each phase once (an hour at 4,000 req/s is ~1.5 s) and take the slice's share in closed form.
    let offset = 0;
    return windows.map((w) => {
      if (w.phase.kind !== 'open') return null;
      let n = 0;
      for (const _ of openPhaseArrivals(w.phase, phaseSeed(seed, w.index))) n++;
      const taken = indicesOf(offset + n, slice) - indicesOf(offset, slice);
      offset += n;
      return taken;
    });
  }
  const counts: Array<number | null> = windows.map((w) => (w.phase.kind === 'open' ? 0 : null));
  let k = 0;
  for (const a of arrivalPlan(load, seed)) {
    if (k++ % slice.count === slice.index) counts[a.phase]! += 1;
  }
  return counts;
}

/** How many of the plan indices 0 … end − 1 belong to the slice (k mod count = index). */
function indicesOf(end: number, slice: { index: number; count: number }): number {
  return end <= slice.index ? 0 : Math.floor((end - 1 - slice.index) / slice.count) + 1;
}
