/**
 * Sends one slice of a scenario's plan and measures it: the run loop, the dispatcher (pacing,
 * retries, tenants), the transport and the recorder. A whole run is the slice 0 of 1; worker
 * threads and shards run the others. What is shared by every slice — the mock, the chaos
 * proxy and its timeline, the output files — lives with the caller.
 */
import { encodingForModel, getEncoder } from '../dataset/index.js';
import { Dispatcher } from '../load/dispatcher.js';
import { plannedDuration } from '../load/plan.js';
import { startRunLoop, type PlanSlice } from '../load/run-loop.js';
import { ClientMonitor, type ClientHealth } from '../metrics/client-health.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { RequestRecord } from '../record.js';
import { HttpTransport } from '../protocols/http-transport.js';
import { protocolFor } from '../protocols/index.js';
import { RequestLog } from '../report/request-log.js';
import type { Scenario, TargetSpec } from '../types.js';
import { failingAbortThreshold } from './live-thresholds.js';
import { loadRunDatasets, promptTable } from './prompt-table.js';
import { RateLimitTracker } from './rate-limit-tracker.js';

export interface SliceSetup {
  scenario: Scenario;
  /** the target as the results name it (url resolved for the mock) */
  target: TargetSpec;
  /** where requests go: the target, or the chaos proxy in front of it */
  sendUrl: string;
  connectTo?: { host: string; port: number };
  apiKey?: string;
  slice: PlanSlice;
  /**
   * Called once everything is ready to send (prompts read, encoder loaded): returns the run's
   * time zero as performance.now() in this thread. Slices in other threads wait for the same.
   */
  start(): number | Promise<number>;
  /** the chaos episode a request lived through, from/to in ms since t0 */
  episodeOf?: (fromMs: number, toMs: number) => string;
  /** stream requests.jsonl (or a part of it) here */
  requestLog?: { dir: string; name: string } | null;
  /** false when the parent of several worker threads checks abortOnFail on all slices together */
  checkAbort?: boolean;
}

export interface SliceTick {
  /** ms since t0 */
  elapsedMs: number;
  phase: string;
  inFlight: number;
  recorder: MetricsRecorder;
  saturated: boolean;
}

export interface SliceControl {
  log(line: string): void;
  /** about once a second */
  onTick?(t: SliceTick): void;
  /** aborted = stop sending; in-flight requests get `graceMs` */
  stop: AbortSignal;
  graceMs: number;
}

export interface SliceOutcome {
  recorder: MetricsRecorder;
  client: ClientHealth;
  plannedInput: number;
  plannedOutput: number;
  /** set when the slice stopped early: a signal, or an abortOnFail threshold of its own */
  partial: { reason: string; byThreshold?: boolean } | null;
  pacingLimits: { rpm: number | null; tpm: number | null } | null;
  limitsSeen: ReturnType<RateLimitTracker['summary']>;
}

