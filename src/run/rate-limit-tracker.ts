/** The x-ratelimit-* picture over a run: the last headers seen and how low the budget got. */
import type { RequestRecord } from '../record.js';

export class RateLimitTracker {
  private last: Record<string, number> | null = null;
  private minTokens: number | null = null;
  private minRequests: number | null = null;

  observe(rec: RequestRecord): void {
    const o = rec.rateLimit;
    if (!o) return;
    this.last = { ...o } as Record<string, number>;
    if (o.remainingTokens !== undefined) this.minTokens = Math.min(this.minTokens ?? Infinity, o.remainingTokens);
    if (o.remainingRequests !== undefined) this.minRequests = Math.min(this.minRequests ?? Infinity, o.remainingRequests);
  }

  summary(): { lastObserved: Record<string, number> | null; minRemainingTokens: number | null; minRemainingRequests: number | null } {
    return { lastObserved: this.last, minRemainingTokens: this.minTokens, minRemainingRequests: this.minRequests };
  }
}
