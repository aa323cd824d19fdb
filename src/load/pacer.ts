/**
 * Client-side pacing by requests AND tokens: every request waits in a priority queue until
 * both a request bucket (RPM) and a token bucket (TPM) admit it, so the run stays under
 * whichever limit binds first instead of discovering it through 429s.
 *
 * Each axis is a continuously refilling bucket at `limit × headroom / 60 000` per ms whose
 * capacity is `burst` ms of that rate: a burst that fits the minute's budget is still spread
 * over the minute, because providers also enforce sub-minute windows. A request reserves
 * its whole budget (estimated input + max output tokens) when released, as the server does.
 *
 * One timer at most: after every change the queue head is released while both buckets
 * allow it, and the timer is armed for the instant the next head could go.
 */
import { TokenBucket } from './token-bucket.js';
import type { RateLimitObservation } from '../protocols/rate-limit-headers.js';

export type Priority = 'interactive' | 'batch';

export interface PacingSpec {
  rpm?: number; // configured limits; absent = learn from headers (adaptive) or unlimited
  tpm?: number;
  headroom: number; // use this fraction of the limit
  burst: number; // ms of the paced rate the buckets hold: capacity = burst × rate
  adaptive: boolean; // follow x-ratelimit-* observations
  reserve?: number; // fraction of each bucket batch traffic may never use (kept for interactive)
}

export const PACING_DEFAULTS = { headroom: 0.9, burst: 1000, reserve: 0 } as const;

export type { RateLimitObservation } from '../protocols/rate-limit-headers.js';

export interface PacerItem {
  tokens: number; // the budget the request reserves: estimated input + max output tokens
  priority: Priority;
  release: () => void;
}

export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(t: unknown): void;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
};

/** FIFO with O(1) shift; compacts its array once the consumed prefix dominates. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push = (x: T): void => void this.items.push(x);
  peek = (): T | undefined => this.items[this.head];
  shift(): T | undefined {
    const x = this.items[this.head];
    if (x === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

/** One paced axis (requests or tokens): its limit per minute and the bucket pacing it. */
interface Axis {
  limit: number;
  bucket: TokenBucket;
}

export class Pacer {
  private readonly spec: PacingSpec;
  private readonly clock: PacerClock;
  private readonly reserve: number;
  private readonly queues: Record<Priority, Fifo<PacerItem>> = { interactive: new Fifo(), batch: new Fifo() };
  private req: Axis | null = null;
  private tok: Axis | null = null;
  private pausedUntil = -Infinity;
  private timer: unknown = null;
  private timerAt = NaN;
  private pumping = false;
  private stopped = false;

  constructor(spec: PacingSpec, clock: PacerClock = realClock) {
    check(spec.headroom > 0 && spec.headroom <= 1, `headroom must be in (0, 1], got ${spec.headroom}`);
    check(spec.burst > 0 && Number.isFinite(spec.burst), `burst must be a positive number of ms, got ${spec.burst}`);
    this.reserve = spec.reserve ?? PACING_DEFAULTS.reserve;
    check(this.reserve >= 0 && this.reserve < 1, `reserve must be in [0, 1), got ${this.reserve}`);
    for (const k of ['rpm', 'tpm'] as const) {
      const v = spec[k];
      check(v === undefined || (v > 0 && Number.isFinite(v)), `${k} must be a positive number, got ${v}`);
    }
    this.spec = spec;
    this.clock = clock;
    const now = clock.now();
    if (spec.rpm !== undefined) this.req = this.axis(spec.rpm, now);
    if (spec.tpm !== undefined) this.tok = this.axis(spec.tpm, now);
  }

  /** Queue a request; release() runs (synchronously, in order) once both buckets allow it. */
  submit(item: PacerItem): void {
    check(Number.isFinite(item.tokens) && item.tokens >= 0, `item tokens must be a finite number ≥ 0, got ${item.tokens}`);
    if (this.stopped) return; // the caller stopped the pacer; nothing is released any more
    this.queues[item.priority].push(item);
    this.pump();
  }

