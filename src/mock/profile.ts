/**
 * Latency model of the mock: a lognormal time to first token and a constant token rate.
 * Pure and seeded: the same (options, request index) always gives the same numbers.
 */
import type { TtftSpec } from '../types.js';
import { gaussian, requestRng, RngPurpose, type Rng } from './rng.js';

/** z-score of the 99th percentile of the standard normal distribution. */
export const Z_P99 = 2.3263;

export interface LatencyProfile {
  /** TTFT median in ms; 0 = no delay. */
  ttftMedian: number;
  /** extra TTFT per input token (prefill), ms */
  prefillPerToken: number;
  /** relative spread of the gaps between tokens */
  jitter: number;
  /** lognormal sigma derived from median and p99. */
  ttftSigma: number;
  /** ms between two tokens; 0 = no delay. */
  tokenIntervalMs: number;
}

export function lognormalSigma(median: number, p99: number): number {
  if (!(median > 0) || !(p99 > median)) return 0;
  return Math.log(p99 / median) / Z_P99;
}

/** 0 and Infinity (and anything not positive-finite) mean "no delay between tokens". */
export function tokenIntervalMs(tokensPerSecond: number): number {
  return tokensPerSecond > 0 && Number.isFinite(tokensPerSecond) ? 1000 / tokensPerSecond : 0;
}

export function makeProfile(p: {
  ttft: TtftSpec;
  tokensPerSecond: number;
  prefillPerToken?: number;
  jitter?: number;
}): LatencyProfile {
  return {
    ttftMedian: p.ttft.median,
    ttftSigma: lognormalSigma(p.ttft.median, p.ttft.p99),
    tokenIntervalMs: tokenIntervalMs(p.tokensPerSecond),
    prefillPerToken: p.prefillPerToken ?? 0,
    jitter: p.jitter ?? 0,
  };
}

/** One TTFT draw (ms) from the profile using the given random stream. */
export function sampleTtft(profile: LatencyProfile, rng: Rng): number {
  if (profile.ttftMedian <= 0) return 0;
  if (profile.ttftSigma === 0) return profile.ttftMedian;
  return profile.ttftMedian * Math.exp(profile.ttftSigma * gaussian(rng));
}

/** TTFT (ms) of the index-th request a server with this seed receives, prefill included. Pure. */
export function ttftForRequest(profile: LatencyProfile, seed: number, index: number, inputTokens = 0): number {
  return sampleTtft(profile, requestRng(seed, index, RngPurpose.latency)) + profile.prefillPerToken * inputTokens;
}

/**
 * Due times (ms from the body's arrival) of `chunks` events whose gaps vary by the profile's
 * jitter; undefined when the rate is steady (the stream then computes ttft + j·step).
 */
export function jitteredSchedule(profile: LatencyProfile, seed: number, index: number, ttft: number, stepMs: number, chunks: number): Float64Array | undefined {
  if (profile.jitter <= 0 || stepMs <= 0 || chunks === 0) return undefined;
  const rng = requestRng(seed, index, RngPurpose.jitter);
  const due = new Float64Array(chunks);
  let t = ttft;
  for (let j = 0; j < chunks; j++) {
    due[j] = t;
    // gaps stay positive and average stepMs
    t += stepMs * Math.max(0.05, 1 + profile.jitter * gaussian(rng));
  }
  return due;
}

/**
 * How many content chunks are due `elapsed` ms after the body was received:
 * chunk j is due at ttft + j * stepMs (stepMs = tokensPerChunk * interval).
 */
export function chunksDue(elapsed: number, ttft: number, stepMs: number, total: number): number {
  if (elapsed < ttft) return 0;
  if (stepMs <= 0) return total;
  return Math.min(total, Math.floor((elapsed - ttft) / stepMs) + 1);
}

/** When (ms after the body was received) chunk j is due. */
export function chunkDueAt(j: number, ttft: number, stepMs: number): number {
  return ttft + j * stepMs;
}

/** Non-streamed answers arrive when the last token would have been streamed. */
export function completionDelay(ttft: number, intervalMs: number, outputTokens: number): number {
  return ttft + Math.max(0, outputTokens - 1) * intervalMs;
}
