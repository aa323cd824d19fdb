/**
 * Per-interval windows over the run: counts, tokens and their own TTFT/E2E/TPOT/ITL histograms,
 * so a report draws time series and a soak shows drift. A window is summarised and its
 * histograms encoded when it closes; only those small summaries are kept.
 */
import type { RequestRecord } from '../record.js';
import { newHistogram, recordMs, summarize, type Histogram } from './hdr.js';
import type { ErrorClass, IntervalWindow } from './results.js';

interface OpenWindow {
  index: number;
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
  byClass: Partial<Record<ErrorClass, number>>;
  outputTokens: number;
  ttft: Histogram;
  e2e: Histogram;
  tpot: Histogram;
  itl: Histogram;
  inFlightMax: number;
  remainingTokens: number | null;
}

/** Windows whose end is this far behind the newest completion are closed (late requests are rare). */
const CLOSE_LAG = 3;

export class IntervalSeries {
  private readonly open = new Map<number, OpenWindow>();
  private readonly closed: IntervalWindow[] = [];
  private newest = 0;
  /** the highest window index closed so far (-1: none) */
  private closedThrough = -1;

  constructor(
    readonly intervalMs: number,
    /** performance.now() of the run's start */
    private readonly t0: number,
  ) {}

  private window(t: number): OpenWindow {
    let index = Math.max(0, Math.floor((t - this.t0) / this.intervalMs));
    // A window already closed is summarised and gone; a record that late (a retry left waiting
    // when the run stopped, its end long past) joins the oldest window still open.
    if (index <= this.closedThrough) index = this.closedThrough + 1;
    let w = this.open.get(index);
    if (!w) {
      w = { index, requests: 0, ok: 0, failed: 0, dropped: 0, byClass: {}, outputTokens: 0, ttft: newHistogram(), e2e: newHistogram(), tpot: newHistogram(), itl: newHistogram(), inFlightMax: 0, remainingTokens: null };
      this.open.set(index, w);
    }
    if (index > this.newest) {
      this.newest = index;
      for (const [i, old] of this.open) if (i < index - CLOSE_LAG) this.close(old);
    }
    return w;
  }

  /** A finished request, placed in the window where it ended. */
  record(rec: RequestRecord, outputTokens: number): void {
    const end = Number.isNaN(rec.end) ? performance.now() : rec.end;
    const w = this.window(end);
    w.requests++;
    if (rec.errorClass === null) {
      w.ok++;
      w.outputTokens += outputTokens;
      if (rec.firstToken >= rec.sent) recordMs(w.ttft, rec.firstToken - rec.sent);
      const last = Number.isNaN(rec.lastToken) ? rec.end : rec.lastToken;
      if (last >= rec.sent) recordMs(w.e2e, last - rec.sent);
      // as the run's tpot: (last − first token) ÷ (output tokens − 1), when there are two or more
      if (outputTokens > 1 && rec.lastToken >= rec.firstToken) recordMs(w.tpot, (rec.lastToken - rec.firstToken) / (outputTokens - 1));
      // as the run's itl: every gap between consecutive token stamps; NaN or negative gaps are skipped
      const times = rec.tokenTimes;
      for (let i = 1; i < times.length; i++) {
        const gap = times[i]! - times[i - 1]!;
        if (gap >= 0) recordMs(w.itl, gap);
      }
    } else {
      w.failed++;
      w.byClass[rec.errorClass] = (w.byClass[rec.errorClass] ?? 0) + 1;
    }
    if (rec.rateLimit?.remainingTokens !== undefined) w.remainingTokens = rec.rateLimit.remainingTokens;
  }

  recordDropped(at: number): void {
    this.window(at).dropped++;
  }

  /** Sampled by the run's ticker: how many requests the client held. */
  sampleInFlight(n: number, at: number): void {
    const w = this.window(at);
    if (n > w.inFlightMax) w.inFlightMax = n;
  }

  private close(w: OpenWindow): void {
    this.open.delete(w.index);
    if (w.index > this.closedThrough) this.closedThrough = w.index;
    const seconds = this.intervalMs / 1000;
    this.closed.push({
      start: (w.index * this.intervalMs) / 1000,
      length: seconds,
      requests: w.requests,
      ok: w.ok,
      failed: w.failed,
      dropped: w.dropped,
      byClass: w.byClass,
      requestsPerSecond: w.requests / seconds,
      outputTokensPerSecond: w.outputTokens / seconds,
      inFlightMax: w.inFlightMax,
      rateLimitRemainingTokens: w.remainingTokens,
      ttft: w.ttft.totalCount > 0 ? summarize(w.ttft) : null,
      e2e: w.e2e.totalCount > 0 ? summarize(w.e2e) : null,
      tpot: w.tpot.totalCount > 0 ? summarize(w.tpot) : null,
      itl: w.itl.totalCount > 0 ? summarize(w.itl) : null,
    });
  }

  /** Closes what is open and returns every window in time order. */
  finish(): IntervalWindow[] {
    for (const w of [...this.open.values()]) this.close(w);
    return this.closed.sort((a, b) => a.start - b.start);
  }
}
