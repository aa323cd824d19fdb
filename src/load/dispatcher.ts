/**
 * Between the run loop and the transport: which tenant a request belongs to, whether its
 * tenant's daily budget allows it, when the pacers let it go, and whether a failed attempt
 * is tried again. Retries go back through the pacers, so they are charged to the budget;
 * a 429 pauses all traffic, not just the request that got it.
 */
import { mixSeed, mulberry32 } from '../random.js';
import { nextAttempt, type RequestRecord } from '../record.js';
import type { PacingConfig, RetryConfig, TenantSpec } from '../types.js';
import { Pacer, type Priority } from './pacer.js';
import { decideRetry } from './retry.js';

export interface DispatcherOptions {
  seed: number;
  pacing?: PacingConfig;
  retry?: RetryConfig;
  tenants?: TenantSpec[];
  /** tokens a request reserves: its input + max output */
  budgetOf(promptIndex: number): number;
  /**
   * The prompt of a request once its tenant is known (tenants may have their own datasets).
   * Absent: the run loop's promptIndex stands.
   */
  promptOf?(tenant: number, seq: number): number;
  /** hand one attempt to the transport; `done` once it has finished */
  sendAttempt(rec: RequestRecord, done: (rec: RequestRecord) => void): void;
  /** a tenant's daily budget refused the request (counted as dropped) */
  onRefused?(rec: RequestRecord): void;
  /** an attempt failed and will be retried */
  onRetry?(failed: RequestRecord): void;
}

const DAY_MS = 86_400_000;
const TENANT_PURPOSE = 0x7465;

interface TenantState {
  spec: TenantSpec;
  pacer: Pacer | null;
  dayStart: number;
  requests: number;
  tokens: number;
}

function pacerFor(p: Partial<PacingConfig> & { rpm?: number; tpm?: number }, base?: PacingConfig): Pacer {
  return new Pacer({
    headroom: base?.headroom ?? 0.9,
    burst: base?.burst ?? 1000,
    adaptive: false,
    reserve: 0,
    ...(p.rpm !== undefined ? { rpm: p.rpm } : {}),
    ...(p.tpm !== undefined ? { tpm: p.tpm } : {}),
  });
}

/**
 * What the share draw weighs each tenant by: its share, and 0 for a tenant with a rate (its
 * requests come from its own stream). When every tenant has a rate, requests that still need a
 * tenant — those of closed phases — are drawn in proportion to the rates.
 */
export function drawWeights(specs: TenantSpec[]): number[] {
  const anyShare = specs.some((t) => t.share !== undefined);
  return specs.map((t) => (anyShare ? (t.share ?? 0) : (t.rate ?? 0)));
}

export class Dispatcher {
  private readonly global: Pacer | null;
  private readonly tenants: TenantState[];
  private readonly cumulativeShares: number[];
  /** the last tenant the draw can pick (rounding may leave u above the last cumulative share) */
  private readonly lastDrawn: number;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** requests not on the wire yet: in a pacer's queue or waiting to retry */
  private readonly waiting = new Set<RequestRecord>();
  /** a retry not yet sent → the failed attempt it would repeat (its outcome if the run ends first) */
  private readonly retryOf = new Map<RequestRecord, RequestRecord>();
  private outstanding = 0;
  retries = 0;

  constructor(private readonly opts: DispatcherOptions) {
    const pacing = opts.pacing;
    this.global = pacing
      ? new Pacer({
          headroom: pacing.headroom,
          burst: pacing.burst,
          adaptive: pacing.adaptive,
          reserve: pacing.reserve,
          ...(pacing.rpm !== undefined ? { rpm: pacing.rpm } : {}),
          ...(pacing.tpm !== undefined ? { tpm: pacing.tpm } : {}),
        })
      : null;
    const specs = opts.tenants ?? [];
    const now = performance.now();
    this.tenants = specs.map((spec) => ({
      spec,
      pacer: spec.rpm !== undefined || spec.tpm !== undefined ? pacerFor(spec, pacing) : null,
      dayStart: now,
      requests: 0,
      tokens: 0,
    }));
    const weights = drawWeights(specs);
    const total = weights.reduce((a, w) => a + w, 0);
    let acc = 0;
    this.cumulativeShares = weights.map((w) => (acc += w / total));
    this.lastDrawn = weights.findLastIndex((w) => w > 0);
  }

  /** Requests the client holds: waiting in a pacer, waiting to retry, or on the wire. */
  get inFlight(): number {
    return this.outstanding;
  }

  tenantNames(): string[] {
    return this.tenants.map((t) => t.spec.name);
  }

