/**
 * Drives the plan: open phases fire at their precomputed intended times, closed phases
 * keep N requests in flight. The loop only waits and dispatches; it never measures.
 */
import { newRecord, type RequestRecord } from '../record.js';
import type { LoadSpec } from '../types.js';
import { arrivalPlan, phaseWindows, type PlannedArrival } from './plan.js';

export interface RunLoopHooks {
  /** Hand a record to the transport; call `done` exactly once when it has finished. */
  send(rec: RequestRecord, done: (rec: RequestRecord) => void): void;
  inFlight(): number;
  onComplete(rec: RequestRecord): void;
  /**
   * An open-loop arrival was not sent because maxInFlight requests were already out: its plan
   * index (seq) and, for a tenant's own arrival, that tenant.
   */
  onDropped(phase: number, intended: number, seq: number, tenant: number | undefined): void;
  /** How late the loop dispatched an arrival, ms (timer and event-loop lateness). */
  onSlip(ms: number): void;
  onPhaseStart?(phase: number): void;
}

export interface RunLoopOptions {
  load: LoadSpec;
  seed: number;
  promptCount: number;
  /** performance.now() of the run's time zero; defaults to now */
  t0?: number;
  /** run only this slice of the plan (shards, worker threads); index counts from 0 */
  slice?: PlanSlice;
}

/**
 * Slice `index` of `count` takes every count-th open-loop arrival (by its place in the plan)
 * and its share of each closed phase's concurrency, so the slices together are the whole plan.
 */
export interface PlanSlice {
  index: number;
  count: number;
}

/** Closed-loop requests are numbered apart from the plan's arrivals so every slice's numbers are distinct. */
const CLOSED_SEQ_BASE = 1_000_000_000;

/** Where a request is in the prompt cycle: its plan index, or its closed-loop number. */
export function promptCycle(seq: number): number {
  return seq % CLOSED_SEQ_BASE;
}

/** This slice's share of a closed phase's concurrency (the first `c mod n` slices take one more). */
export function sliceConcurrency(concurrency: number, slice: PlanSlice): number {
  return Math.floor(concurrency / slice.count) + (slice.index < concurrency % slice.count ? 1 : 0);
}

export interface RunLoop {
  /** Resolves when the plan is exhausted and every closed phase has ended (in-flight may remain). */
  readonly finished: Promise<void>;
  readonly t0: number;
  /** Stop sending: pending arrivals are abandoned, closed workers stop after their request. */
  stop(): void;
  /** Requests handed to the transport so far. */
  sentCount(): number;
}

export function startRunLoop(opts: RunLoopOptions, hooks: RunLoopHooks): RunLoop {
  const t0 = opts.t0 ?? performance.now();
  const { maxInFlight } = opts.load;
  const slice = opts.slice ?? { index: 0, count: 1 };
  let sent = 0;
  let closedSeq = 0;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  let pendingParts = 0;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => (resolveFinished = r));

  const later = (fn: () => void, at: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, Math.max(0, at - performance.now()));
    timers.add(timer);
  };
  const partDone = (): void => {
    if (--pendingParts === 0) resolveFinished();
  };
  // An open arrival's number is its place in the whole plan, so a slice sends the same prompt
  // (and gets the same tenant and jitter) as the request would in one process. A tenant's own
  // arrival carries its tenant (planTenant), which the dispatcher keeps rather than drawing one.
  const dispatch = (seq: number, phase: number, intended: number, done: (rec: RequestRecord) => void, tenant?: number): void => {
    sent++;
    const rec = newRecord(seq, promptCycle(seq) % opts.promptCount, phase, intended);
    if (tenant !== undefined) {
      rec.tenant = tenant;
      rec.planTenant = tenant;
    }
    hooks.send(rec, done);
  };
  const complete = (rec: RequestRecord): void => hooks.onComplete(rec);

  // Open loop: one timer at a time, armed for the next intended time from the plan.
  const plan = arrivalPlan(opts.load, opts.seed);
  let planIndex = slice.index;
  const advance = (skip: number): IteratorResult<PlannedArrival> => {
    for (let i = 0; i < skip; i++) if (plan.next().done) return { done: true, value: undefined };
    return plan.next();
  };
  let next: IteratorResult<PlannedArrival> = advance(slice.index);
  const tick = (): void => {
    if (stopped) return partDone();
    const now = performance.now();
    while (!next.done && t0 + next.value.at <= now) {
      const intended = t0 + next.value.at;
      hooks.onSlip(now - intended);
      const a = next.value;
      if (hooks.inFlight() >= maxInFlight) hooks.onDropped(a.phase, intended, planIndex, a.tenant);
      else dispatch(planIndex, a.phase, intended, complete, a.tenant);
      next = advance(slice.count - 1);
      planIndex += slice.count;
    }
    if (next.done) partDone();
    else later(tick, t0 + next.value.at);
  };
  pendingParts++;

  const windows = phaseWindows(opts.load);
  for (const w of windows) {
    pendingParts++;
    later(() => {
      hooks.onPhaseStart?.(w.index);
      if (w.phase.kind !== 'closed' || stopped) return partDone();
      const end = t0 + w.end;
      const concurrency = sliceConcurrency(w.phase.concurrency, slice);
      if (concurrency === 0) return partDone();
      let workers = concurrency;
      const worker = (rec?: RequestRecord): void => {
        if (rec) complete(rec);
        const now = performance.now();
        if (stopped || now >= end) {
          if (--workers === 0) partDone();
          return;
        }
        dispatch(CLOSED_SEQ_BASE + closedSeq++ * slice.count + slice.index, w.index, now, worker);
      };
      for (let i = 0; i < concurrency; i++) worker();
    }, t0 + w.start);
  }
  if (next.done) partDone();
  else later(tick, t0 + next.value.at);

  return {
    finished,
    t0,
    stop(): void {
      if (stopped) return;
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      // Abandoned timers never run their partDone; settle now.
      timers.clear();
      resolveFinished();
    },
    sentCount: () => sent,
  };
}
