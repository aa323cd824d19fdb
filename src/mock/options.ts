import type { MockOptions } from '../types.js';
import { UserError } from '../errors.js';

/** What startMockServer accepts: scenario mock options plus listening and tuning knobs. */
export type MockServerOptions = Partial<MockOptions> & {
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** Tokens carried by one streamed content chunk; default 1. */
  tokensPerChunk?: number;
};

export interface ResolvedMockOptions extends MockOptions {
  tokensPerChunk: number;
}

export const DEFAULT_MOCK_OPTIONS: ResolvedMockOptions = {
  ttft: { median: 200, p99: 600 },
  tokensPerSecond: 80,
  defaultOutputTokens: 128,
  seed: 0,
  tokensPerChunk: 1,
};

function check(ok: boolean, field: string, msg: string): void {
  if (!ok) throw new UserError(`mock option ${field} ${msg}`, { where: field });
}

export function resolveMockOptions(opts: MockServerOptions = {}): ResolvedMockOptions {
  const d = DEFAULT_MOCK_OPTIONS;
  const r: ResolvedMockOptions = {
    ttft: { median: opts.ttft?.median ?? d.ttft.median, p99: opts.ttft?.p99 ?? d.ttft.p99 },
    tokensPerSecond: opts.tokensPerSecond ?? d.tokensPerSecond,
    defaultOutputTokens: opts.defaultOutputTokens ?? d.defaultOutputTokens,
    seed: opts.seed ?? d.seed,
    tokensPerChunk: opts.tokensPerChunk ?? d.tokensPerChunk,
  };
  // A p99 given without a median (or vice versa) must still be coherent.
  if (opts.ttft?.median !== undefined && opts.ttft.p99 === undefined) {
    r.ttft.p99 = Math.max(r.ttft.median, d.ttft.p99 * (r.ttft.median / d.ttft.median));
  }
  check(Number.isFinite(r.ttft.median) && r.ttft.median >= 0, 'mock.ttft.median', 'must be a finite number >= 0');
  check(Number.isFinite(r.ttft.p99) && r.ttft.p99 >= r.ttft.median, 'mock.ttft.p99', 'must be >= mock.ttft.median');
  check(!Number.isNaN(r.tokensPerSecond) && r.tokensPerSecond >= 0, 'mock.tokensPerSecond', 'must be >= 0 (0 or Infinity = no delay)');
  check(Number.isInteger(r.defaultOutputTokens) && r.defaultOutputTokens >= 0, 'mock.defaultOutputTokens', 'must be an integer >= 0');
  check(Number.isFinite(r.seed), 'mock.seed', 'must be a finite number');
  check(Number.isInteger(r.tokensPerChunk) && r.tokensPerChunk >= 1, 'mock.tokensPerChunk', 'must be an integer >= 1');
  return r;
}
