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
  /** An open-loop arrival was not sent because maxInFlight requests were already out. */
  onDropped(phase: number, intended: number): void;
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
  let seq = 0;
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
  const dispatch = (phase: number, intended: number, done: (rec: RequestRecord) => void): void => {
    const n = seq++;
    const rec = newRecord(n, n % opts.promptCount, phase, intended);
    hooks.send(rec, done);
  };
  const complete = (rec: RequestRecord): void => hooks.onComplete(rec);

  // Open loop: one timer at a time, armed for the next intended time from the plan.
  const plan = arrivalPlan(opts.load, opts.seed);
  let next: IteratorResult<PlannedArrival> = plan.next();
  const tick = (): void => {
    if (stopped) return partDone();
    const now = performance.now();
    while (!next.done && t0 + next.value.at <= now) {
      const intended = t0 + next.value.at;
      hooks.onSlip(now - intended);
      if (hooks.inFlight() >= maxInFlight) hooks.onDropped(next.value.phase, intended);
      else dispatch(next.value.phase, intended, complete);
      next = plan.next();
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
      let workers = w.phase.concurrency;
      const worker = (rec?: RequestRecord): void => {
        if (rec) complete(rec);
        const now = performance.now();
        if (stopped || now >= end) {
          if (--workers === 0) partDone();
          return;
        }
        dispatch(w.index, now, worker);
      };
      for (let i = 0; i < w.phase.concurrency; i++) worker();
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
    sentCount: () => seq,
  };
}