export async function runSlice(setup: SliceSetup, control: SliceControl): Promise<SliceOutcome> {
  const { slice } = setup;
  const scenario = sliceShare(setup.scenario, slice);
  const target = { ...setup.target, http: scenario.target.http };
  const datasets = await loadRunDatasets(scenario, target.model);
  const counter = await getEncoder(encodingForModel(target.model).encoding);
  const protocol = protocolFor(target);
  // One table for every dataset: rec.promptIndex indexes it once the dispatcher knows the tenant.
  const table = promptTable(datasets, (p) => protocol.prepare(p));
  const prompts = table.prompts;
  const phaseNames = scenario.load.phases.map((p) => p.name);
  const closedMax = Math.max(0, ...scenario.load.phases.map((p) => (p.kind === 'closed' ? p.concurrency : 0)));
  const transport = new HttpTransport({
    target: { ...target, url: setup.sendUrl },
    protocol,
    connections: target.http.connections ?? defaultConnections(target.http.h2, Math.max(scenario.load.maxInFlight, closedMax)),
    apiKey: setup.apiKey,
    ...(setup.connectTo ? { connectTo: setup.connectTo } : {}),
  });
  let requestLog: RequestLog | null = null;
  try {
    const t0 = await setup.start();
    if (setup.requestLog) requestLog = await RequestLog.open(setup.requestLog.dir, setup.requestLog.name, t0);
    const limitsSeen = new RateLimitTracker();
    const episodeOf = setup.episodeOf;
    const recorder = new MetricsRecorder({
      model: target.model,
      phaseNames,
      ...(scenario.tenants ? { tenantNames: scenario.tenants.map((t) => t.name) } : {}),
      ...(episodeOf ? { episodeOf: (rec) => episodeOf(rec.intended - t0, (Number.isNaN(rec.end) ? performance.now() : rec.end) - t0) } : {}),
      countTokens: (pieces) => countEscaped(counter, pieces),
      inputTokensOf: (i) => prompts[i]!.inputTokens,
      ...(scenario.slo ? { slo: scenario.slo } : {}),
      series: { intervalMs: scenario.output.interval ?? defaultInterval(plannedDuration(scenario.load)), t0 },
    });
    const tenantNames = scenario.tenants?.map((t) => t.name);
    const finished = (rec: RequestRecord): void => {
      recorder.recordRequest(rec);
      requestLog?.write(rec, {
        phase: phaseNames[rec.phase] ?? '',
        outputTokens: rec.usageOutputTokens,
        ...(tenantNames ? { tenant: tenantNames[rec.tenant] ?? '' } : {}),
        ...(episodeOf ? { episode: episodeOf(rec.intended - t0, (Number.isNaN(rec.end) ? performance.now() : rec.end) - t0) } : {}),
      });
    };
    const monitor = new ClientMonitor();
    let plannedInput = 0;
    let plannedOutput = 0;
    const dispatcher = new Dispatcher({
      seed: scenario.seed,
      ...(scenario.pacing ? { pacing: scenario.pacing } : {}),
      ...(scenario.retry ? { retry: scenario.retry } : {}),
      ...(scenario.tenants ? { tenants: scenario.tenants } : {}),
      budgetOf: (i) => prompts[i]!.inputTokens + prompts[i]!.maxOutputTokens,
      ...(scenario.tenants ? { promptOf: (tenant: number, seq: number) => table.indexOf(tenant, seq) } : {}),
      sendAttempt: (rec, done) => {
        const prompt = prompts[rec.promptIndex]!;
        plannedInput += prompt.inputTokens;
        plannedOutput += prompt.maxOutputTokens;
        transport.send(rec, table.prepared[rec.promptIndex]!, done);
      },
      onRefused: (rec) => recorder.recordDropped(rec.phase, rec.tenant),
      onRetry: (rec) => {
        limitsSeen.observe(rec);
        recorder.recordRetry(rec);
      },
    });

    let currentPhase = phaseNames[0] ?? '';
    monitor.start();
    const loop = startRunLoop(
      // The run loop cycles through the scenario's dataset (the table's first part); the
      // dispatcher moves a tenant with a dataset of its own into its part.
      { load: scenario.load, seed: scenario.seed, promptCount: datasets.scenario.prompts.length, t0, slice },
      {
        send: (rec, done) => dispatcher.send(rec, done),
        inFlight: () => dispatcher.inFlight,
        onComplete: (rec) => {
          limitsSeen.observe(rec);
          finished(rec);
        },
        onDropped: (phase, _intended, seq, tenant) => recorder.recordDropped(phase, dispatcher.tenantFor(seq, tenant)),
        onSlip: (ms) => monitor.recordSlip(ms),
        onPhaseStart: (i) => {
          currentPhase = phaseNames[i] ?? '';
          if (!control.onTick && slice.index === 0) control.log(`  phase ${phaseNames[i]} (${scenario.load.phases[i]!.duration / 1000} s)`);
        },
      },
    );
    let partial: SliceOutcome['partial'] = null;
    const abortSpecs = setup.checkAbort === false ? [] : scenario.thresholds.filter((t) => t.abortOnFail);
    let tick = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      recorder.series?.sampleInFlight(dispatcher.inFlight, now);
      if (++tick % 10 !== 0) return;
      if (abortSpecs.length > 0 && partial === null) {
        const failedNow = failingAbortThreshold(abortSpecs, recorder, now - t0);
        if (failedNow) {
          partial = { reason: `threshold ${failedNow} failed (abortOnFail)`, byThreshold: true };
          control.log(`llm-bench: ${partial.reason} — stopping`);
          loop.stop();
        }
      }
      control.onTick?.({ elapsedMs: now - t0, phase: currentPhase, inFlight: dispatcher.inFlight, recorder, saturated: monitor.liveSaturated() });
    }, 100);
    ticker.unref();
    const onStop = (): void => {
      partial ??= { reason: String(control.stop.reason ?? 'interrupted') };
      loop.stop();
    };
    if (control.stop.aborted) onStop();
    else control.stop.addEventListener('abort', onStop, { once: true });
    await loop.finished;
    control.stop.removeEventListener('abort', onStop);
    // The plan is over: what the pacers still hold never went out (dropped, as k6 counts
    // iterations it could not start); a request waiting to retry ends with its last failure.
    const leftover = dispatcher.stop();
    for (const rec of leftover.dropped) recorder.recordDropped(rec.phase, rec.tenant);
    for (const rec of leftover.failed) finished(rec);
    await transport.drain(partial ? Math.min(control.graceMs, target.timeout) : target.timeout);
    clearInterval(ticker);
    await requestLog?.close();
    requestLog = null;
    return {
      recorder,
      client: monitor.stop(),
      plannedInput,
      plannedOutput,
      partial,
      pacingLimits: dispatcher.limits(),
      limitsSeen: limitsSeen.summary(),
    };
  } finally {
    await requestLog?.close().catch(() => undefined);
    await transport.close();
  }
}

