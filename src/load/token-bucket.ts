/**
 * A token bucket with continuous refill, the shape OpenAI-style limiters use: the level
 * grows by `ratePerMs` every millisecond up to `capacity`, and a take may push it below
 * zero (debt) so a request larger than the whole bucket is still admitted — once, from a
 * full bucket — and then paid back by the refill before anything else goes.
 *
 * The bucket is lazy: it stores the level at one instant and derives later levels from
 * the elapsed time, so it needs no timer and is exact under a fake clock.
 */

/** Float slack for "the level has reached the amount" after waiting exactly waitFor() ms. */
const EPS = 1e-9;

export class TokenBucket {
  private rate: number;
  private cap: number;
  private stored: number;
  private at: number;

  constructor(opts: { ratePerMs: number; capacity: number; now: number }) {
    checkRate(opts.ratePerMs, opts.capacity);
    this.rate = opts.ratePerMs;
    this.cap = opts.capacity;
    this.stored = opts.capacity;
    this.at = opts.now;
  }

  get ratePerMs(): number {
    return this.rate;
  }

  get capacity(): number {
    return this.cap;
  }

  /** The level at `now`, refilled lazily and capped at capacity (negative while in debt). */
  level(now: number): number {
    this.advance(now);
    return this.stored;
  }

  /**
   * Admits when `level − min(amount, capacity − floor) ≥ floor`. With the default floor 0
   * this is `level − min(amount, capacity) ≥ 0`: an amount above the capacity waits for a
   * full bucket and leaves debt. A positive floor (a reserve other traffic keeps) shrinks
   * the usable part to `capacity − floor`, so an amount above that waits for a full bucket
   * too instead of never fitting.
   */
  canTake(amount: number, now: number, floor = 0): boolean {
    return this.deficit(amount, now, floor) <= 0;
  }

  /** Takes unconditionally; the level may go negative. */
  take(amount: number, now: number): void {
    this.advance(now);
    this.stored -= amount;
  }

  /** ms until canTake(amount, ·, floor) holds: 0 if it holds now, Infinity if it never will. */
  waitFor(amount: number, now: number, floor = 0): number {
    const d = this.deficit(amount, now, floor);
    if (d <= 0) return 0;
    return this.rate > 0 ? d / this.rate : Infinity;
  }

  /** Changes rate and capacity from `now` on; the level so far accrued at the old rate. */
  setRate(ratePerMs: number, capacity: number, now: number): void {
    checkRate(ratePerMs, capacity);
    this.advance(now);
    this.rate = ratePerMs;
    this.cap = capacity;
    this.stored = Math.min(this.stored, capacity);
  }

  /** Lowers the level to `level` if it is above it (never raises it). */
  drainTo(level: number, now: number): void {
    this.advance(now);
    this.stored = Math.min(this.stored, level);
  }

  /** How far the level is below what admission needs (≤ 0: admissible now). */
  private deficit(amount: number, now: number, floor: number): number {
    this.advance(now);
    const f = Math.min(Math.max(floor, 0), this.cap);
    const need = f + Math.min(Math.max(amount, 0), this.cap - f);
    const d = need - this.stored;
    return d <= EPS * Math.max(1, this.cap) ? 0 : d;
  }

  private advance(now: number): void {
    // A clock that steps backwards (or a stale `now`) refills nothing rather than draining.
    if (now <= this.at) return;
    if (this.stored < this.cap) this.stored = Math.min(this.cap, this.stored + this.rate * (now - this.at));
    this.at = now;
  }
}

function checkRate(ratePerMs: number, capacity: number): void {
  if (!(Number.isFinite(ratePerMs) && ratePerMs >= 0)) throw new RangeError(`bucket rate must be a finite number ≥ 0, got ${ratePerMs}`);
  if (!(Number.isFinite(capacity) && capacity >= 0)) throw new RangeError(`bucket capacity must be a finite number ≥ 0, got ${capacity}`);
}
