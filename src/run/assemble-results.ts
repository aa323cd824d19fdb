/** Everything a run measured → the results.json shape (thresholds are evaluated afterwards). */
import { hostname } from 'node:os';
import { phaseWindows, plannedCounts, plannedDuration } from '../load/plan.js';
import type { ClientHealth } from '../metrics/client-health.js';
import { costOf, priceFor } from '../metrics/pricing.js';
import { computeDrift } from '../metrics/drift.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { Results } from '../metrics/results.js';
import type { Scenario, TargetSpec } from '../types.js';
import { toolVersion } from '../version.js';
import type { SliceOutcome } from './slice-runner.js';

export interface RunFacts {
  scenario: Scenario;
  scenarioHash: string;
  target: TargetSpec;
  recorder: MetricsRecorder;
  client: ClientHealth;
  startedAt: Date;
  endedAt: Date;
  plannedInput: number;
  plannedOutput: number;
  partial: { reason: string } | null;
  /** the slice of the plan this process sent (shards, worker threads) */
  slice?: { index: number; count: number };
  pacing?: Results['pacing'];
  chaos?: Results['chaos'];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function assembleResults(f: RunFacts): Results {
  const { scenario, recorder, target } = f;
  const durationMs = f.endedAt.getTime() - f.startedAt.getTime();
  const counts = recorder.counts();
  const t = recorder.tokens;
  const sent = counts.requests;
  const planCounts = plannedCounts(scenario.load, scenario.seed, f.slice);
  const results: Results = {
    meta: {
      tool: 'llm-bench',
      version: toolVersion(),
      scenario: scenario.name,
      scenarioFile: scenario.file,
      scenarioHash: f.scenarioHash,
      seed: scenario.seed,
      node: process.version,
      host: hostname(),
      platform: `${process.platform}-${process.arch}`,
      startedAt: f.startedAt.toISOString(),
      endedAt: f.endedAt.toISOString(),
      durationMs,
      plannedDurationMs: plannedDuration(scenario.load),
      target: { kind: target.kind, url: target.url, api: target.api, model: target.model },
      partial: f.partial !== null,
      ...(f.partial ? { partialReason: f.partial.reason } : {}),
    },
    metrics: recorder.metrics(),
    counts,
    tokens: {
      input: t.input,
      cachedInput: t.cachedInput,
      output: t.output,
      outputSource: t.fromUsage > 0 && t.fromTiktoken > 0 ? 'mixed' : t.fromUsage > 0 ? 'usage' : t.fromTiktoken > 0 ? 'tiktoken' : 'none',
      plannedInput: f.plannedInput,
      plannedOutput: f.plannedOutput,
      tokensPerEvent: t.eventsWithUsage > 0 ? round3(t.outputWithUsage / t.eventsWithUsage) : null,
      partialAttempts: recorder.partial.attempts,
      partialInput: recorder.partial.input,
      partialCachedInput: recorder.partial.cachedInput,
      partialOutput: recorder.partial.output,
    },
    throughput: {
      requestsPerSecond: round3(sent / (durationMs / 1000)),
      outputTokensPerSecond: round3(t.output / (durationMs / 1000)),
    },
    errorRate: sent > 0 ? counts.failed / sent : 0,
    phases: phaseWindows(scenario.load).map((w) => ({
      name: w.phase.name,
      kind: w.phase.kind,
      startMs: w.start,
      durationMs: w.phase.duration,
      planned: planCounts[w.index] ?? null,
    })),
    thresholds: [],
    client: f.client,
    errors: recorder.errors(),
    series: { intervalMs: recorder.series?.intervalMs ?? 0, windows: recorder.series?.finish() ?? [] },
  };
  if (scenario.slo) {
    const total = counts.requests + counts.dropped;
    const slo = scenario.slo;
    results.goodput = {
      slo: { ...(slo.ttft !== undefined ? { ttftMs: slo.ttft } : {}), ...(slo.e2e !== undefined ? { e2eMs: slo.e2e } : {}), ...(slo.tpot !== undefined ? { tpotMs: slo.tpot } : {}) },
      good: recorder.good,
      total,
      rate: total > 0 ? recorder.good / total : 0,
      perSecond: round3(recorder.good / (durationMs / 1000)),
    };
  }
  const quote = priceFor(target.model, scenario.pricing);
  if (quote) results.cost = costOf({ input: t.input, cachedInput: t.cachedInput, output: t.output }, quote, counts.ok, recorder.partial);
  const drift = computeDrift(results.series, scenario.drift.map((d) => d.metric), { durationMs, plannedDurationMs: results.meta.plannedDurationMs });
  if (drift) results.drift = drift;
  if (f.pacing) results.pacing = f.pacing;
  if (f.chaos) results.chaos = f.chaos;
  return results;
}

/** The results of one slice as the slice runner left them (a whole run, a shard, or one worker thread). */
export function sliceResults(
  out: SliceOutcome,
  f: Pick<RunFacts, 'scenario' | 'scenarioHash' | 'target' | 'startedAt'> & { slice: { index: number; count: number } },
): Results {
  return assembleResults({
    ...f,
    recorder: out.recorder,
    client: out.client,
    endedAt: new Date(),
    plannedInput: out.plannedInput,
    plannedOutput: out.plannedOutput,
    partial: out.partial,
    ...(out.pacingLimits ? { pacing: { limits: out.pacingLimits, ...out.limitsSeen } } : {}),
  });
}
