/** Command-line overrides applied on top of a normalised scenario. Pure. */
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Phase, Scenario } from '../types.js';
import { formatDuration } from './duration.js';

export interface ScenarioOverrides {
  /** ms: total duration; every phase is scaled proportionally (cumulative rounding to whole ms). */
  duration?: number;
  /** requests/s: replaces `rate` in open phases and scales `rampTo` by the same ratio. */
  rate?: number;
  /** Output directory, resolved against the current working directory. */
  out?: string;
  /** Sets target.kind = url and target.url. */
  targetUrl?: string;
}

/** The flag each override comes from; used as the `where` of errors. */
export const OVERRIDE_FLAGS: Record<keyof ScenarioOverrides, string> = {
  duration: '--duration',
  rate: '--rate',
  out: '--out',
  targetUrl: '--target-url',
};

function positive(key: 'duration' | 'rate', v: number, example: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new UserError(`${OVERRIDE_FLAGS[key]} must be a positive number, got ${String(v)}`, { where: OVERRIDE_FLAGS[key], hint: `e.g. ${OVERRIDE_FLAGS[key]} ${example}` });
  }
}

/** Scale phase durations so they sum to `total` ms, keeping the boundaries on whole ms. */
export function scalePhases(phases: readonly Phase[], total: number): Phase[] {
  const sum = phases.reduce((s, p) => s + p.duration, 0);
  let acc = 0;
  let prevEdge = 0;
  return phases.map((p) => {
    acc += p.duration;
    const edge = Math.round((acc / sum) * total);
    const duration = edge - prevEdge;
    prevEdge = edge;
    return { ...p, duration };
  });
}

export function applyOverrides(s: Scenario, o: ScenarioOverrides, cwd: string): Scenario {
  let out: Scenario = s;
  if (o.duration !== undefined) {
    positive('duration', o.duration, '30s');
    if (o.duration < s.load.phases.length) {
      throw new UserError(`--duration ${formatDuration(o.duration)} is too short for ${s.load.phases.length} phases`, { where: '--duration', hint: 'give each phase at least 1ms' });
    }
    const factor = o.duration / s.load.phases.reduce((sum, p) => sum + p.duration, 0);
    out = { ...out, load: { ...out.load, phases: scalePhases(out.load.phases, o.duration) } };
    // Chaos episodes keep their place on the shortened (or lengthened) timeline.
    if (out.chaos) {
      const scale = (ms: number): number => Math.round(ms * factor);
      out = { ...out, chaos: { ...out.chaos, episodes: out.chaos.episodes.map((e) => ({ ...e, at: scale(e.at), for: Math.max(1, scale(e.for)) })) } };
    }
  }
  if (o.rate !== undefined) {
    const rate = o.rate;
    positive('rate', rate, '20');
    if (!out.load.phases.some((p) => p.kind === 'open')) {
      throw new UserError('--rate has no effect: every phase is closed-loop (concurrency)', { where: '--rate', hint: 'drop --rate, or give a phase a rate in the scenario' });
    }
    // The phases' rates would be replaced, but with every tenant on its own rate they send nothing.
    if (out.load.phaseArrivals === false) {
      throw new UserError('--rate has no effect: every tenant has its own rate', { where: '--rate', hint: "drop --rate, or change the tenants' rate in the scenario (tenants[].rate)" });
    }
    const phases = out.load.phases.map((p): Phase => {
      if (p.kind !== 'open') return p;
      // A ramp that starts at 0 has no ratio to scale by: its rampTo is kept.
      const rampTo = p.rate > 0 ? p.rampTo * (rate / p.rate) : p.rampTo;
      return { ...p, rate, rampTo };
    });
    out = { ...out, load: { ...out.load, phases } };
  }
  if (o.out !== undefined) {
    if (typeof o.out !== 'string' || o.out.trim() === '') throw new UserError('--out needs a directory', { where: '--out', hint: 'e.g. --out reports/run1' });
    out = { ...out, output: { ...out.output, dir: path.resolve(cwd, o.out) } };
  }
  if (o.targetUrl !== undefined) {
    const raw = o.targetUrl;
    let u: URL | undefined;
    try {
      u = new URL(raw);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new UserError(`--target-url "${raw}" is not an http(s) URL`, { where: '--target-url', hint: 'write the base URL including /v1, e.g. --target-url http://127.0.0.1:8000/v1' });
    }
    out = { ...out, target: { ...out.target, kind: 'url', url: raw.replace(/\/+$/, '') } };
  }
  return out;
}