  /**
   * Adaptive pacing from the server's view of our budget (ignored unless spec.adaptive):
   * - Limits: an axis with no configured limit takes the header's limit (× headroom).
   * - Remaining: the server's bucket is `remaining / limit` full. Our bucket is drained to
   *   the same fraction of its own capacity, `remaining / limit × capacity`, if it believes
   *   it holds more — never raised. At steady pacing the server's bucket refills faster than
   *   we spend (headroom < 1) and stays near full, so this only bites when someone else
   *   (another client on the key, retries, a fuller server count) is eating the budget:
   *   then we shrink our bursts to what the server says is left and slow down before a 429.
   *   Reservations already counted by the server are already taken from our bucket too, so
   *   the two fractions compare like for like. Reset times are implied by the refill model
   *   and not used.
   */
  observe(o: RateLimitObservation, now: number = this.clock.now()): void {
    if (!this.spec.adaptive || this.stopped) return;
    this.req = this.learn(this.req, this.spec.rpm, o.limitRequests, o.remainingRequests, now);
    this.tok = this.learn(this.tok, this.spec.tpm, o.limitTokens, o.remainingTokens, now);
    this.pump();
  }

  /** Nothing is released before `until` (clock ms); the queue keeps its order. */
  pauseUntil(until: number): void {
    if (!(until > this.pausedUntil)) return;
    this.pausedUntil = until;
    this.pump();
  }

  get queued(): number {
    return this.queues.interactive.size + this.queues.batch.size;
  }

  get queuedByPriority(): Record<Priority, number> {
    return { interactive: this.queues.interactive.size, batch: this.queues.batch.size };
  }

  /** The paced rates per minute (limit × headroom) in use; null for an unlimited/unknown axis. */
  limits(): { rpm: number | null; tpm: number | null } {
    const paced = (a: Axis | null): number | null => (a ? a.limit * this.spec.headroom : null);
    return { rpm: paced(this.req), tpm: paced(this.tok) };
  }

  /** Clears the timer and drops the queue; returns the dropped items, interactive first. */
  stop(): PacerItem[] {
    this.stopped = true;
    this.disarm();
    return [...this.queues.interactive.drain(), ...this.queues.batch.drain()];
  }

  private axis(limitPerMin: number, now: number): Axis {
    const rate = (limitPerMin * this.spec.headroom) / 60_000;
    return { limit: limitPerMin, bucket: new TokenBucket({ ratePerMs: rate, capacity: rate * this.spec.burst, now }) };
  }

  private learn(a: Axis | null, configured: number | undefined, limit: number | undefined, remaining: number | undefined, now: number): Axis | null {
    const headerLimit = limit !== undefined && limit > 0 && Number.isFinite(limit) ? limit : undefined;
    if (configured === undefined && headerLimit !== undefined) {
      if (!a) a = this.axis(headerLimit, now);
      else if (a.limit !== headerLimit) {
        const rate = (headerLimit * this.spec.headroom) / 60_000;
        a.bucket.setRate(rate, rate * this.spec.burst, now);
        a.limit = headerLimit;
      }
    }
    if (a && remaining !== undefined && Number.isFinite(remaining)) {
      const denom = headerLimit ?? a.limit;
      a.bucket.drainTo((Math.max(0, remaining) / denom) * a.bucket.capacity, now);
    }
    return a;
  }

  private head(): PacerItem | undefined {
    return this.queues.interactive.peek() ?? this.queues.batch.peek();
  }

  /** When the queue head may go (≤ now: now), or null when nothing is queued. */
  private readyAt(now: number): number | null {
    const item = this.head();
    if (!item) return null;
    const floor = item.priority === 'batch' ? this.reserve : 0;
    const wait = (a: Axis | null, amount: number): number => (a ? a.bucket.waitFor(amount, now, floor * a.bucket.capacity) : 0);
    return Math.max(this.pausedUntil, now + Math.max(wait(this.req, 1), wait(this.tok, item.tokens)));
  }

  /** Release every head item both buckets admit, then arm the single timer for the next. */
  private pump(): void {
    // A release() that submits, observes or pauses re-enters here; the running loop sees it.
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      const now = this.clock.now();
      for (let at = this.readyAt(now); at !== null && at <= now && !this.stopped; at = this.readyAt(now)) {
        const item = this.queues.interactive.shift() ?? this.queues.batch.shift();
        if (!item) break;
        this.req?.bucket.take(1, now);
        this.tok?.bucket.take(item.tokens, now);
        item.release();
      }
    } finally {
      this.pumping = false;
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped) return this.disarm();
    const now = this.clock.now();
    const at = this.readyAt(now);
    if (at === null || at === Infinity) return this.disarm();
    if (this.timer !== null && this.timerAt === at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - now));
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}
