/**
 * The mock derives one independent random stream per (seed, request index, purpose), so a
 * request's latency and text depend only on the seed and on the order in which requests
 * arrived, never on timing.
 */
import { mixSeed, mulberry32, type Uniform } from '../random.js';

export { gaussian } from '../random.js';
export type Rng = Uniform;

/** What a per-request random stream is used for; each purpose is independent. */
export const RngPurpose = { latency: 1, text: 2, jitter: 3, tools: 4 } as const;

export function requestRng(seed: number, index: number, purpose: number): Rng {
  return mulberry32(mixSeed(seed, index, purpose));
}
