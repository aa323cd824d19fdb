/**
 * One request's life as monotonic stamps (performance.now() milliseconds, fractional).
 * Protocols only write stamps and facts into it; metrics/ derives every duration later.
 * NaN means "did not happen".
 */
import type { ErrorClass } from './metrics/results.js';
import type { RateLimitObservation, RetryHints } from './protocols/rate-limit-headers.js';

export interface RequestRecord {
  /** sequence number within the run */
  seq: number;
  promptIndex: number;
  phase: number;
  /** when the plan wanted it sent (closed loop: when its worker became free) */
  intended: number;
  /** when the run loop handed it to the transport */
  dispatched: number;
  /** request bytes handed to the socket */
  sent: number;
  /** new connection only: connect start, DNS answered (names only), TCP connected, TLS done */
  connectStart: number;
  dnsDone: number;
  connected: number;
  tlsDone: number;
  /** status line and headers received */
  headers: number;
  /** first content-bearing event */
  firstToken: number;
  /** last content-bearing event */
  lastToken: number;
  /** end of stream ([DONE]) or body end */
  end: number;
  /** arrival time of every content event (reads that held several events share a stamp) */
  tokenTimes: number[];
  status: number;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  /** usage.completion_tokens / prompt_tokens when the server sent them */
  usageOutputTokens: number | null;
  usageInputTokens: number | null;
  /** usage.prompt_tokens_details.cached_tokens: the part of the input read from the prompt cache */
  usageCachedInputTokens: number | null;
  /** raw JSON-escaped content pieces, kept only to count tokens when usage is absent */
  contentPieces: string[];
  finishReason: string | null;
  requestId: string | null;
  /** set by the run loop when the per-request deadline passed */
  timedOut: boolean;
  /** tenant index (0 when the scenario names none) */
  tenant: number;
  /** the tenant the plan fixed (an arrival of a tenant's own rate stream); null: drawn by share */
  planTenant: number | null;
  /** attempts made so far, this one included */
  attempts: number;
  /** the first attempt's dispatch and sent stamps and when it ended (NaN until the dispatcher sets them) */
  firstDispatched: number;
  firstSent: number;
  firstEnd: number;
  /** what the response's x-ratelimit-* headers said, when it sent any */
  rateLimit: RateLimitObservation | null;
  /** retry-after(-ms) / x-should-retry */
  retryHints: RetryHints | null;
  /** a 429 body's error.type: which limit was hit */
  limitType: 'tokens' | 'requests' | null;
}

/** A fresh attempt of the same request: the request's identity stays, the attempt's stamps reset. */
export function nextAttempt(prev: RequestRecord): RequestRecord {
  const rec = newRecord(prev.seq, prev.promptIndex, prev.phase, prev.intended);
  rec.tenant = prev.tenant;
  rec.planTenant = prev.planTenant;
  rec.attempts = prev.attempts + 1;
  rec.firstDispatched = prev.firstDispatched;
  rec.firstSent = prev.firstSent;
  rec.firstEnd = prev.firstEnd;
  return rec;
}

export function newRecord(seq: number, promptIndex: number, phase: number, intended: number): RequestRecord {
  return {
    seq,
    promptIndex,
    phase,
    intended,
    dispatched: NaN,
    sent: NaN,
    connectStart: NaN,
    dnsDone: NaN,
    connected: NaN,
    tlsDone: NaN,
    headers: NaN,
    firstToken: NaN,
    lastToken: NaN,
    end: NaN,
    tokenTimes: [],
    status: 0,
    errorClass: null,
    errorMessage: null,
    usageOutputTokens: null,
    usageInputTokens: null,
    usageCachedInputTokens: null,
    contentPieces: [],
    finishReason: null,
    requestId: null,
    timedOut: false,
    tenant: 0,
    planTenant: null,
    attempts: 1,
    firstDispatched: NaN,
    firstSent: NaN,
    firstEnd: NaN,
    rateLimit: null,
    retryHints: null,
    limitType: null,
  };
}