/**
 * A slice's share of what the scenario budgets for the whole run: request and token rates
 * (through the pacing headroom, which scales configured and learnt limits alike), tenant rates
 * and daily budgets. Concurrency and arrivals are split by the run loop — a tenant's own `rate`
 * too: its arrivals are part of the plan the slices partition, so it is not scaled here.
 */
export function sliceShare(scenario: Scenario, slice: PlanSlice): Scenario {
  if (slice.count <= 1) return scenario;
  const share = 1 / slice.count;
  const part = (n: number | undefined): number | undefined => (n === undefined ? undefined : n * share);
  const connections = scenario.target.http.connections;
  return {
    ...scenario,
    load: { ...scenario.load, maxInFlight: Math.max(1, Math.ceil(scenario.load.maxInFlight * share)) },
    ...(connections !== undefined ? { target: { ...scenario.target, http: { ...scenario.target.http, connections: Math.max(1, Math.ceil(connections * share)) } } } : {}),
    ...(scenario.pacing ? { pacing: { ...scenario.pacing, headroom: scenario.pacing.headroom * share } } : {}),
    ...(scenario.tenants
      ? {
          tenants: scenario.tenants.map((t) => {
            const out = { ...t };
            // A tenant's pacer works to rpm × the pacing section's headroom, which is already
            // shared out above: its rates are divided only when there is no pacing section.
            const keys = scenario.pacing ? (['dailyRequests', 'dailyTokens'] as const) : (['rpm', 'tpm', 'dailyRequests', 'dailyTokens'] as const);
            for (const key of keys) {
              const v = part(t[key]);
              if (v === undefined) delete out[key];
              else out[key] = key.startsWith('daily') ? Math.max(1, Math.round(v)) : v;
            }
            return out;
          }),
        }
      : {}),
  };
}

/** Output tokens of streamed text kept JSON-escaped; a piece that will not decode counts as one. */
function countEscaped(counter: { count(text: string): number }, pieces: string[]): number {
  try {
    return counter.count(JSON.parse(`"${pieces.join('')}"`) as string);
  } catch {
    return pieces.length;
  }
}

/** HTTP/1.1 needs a connection per in-flight request; HTTP/2 multiplexes ~100 streams on one. */
function defaultConnections(h2: boolean, inFlight: number): number {
  return h2 ? Math.max(1, Math.ceil(inFlight / 100)) : inFlight;
}

/** One-second windows show a short run's shape; hour-long soaks keep 10 s windows to stay small. */
export function defaultInterval(plannedMs: number): number {
  return plannedMs >= 3_600_000 ? 10_000 : 1_000;
}
