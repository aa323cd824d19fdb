/**
 * Client retry policy: which failed attempts are retried and how long to wait first.
 * Mirrors the OpenAI SDKs (server hints first, else capped exponential backoff) with jitter choices,
 * a per-scenario list of retried error classes, and an explicit opt-in for re-sending cut streams.
 */
import type { RateLimitObservation, RetryHints } from '../protocols/rate-limit-headers.js';

export type Jitter = 'full' | 'equal' | 'none';
export type RetryOn = 'http_429' | 'http_5xx' | 'timeout' | 'network' | 'stream_cut';

export interface RetryPolicy {
  /** Retries after the first attempt (2 → up to 3 attempts). */
  maxRetries: number;
  /** Backoff for the first retry, ms. */
  base: number;
  /** Backoff ceiling, ms; server hints longer than max × 8 end the request. */
  max: number;
  jitter: Jitter;
  on: RetryOn[];
  /** Re-send a request whose 2xx stream broke mid-way (its partial output is discarded). */
  resendCutStreams: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxRetries: 2,
  base: 500,
  max: 8000,
  jitter: 'full',
  on: Object.freeze(['http_429', 'http_5xx', 'timeout', 'network']) as RetryOn[],
  resendCutStreams: false,
}) as RetryPolicy;

/** A server hint may be at most this many times policy.max. */
export const HINT_CAP_FACTOR = 8;

const ON_ALIASES: ReadonlyMap<string, RetryOn> = new Map<string, RetryOn>([
  ['429', 'http_429'],
  ['http_429', 'http_429'],
  ['5xx', 'http_5xx'],
  ['http_5xx', 'http_5xx'],
  ['timeout', 'timeout'],
  ['network', 'network'],
  ['stream_cut', 'stream_cut'],
]);

/** Parses the scenario's `on` list (429, '5xx', 'timeout', 'network', 'stream_cut'); duplicates collapse. */
export function parseRetryOn(items: Array<string | number>): { ok: true; on: RetryOn[] } | { ok: false; message: string } {
  const on: RetryOn[] = [];
  for (const item of items) {
    const key = String(item).trim().toLowerCase();
    const cls = ON_ALIASES.get(key);
    if (cls === undefined) {
      const shown = typeof item === 'number' ? String(item) : JSON.stringify(item);
      return { ok: false, message: `unknown retry condition ${shown}; expected one of 429, '5xx', 'timeout', 'network', 'stream_cut'` };
    }
    if (!on.includes(cls)) on.push(cls);
  }
  return { ok: true, on };
}

/** Backoff for the attempt-th retry (0-based): cap = min(max, base × 2^attempt), then jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number, uniform: () => number): number {
  const cap = Math.min(policy.max, policy.base * 2 ** Math.max(0, attempt));
  switch (policy.jitter) {
    case 'full':
      return uniform() * cap;
    case 'equal':
      return cap / 2 + uniform() * (cap / 2);
    case 'none':
      return cap;
  }
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  reason: string;
}

const NEVER_RETRIED = new Set(['http_4xx', 'bad_response']);

function no(reason: string): RetryDecision {
  return { retry: false, delayMs: 0, reason };
}

/** The reset time of the limit a 429 says was exhausted; unknown type → the later of the two. */
function resetDelay(limits: RateLimitObservation | null, limitType: 'tokens' | 'requests' | null | undefined): number | undefined {
  if (limits === null) return undefined;
  if (limitType === 'tokens') return limits.resetTokensMs;
  if (limitType === 'requests') return limits.resetRequestsMs;
  const known = [limits.resetTokensMs, limits.resetRequestsMs].filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/**
 * Should a failed attempt be retried, and after how long?
 *  - never beyond maxRetries;
 *  - http_4xx and bad_response never; stream_cut only with resendCutStreams;
 *  - `x-should-retry: false` vetoes; `true` retries even a class missing from policy.on;
 *    otherwise the class must be in policy.on;
 *  - delay: retry-after-ms / retry-after; else, on a 429, the reset header of the exhausted limit;
 *    else backoffMs. An explicit retry-after beyond max × 8 ends the request (retry false); a reset
 *    header (time to refill the whole bucket, an upper bound) beyond it is clamped to max × 8.
 */
export function decideRetry(args: {
  policy: RetryPolicy;
  attempt: number;
  errorClass: string;
  hints: RetryHints;
  limits: RateLimitObservation | null;
  limitType?: 'tokens' | 'requests' | null;
  uniform: () => number;
}): RetryDecision {
  const { policy, attempt, errorClass, hints } = args;
  if (attempt >= policy.maxRetries) return no(`${errorClass}: retries exhausted (${policy.maxRetries})`);
  if (NEVER_RETRIED.has(errorClass)) return no(`${errorClass} is never retried`);
  if (errorClass === 'stream_cut' && !policy.resendCutStreams) {
    return no('stream_cut: not re-sent (resendCutStreams is off)');
  }
  if (hints.shouldRetry === false) return no(`${errorClass}: server sent x-should-retry: false`);
  const listed = (policy.on as string[]).includes(errorClass);
  if (!listed && hints.shouldRetry !== true) return no(`${errorClass}: not in retry.on`);
  const why = listed ? errorClass : `${errorClass} (x-should-retry: true)`;

  const capMs = policy.max * HINT_CAP_FACTOR;
  if (hints.retryAfterMs !== undefined) {
    if (hints.retryAfterMs > capMs) {
      return no(`${why}: server asked to wait ${Math.round(hints.retryAfterMs)} ms, beyond the ${capMs} ms cap; giving up`);
    }
    return { retry: true, delayMs: hints.retryAfterMs, reason: `${why}: retry-after ${Math.round(hints.retryAfterMs)} ms` };
  }
  if (errorClass === 'http_429') {
    const reset = resetDelay(args.limits, args.limitType);
    if (reset !== undefined) {
      const delayMs = Math.min(reset, capMs);
      const clamped = delayMs < reset ? ` (clamped from ${Math.round(reset)} ms)` : '';
      return { retry: true, delayMs, reason: `${why}: ${args.limitType ?? 'rate'} limit reset ${Math.round(delayMs)} ms${clamped}` };
    }
  }
  const delayMs = backoffMs(policy, attempt, args.uniform);
  return { retry: true, delayMs, reason: `${why}: backoff ${Math.round(delayMs)} ms (retry ${attempt + 1}/${policy.maxRetries})` };
}
