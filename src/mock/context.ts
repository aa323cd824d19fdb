/** State one mock server shares with its handlers. */
import type { ResolvedMockOptions } from './options.js';
import { makeProfile, type LatencyProfile } from './profile.js';
import { IdSource } from './http.js';

export interface MockContext {
  readonly opts: ResolvedMockOptions;
  readonly profile: LatencyProfile;
  readonly ids: IdSource;
  /** Order of arrival of valid generation requests: drives the seeded randomness. */
  nextIndex(): number;
}

export function createContext(opts: ResolvedMockOptions): MockContext {
  let n = 0;
  return {
    opts,
    profile: makeProfile(opts),
    ids: new IdSource(),
    nextIndex: () => n++,
  };
}
