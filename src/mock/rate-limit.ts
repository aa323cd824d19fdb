/**
 * Pure, deterministic emulation of the API's per-(key, model) RPM/TPM limits: token buckets that refill
 * continuously at limit/60 s, `x-ratelimit-*` headers on every decision, and the real 429 bodies and retry headers.
 * No timers: each bucket is refilled lazily from `now()` when it is next charged.
 */
import { performance } from 'node:perf_hooks';
import { errorBody } from './http.js';

export interface RateLimitConfig {
  /** Requests per minute; absent = unlimited. */
  rpm?: number;
  /** Tokens per minute; absent = unlimited. */
  tpm?: number;
  /** Sub-minute enforcement: the bucket holds this many ms of the limit (default 60 s). */
  window?: number;
}

export interface RateLimitDecision {
  /** x-ratelimit-* headers to send on this response (also on a 429) */
  headers: Record<string, string>;
  /** null when admitted */
  rejected: null | { status: 429; body: string; headers: Record<string, string> /* retry-after, retry-after-ms */ };
}

export const RATE_LIMIT_ORG = 'org-llmbench';
const WINDOW_MS = 60_000;
const VISIT = 'Visit https://platform.openai.com/account/rate-limits to learn more.';

/** Whole milliseconds, rounded up, ignoring floating-point dust just above an integer. */
function ceilMs(ms: number): number {
  return ms > 0 ? Math.max(0, Math.ceil(ms - 1e-6)) : 0;
}

/**
 * Go `time.Duration.String()` style at millisecond resolution (fractional ms are rounded to the nearest ms):
 * 0 → "0s", 12 → "12ms", 8640 → "8.64s", 360000 → "6m0s", 977764 → "16m17.764s", 3600000 → "1h0m0s".
 */
