/** State one mock server shares with its handlers. */
import { performance } from 'node:perf_hooks';
import { FaultInjector, validateFaults, type FaultDecision, type FaultSpec } from './faults.js';
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
  /** The faults in force: the episode's (checked first), then the configured ones; null when neither. */
  readonly faults: FaultInjector | null;
  readonly truth: TruthLog | null;
  /** Order of arrival of generation requests: drives the seeded randomness. */
  nextIndex(): number;
  /** The model's profile (built-in, then the options' overrides), computed once per model. */
  model(name: string): ModelBehaviour;
  /** performance.now() stamp → epoch ms, comparable across threads and processes */
  epochOf(t: number): number;
  /**
   * Faults applied on top of the configured ones (checked first), replaced wholesale on each call;
   * [] clears them. Same seed and request index as the configured faults; `from`/`to` count from
   * the server's start, like theirs. Throws UserError on an invalid spec.
   */
  setEpisodeFaults(specs: FaultSpec[]): void;
  close(): Promise<void>;
}

const MAX_CACHED_MODELS = 1000;

/** Episode faults layered over the configured ones: the first fault that fires wins. */
class LayeredFaults extends FaultInjector {
  constructor(
    specs: FaultSpec[],
    seed: number,
    now: () => number,
    private readonly base: FaultInjector | null,
  ) {
    super(specs, seed, now);
  }

  override decide(index: number): FaultDecision {
    const d = super.decide(index);
    return d.kind === 'none' && this.base !== null ? this.base.decide(index) : d;
  }
}

export function createContext(opts: ResolvedMockOptions): MockContext {
  let n = 0;
  const models = new Map<string, ModelBehaviour>();
  const limits = opts.rateLimits;
  const truth = opts.truthLog ? TruthLog.open(opts.truthLog) : null;
  const started = performance.now();
  const clock = (): number => performance.now() - started;
  const configured = opts.faults && opts.faults.length > 0 ? new FaultInjector(opts.faults, opts.seed, clock) : null;
  let faults = configured;
  return {
    opts,
    ids: new IdSource(),
    rateLimiter: limits && (limits.rpm || limits.tpm) ? new RateLimiter(limits) : null,
    get faults() {
      return faults;
    },
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
    setEpisodeFaults(specs) {
      const valid = validateFaults(specs, 'faults');
      faults = valid.length > 0 ? new LayeredFaults(valid, opts.seed, clock, configured) : configured;
    },
    close: async () => {
      await truth?.close();
    },
  };
}
