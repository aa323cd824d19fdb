import type { MockOptions } from '../types.js';
import { UserError } from '../errors.js';

/** What startMockServer accepts: scenario mock options plus where to listen. */
export type MockServerOptions = Partial<MockOptions> & {
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
};

export type ResolvedMockOptions = MockOptions;

export const DEFAULT_MOCK_OPTIONS: ResolvedMockOptions = {
  defaultOutputTokens: 128,
  seed: 0,
};

function check(ok: boolean, field: string, msg: string): void {
  if (!ok) throw new UserError(`mock option ${field} ${msg}`, { where: field });
}

/** Defaults filled in, numbers checked (scenario files are checked earlier, by the schema). */
export function resolveMockOptions(opts: MockServerOptions = {}): ResolvedMockOptions {
  const { port: _port, host: _host, ...rest } = opts;
  const r: ResolvedMockOptions = { ...DEFAULT_MOCK_OPTIONS, ...stripUndefined(rest) };
  if (r.ttft) {
    check(Number.isFinite(r.ttft.median) && r.ttft.median >= 0, 'mock.ttft.median', 'must be a finite number >= 0');
    check(Number.isFinite(r.ttft.p99) && r.ttft.p99 >= r.ttft.median, 'mock.ttft.p99', 'must be >= mock.ttft.median');
  }
  if (r.tokensPerSecond !== undefined) {
    check(!Number.isNaN(r.tokensPerSecond) && r.tokensPerSecond >= 0, 'mock.tokensPerSecond', 'must be >= 0 (0 or Infinity = no delay)');
  }
  check(Number.isInteger(r.defaultOutputTokens) && r.defaultOutputTokens >= 0, 'mock.defaultOutputTokens', 'must be an integer >= 0');
  check(Number.isFinite(r.seed), 'mock.seed', 'must be a finite number');
  if (r.tokensPerChunk !== undefined) {
    check(Number.isInteger(r.tokensPerChunk) && r.tokensPerChunk >= 1, 'mock.tokensPerChunk', 'must be an integer >= 1');
  }
  return r;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
