import type { ThresholdVerdict } from '../metrics/results.js';

/** 0 when every threshold passed (or there are none), 1 when any failed. */
export function exitCodeFor(verdicts: readonly ThresholdVerdict[]): 0 | 1 {
  return verdicts.every((v) => v.pass) ? 0 : 1;
}
