/** State one mock server shares with its handlers. */
import { performance } from 'node:perf_hooks';
import { FaultInjector } from './faults.js';
import { IdSource } from './http.js';
import { resolveProfile, type ModelProfile } from './model-profiles.js';
import type { ResolvedMockOptions } from './options.js';
import { makeProfile, type LatencyProfile } from './profile.js';
import { RateLimiter } from './rate-limit.js';
import { TruthLog } from './truth-log.js';

export interface ModelBehaviour {
  profile: ModelProfile;
  latency: LatencyProfile;
}

export interface MockContext {
  readonly opts: ResolvedMockOptions;
  readonly ids: IdSource;
  readonly rateLimiter: RateLimiter | null;
  readonly faults: FaultInjector | null;
  readonly truth: TruthLog | null;
  /** Order of arrival of generation requests: drives the seeded randomness. */
  nextIndex(): number;
  /** The model's profile (built-in, then the options' overrides), computed once per model. */
  model(name: string): ModelBehaviour;
  /** performance.now() stamp → epoch ms, comparable across threads and processes */
  epochOf(t: number): number;
  close(): Promise<void>;
}

const MAX_CACHED_MODELS = 1000;

export function createContext(opts: ResolvedMockOptions): MockContext {
  let n = 0;
  const models = new Map<string, ModelBehaviour>();
  const limits = opts.rateLimits;
  const truth = opts.truthLog ? TruthLog.open(opts.truthLog) : null;
  return {
    opts,
    ids: new IdSource(),
    rateLimiter: limits && (limits.rpm || limits.tpm) ? new RateLimiter(limits) : null,
    faults: opts.faults && opts.faults.length > 0 ? new FaultInjector(opts.faults, opts.seed) : null,
    truth,
    nextIndex: () => n++,
    model(name) {
      let m = models.get(name);
      if (!m) {
        const profile = resolveProfile(name, opts);
        m = { profile, latency: makeProfile(profile) };
        if (models.size < MAX_CACHED_MODELS) models.set(name, m);
      }
      return m;
    },
    epochOf: (t) => performance.timeOrigin + t,
    close: async () => {
      await truth?.close();
    },
  };
}
