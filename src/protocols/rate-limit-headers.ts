/**
 * Client-side reading of the rate-limit and retry headers an OpenAI-compatible server sends:
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` (resets are Go-style durations such as `6m0s`),
 * `retry-after-ms`, `retry-after` (seconds or an HTTP date) and `x-should-retry`.
 */

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
/** One or more `<number><unit>` groups and nothing else; `ms` is tried before `m`. */
const WHOLE_RE = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s))+$/;
const GROUP_RE = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
const BARE_SECONDS_RE = /^\d+(?:\.\d+)?$/;

/** Rounds away binary floating-point dust (1.1 × 1000 = 1100.0000000000002) at the nanosecond. */
function clean(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}

/**
 * Go-style duration ("12ms", "8.64s", "16m17.764s", "1h0m0s") → milliseconds, by summing
 * `(\d+(\.\d+)?)(h|ms|m|s)` groups. A bare number ("2", "0.5") is taken as seconds.
 * NaN when the text is neither.
 */
export function parseGoDuration(s: string): number {
  const text = s.trim();
  if (BARE_SECONDS_RE.test(text)) return clean(Number(text) * 1000);
  if (!WHOLE_RE.test(text)) return NaN;
  let total = 0;
  for (const g of text.matchAll(GROUP_RE)) total += Number(g[1]) * (UNIT_MS[g[2] ?? ''] ?? NaN);
  return clean(total);
}

export interface RateLimitObservation {
  limitRequests?: number;
  remainingRequests?: number;
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

export interface RetryHints {
  /** How long the server asked the client to wait, in ms (never negative). */
  retryAfterMs?: number;
  /** `x-should-retry`: the server's explicit override of the retry decision. */
  shouldRetry?: boolean;
}

type Field = keyof RateLimitObservation | 'retry-after-ms' | 'retry-after' | 'x-should-retry';

/** Lower-cased header name → what it fills. */
const FIELDS: ReadonlyMap<string, Field> = new Map<string, Field>([
  ['x-ratelimit-limit-requests', 'limitRequests'],
  ['x-ratelimit-remaining-requests', 'remainingRequests'],
  ['x-ratelimit-reset-requests', 'resetRequestsMs'],
  ['x-ratelimit-limit-tokens', 'limitTokens'],
  ['x-ratelimit-remaining-tokens', 'remainingTokens'],
  ['x-ratelimit-reset-tokens', 'resetTokensMs'],
  ['retry-after-ms', 'retry-after-ms'],
  ['retry-after', 'retry-after'],
  ['x-should-retry', 'x-should-retry'],
]);

const LENGTHS = new Set([...FIELDS.keys()].map((k) => k.length));
const X = 0x78; // 'x'
const R = 0x72; // 'r'

/**
 * Cheap pre-filter on a raw header name: every wanted name starts with `x` or `r` and has one of a few
 * lengths, so most headers (content-type, date, …) are rejected without allocating a string.
 */
function candidate(name: Buffer | string): boolean {
  if (!LENGTHS.has(name.length)) return false;
  const c = (typeof name === 'string' ? name.charCodeAt(0) : name[0] ?? 0) | 0x20;
  return c === X || c === R;
}

function numberOrUndefined(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Scans undici raw headers (alternating name/value, names in any case) once.
 * `limits` is null when no `x-ratelimit-*` header was usable. Repeated headers: the last one wins.
 */
export function readLimitHeaders(
  raw: Buffer[] | string[],
  nowEpochMs: number = Date.now(),
): { limits: RateLimitObservation | null; hints: RetryHints } {
  let limits: RateLimitObservation | null = null;
  let retryAfterMsText: string | undefined;
  let retryAfterText: string | undefined;
  let shouldRetryText: string | undefined;

  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as Buffer | string;
    if (!candidate(name)) continue;
    const field = FIELDS.get(name.toString().toLowerCase());
    if (field === undefined) continue;
    const value = (raw[i + 1] as Buffer | string).toString();
    if (field === 'retry-after-ms') retryAfterMsText = value;
    else if (field === 'retry-after') retryAfterText = value;
    else if (field === 'x-should-retry') shouldRetryText = value;
    else {
      const n = field === 'resetRequestsMs' || field === 'resetTokensMs' ? parseGoDuration(value) : numberOrUndefined(value);
      if (n === undefined || !Number.isFinite(n)) continue;
      (limits ??= {})[field] = n;
    }
  }

  const hints: RetryHints = {};
  const retryAfterMs = retryDelay(retryAfterMsText, retryAfterText, nowEpochMs);
  if (retryAfterMs !== undefined) hints.retryAfterMs = retryAfterMs;
  const should = shouldRetryText?.trim().toLowerCase();
  if (should === 'true') hints.shouldRetry = true;
  else if (should === 'false') hints.shouldRetry = false;
  return { limits, hints };
}

/** `retry-after-ms` (float ms), else `retry-after` as float seconds, else as an HTTP date; negative → 0. */
function retryDelay(msText: string | undefined, text: string | undefined, nowEpochMs: number): number | undefined {
  if (msText !== undefined) {
    const ms = numberOrUndefined(msText);
    if (ms !== undefined) return Math.max(0, ms);
  }
  if (text === undefined) return undefined;
  const seconds = numberOrUndefined(text);
  if (seconds !== undefined) return Math.max(0, clean(seconds * 1000));
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowEpochMs);
}