export function formatGoDuration(ms: number): string {
  const n = Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
  if (n === 0) return '0s';
  if (n < 1000) return `${n}ms`;
  const h = Math.floor(n / 3_600_000);
  const m = Math.floor((n % 3_600_000) / 60_000);
  const rest = n % 60_000;
  const frac = rest % 1000;
  const s = `${Math.floor(rest / 1000)}${frac ? '.' + String(frac).padStart(3, '0').replace(/0+$/, '') : ''}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s))+$/;
const GROUP_RE = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses a Go-style duration ("1m30.5s", "20ms", "0s") into milliseconds; NaN if the text is not one. */
export function parseGoDuration(s: string): number {
  const text = s.trim();
  if (!DURATION_RE.test(text)) return NaN;
  let total = 0;
  for (const g of text.matchAll(GROUP_RE)) total += Number(g[1]) * (UNIT_MS[g[2]!] ?? NaN);
  return Math.round(total * 1e6) / 1e6; // drop float dust such as 1.1 * 1000 = 1100.0000000000002
}

interface Axis {
  limit: number;
  /** Bucket capacity in scaled units (limit × WINDOW_MS); one unit of the axis costs WINDOW_MS scaled units. */
  cap: number;
}

/**
 * Levels are kept scaled by WINDOW_MS so refill is `elapsed × limit` and costs are `units × WINDOW_MS`:
 * integer arithmetic for integer clocks, hence exact admission exactly when the advertised wait has elapsed.
 */
interface Bucket {
  req: number;
  tok: number;
  t: number;
}

/** `window`: how much of a minute's budget the bucket holds (60 s = the whole minute may go at once). */
function axis(name: string, v: number | undefined, window: number): Axis | null {
  if (v === undefined) return null;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`rate limit ${name} must be a positive number, got ${v}`);
  return { limit: v, cap: v * window };
}

/** Headers describing one axis's bucket at scaled level `level`. */
function axisHeaders(out: Record<string, string>, suffix: string, a: Axis, level: number): void {
  out[`x-ratelimit-limit-${suffix}`] = String(a.limit);
  // As a share of the minute's limit, so remaining / limit is how full the bucket is, whatever its window.
  out[`x-ratelimit-remaining-${suffix}`] = String(Math.max(0, Math.floor((level / a.cap) * a.limit)));
  out[`x-ratelimit-reset-${suffix}`] = formatGoDuration(ceilMs((a.cap - level) / a.limit));
}

/**
 * Milliseconds until a bucket at scaled `level` can pay `units`; 0 if it can now. A cost larger
 * than the whole bucket is let through once the bucket is full, leaving it in debt.
 */
function waitFor(a: Axis, level: number, units: number): number {
  const short = Math.min(units * WINDOW_MS, a.cap) - level;
  return short > 0 ? ceilMs(short / a.limit) : 0;
}

export class RateLimiter {
  private readonly req: Axis | null;
  private readonly tok: Axis | null;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(cfg: RateLimitConfig, now: () => number = () => performance.now()) {
    const window = cfg.window ?? WINDOW_MS;
    if (!(window > 0 && window <= WINDOW_MS)) throw new RangeError(`rate limit window must be in (0, 60 s], got ${window} ms`);
    this.req = axis('rpm', cfg.rpm, window);
    this.tok = axis('tpm', cfg.tpm, window);
    this.now = now;
  }

  /** True when neither axis is limited (admit() then always admits with no headers). */
  get unlimited(): boolean {
    return this.req === null && this.tok === null;
  }

  /** Charge one request for `key` (the API key, or '' when none) on `model`; `tokens` = estimated input + max output (× n). */
  admit(key: string, model: string, tokens: number): RateLimitDecision {
    const { req, tok } = this;
    if (!req && !tok) return { headers: {}, rejected: null };
    const b = this.bucket(key, model, this.now());
    const need = Number.isFinite(tokens) && tokens > 0 ? Math.ceil(tokens) : 0;

    if (tok && need > tok.limit) {
      const message =
        `Request too large for ${model} in organization ${RATE_LIMIT_ORG} on tokens per min (TPM): ` +
        `Limit ${tok.limit}, Requested ${need}. The input or output tokens must be reduced in order to run successfully. ${VISIT}`;
      return this.reject(b, message, 'tokens', {});
    }

    const reqWait = req ? waitFor(req, b.req, 1) : 0;
    const tokWait = tok ? waitFor(tok, b.tok, need) : 0;
    if (reqWait > 0 || tokWait > 0) {
      // Both may be short: the longer wait is the binding one, and the retry hint covers both.
      const onTokens = tokWait > reqWait;
      const a = (onTokens ? tok : req)!;
      const used = a.limit - Math.floor((onTokens ? b.tok : b.req) / WINDOW_MS);
      const wait = Math.max(reqWait, tokWait);
      const what = onTokens ? 'tokens per min (TPM)' : 'requests per min (RPM)';
      const message =
        `Rate limit reached for ${model} in organization ${RATE_LIMIT_ORG} on ${what}: ` +
        `Limit ${a.limit}, Used ${used}, Requested ${onTokens ? need : 1}. ` +
        `Please try again in ${formatGoDuration(wait)}. ${VISIT}`;
      return this.reject(b, message, onTokens ? 'tokens' : 'requests', {
        'retry-after': String(Math.ceil(wait / 1000)),
        'retry-after-ms': String(wait),
      });
    }

    if (req) b.req -= WINDOW_MS;
    if (tok) b.tok -= need * WINDOW_MS;
    return { headers: this.headers(b), rejected: null };
  }

  private reject(b: Bucket, message: string, type: string, retry: Record<string, string>): RateLimitDecision {
    const body = errorBody({ message, type, param: null, code: 'rate_limit_exceeded' });
    return { headers: this.headers(b), rejected: { status: 429, body, headers: retry } };
  }

  private headers(b: Bucket): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.req) axisHeaders(out, 'requests', this.req, b.req);
    if (this.tok) axisHeaders(out, 'tokens', this.tok, b.tok);
    return out;
  }

  /** The (key, model) bucket, refilled up to time `t`; new buckets start full. */
  private bucket(key: string, model: string, t: number): Bucket {
    const id = key + '\u0000' + model;
    let b = this.buckets.get(id);
    if (!b) {
      b = { req: this.req?.cap ?? 0, tok: this.tok?.cap ?? 0, t };
      this.buckets.set(id, b);
      return b;
    }
    const elapsed = t - b.t;
    if (elapsed > 0) {
      if (this.req) b.req = Math.min(this.req.cap, b.req + elapsed * this.req.limit);
      if (this.tok) b.tok = Math.min(this.tok.cap, b.tok + elapsed * this.tok.limit);
      b.t = t;
    }
    return b;
  }
}