  /**
   * The tenant of the seq-th request: the one the plan fixed (a tenant's own arrival), else a
   * seeded draw among the share tenants, the same on every run and in every slice.
   */
  tenantFor(seq: number, fixed: number | null | undefined): number {
    if (fixed !== null && fixed !== undefined) return fixed;
    if (this.tenants.length <= 1) return 0;
    const u = mulberry32(mixSeed(this.opts.seed, seq, TENANT_PURPOSE))();
    const i = this.cumulativeShares.findIndex((c) => u < c);
    return i < 0 ? this.lastDrawn : i;
  }

  send(rec: RequestRecord, done: (rec: RequestRecord) => void): void {
    rec.tenant = this.tenantFor(rec.seq, rec.planTenant);
    // The prompt is final before anything is charged: the budget, the pacers and the send all use it.
    if (this.opts.promptOf) rec.promptIndex = this.opts.promptOf(rec.tenant, rec.seq);
    const tenant = this.tenants[rec.tenant];
    const tokens = this.opts.budgetOf(rec.promptIndex);
    if (tenant && !this.withinDailyBudget(tenant, tokens)) {
      this.opts.onRefused?.(rec);
      return;
    }
    this.outstanding++;
    this.pace(rec, tokens, (finished) => {
      this.outstanding--;
      done(finished);
    });
  }

  private withinDailyBudget(t: TenantState, tokens: number): boolean {
    const now = performance.now();
    if (now - t.dayStart >= DAY_MS) {
      t.dayStart = now;
      t.requests = 0;
      t.tokens = 0;
    }
    if (t.spec.dailyRequests !== undefined && t.requests + 1 > t.spec.dailyRequests) return false;
    if (t.spec.dailyTokens !== undefined && t.tokens + tokens > t.spec.dailyTokens) return false;
    t.requests++;
    t.tokens += tokens;
    return true;
  }

  /** Through the tenant's pacer, then the shared one, then out. */
  private pace(rec: RequestRecord, tokens: number, done: (rec: RequestRecord) => void): void {
    const tenant = this.tenants[rec.tenant];
    const priority: Priority = tenant?.spec.priority ?? 'interactive';
    this.waiting.add(rec);
    const go = (): void => {
      this.waiting.delete(rec);
      this.retryOf.delete(rec);
      this.attempt(rec, tokens, done);
    };
    const viaGlobal = (): void => (this.global ? this.global.submit({ tokens, priority, release: go }) : go());
    if (tenant?.pacer) tenant.pacer.submit({ tokens, priority, release: viaGlobal });
    else viaGlobal();
  }

  private attempt(rec: RequestRecord, tokens: number, done: (rec: RequestRecord) => void): void {
    this.opts.sendAttempt(rec, (finished) => {
      if (finished.attempts === 1) {
        finished.firstDispatched = finished.dispatched;
        finished.firstSent = finished.sent;
        finished.firstEnd = finished.end;
      }
      if (finished.rateLimit) {
        this.global?.observe(finished.rateLimit);
        this.tenants[finished.tenant]?.pacer?.observe(finished.rateLimit);
      }
      const policy = this.opts.retry;
      if (finished.errorClass === null || !policy) return done(finished);
      const decision = decideRetry({
        policy,
        attempt: finished.attempts - 1,
        errorClass: finished.errorClass,
        hints: finished.retryHints ?? {},
        limits: finished.rateLimit,
        limitType: finished.limitType,
        uniform: mulberry32(mixSeed(this.opts.seed, finished.seq, finished.attempts)),
      });
      if (finished.errorClass === 'http_429' && decision.delayMs > 0) {
        // The provider said "not before then": everyone waits, not only this request.
        this.global?.pauseUntil(performance.now() + decision.delayMs);
      }
      if (!decision.retry) return done(finished);
      this.retries++;
      this.opts.onRetry?.(finished);
      const again = nextAttempt(finished);
      this.waiting.add(again);
      this.retryOf.set(again, finished);
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.waiting.delete(again);
        this.pace(again, tokens, done);
      }, decision.delayMs);
      this.retryTimers.add(timer);
    });
  }

  /** Requests that have not gone out yet (queued or waiting to retry). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * Stop releasing. Requests whose first attempt never went out are returned as `dropped`;
   * those waiting to retry end with their last failed attempt as their outcome.
   */
  stop(): { dropped: RequestRecord[]; failed: RequestRecord[] } {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.global?.stop();
    for (const t of this.tenants) t.pacer?.stop();
    const dropped: RequestRecord[] = [];
    const failed: RequestRecord[] = [];
    for (const rec of this.waiting) {
      const last = this.retryOf.get(rec);
      if (last) failed.push(last);
      else dropped.push(rec);
    }
    this.waiting.clear();
    this.retryOf.clear();
    this.outstanding -= dropped.length + failed.length;
    return { dropped, failed };
  }

  /** The limits the shared pacer works to (configured or learnt), for the results. */
  limits(): { rpm: number | null; tpm: number | null } | null {
    return this.global ? this.global.limits() : null;
  }
}
