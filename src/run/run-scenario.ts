/**
 * `llm-bench run`: scenario → prompts → target → run loop → results → files → exit code.
 * The composition lives here so the CLI stays wiring and tests can run a scenario in-process.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { encodingForModel, getEncoder, loadPrompts } from '../dataset/index.js';
import { evaluateThresholds } from '../gate/evaluate.js';
import { exitCodeFor } from '../gate/exit-code.js';
import { Dispatcher } from '../load/dispatcher.js';
import { startRunLoop } from '../load/run-loop.js';
import { phaseWindows, plannedCounts, plannedDuration } from '../load/plan.js';
import { ClientMonitor } from '../metrics/client-health.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { Results } from '../metrics/results.js';
import { startMockInWorker } from '../mock/in-process.js';
import { chatProtocol } from '../protocols/chat.js';
import { HttpTransport } from '../protocols/http-transport.js';
import { checkReachable } from '../protocols/preflight.js';
import { renderConsole } from '../report/console.js';
import { writeOutputs } from '../report/write-outputs.js';
import { loadScenario, type ScenarioOverrides } from '../scenario/load.js';
import type { Scenario } from '../types.js';
import { toolVersion } from '../version.js';
import { RateLimitTracker } from './rate-limit-tracker.js';

export interface RunOptions {
  file: string;
  overrides?: ScenarioOverrides;
  env?: NodeJS.ProcessEnv;
  /** progress lines (stderr in the CLI) */
  log?: (line: string) => void;
}

export interface RunOutcome {
  results: Results;
  exitCode: number;
  outputDir: string;
  files: string[];
  summary: string;
}

export async function runScenarioFile(opts: RunOptions): Promise<RunOutcome> {
  const scenario = await loadScenario(opts.file, opts.overrides);
  const text = await readFile(opts.file);
  return runScenario(scenario, { ...opts, scenarioHash: createHash('sha256').update(text).digest('hex').slice(0, 16) });
}

export async function runScenario(
  scenario: Scenario,
  opts: Omit<RunOptions, 'file' | 'overrides'> & { scenarioHash?: string },
): Promise<RunOutcome> {
  const log = opts.log ?? (() => undefined);
  const env = opts.env ?? process.env;
  const target = { ...scenario.target };
  const loaded = await loadPrompts(scenario.dataset, { model: target.model, seed: scenario.seed });
  const counter = await getEncoder(encodingForModel(target.model).encoding);

  let mock: { url: string; close(): Promise<void> } | null = null;
  if (target.kind === 'mock') {
    mock = await startMockInWorker({ ...scenario.mock, port: 0 });
    target.url = mock.url;
  } else {
    await checkReachable(target.url);
  }

  const protocol = chatProtocol(target);
  const prepared = loaded.prompts.map((p) => protocol.prepare(p));
  const phaseNames = scenario.load.phases.map((p) => p.name);
  const closedMax = Math.max(0, ...scenario.load.phases.map((p) => (p.kind === 'closed' ? p.concurrency : 0)));
  const transport = new HttpTransport({
    target,
    protocol,
    connections: target.http.connections ?? defaultConnections(target.http.h2, Math.max(scenario.load.maxInFlight, closedMax)),
    apiKey: env[target.apiKeyEnv] || undefined,
  });
  const limitsSeen = new RateLimitTracker();
  let dispatcherRef: Dispatcher | null = null;
  const recorder = new MetricsRecorder({
    model: target.model,
    phaseNames,
    ...(scenario.tenants ? { tenantNames: scenario.tenants.map((t) => t.name) } : {}),
    countTokens: (pieces) => countEscaped(counter, pieces),
    inputTokensOf: (i) => loaded.prompts[i]!.inputTokens,
  });
  const monitor = new ClientMonitor();
  let plannedInput = 0;
  let plannedOutput = 0;

  const planned = plannedDuration(scenario.load);
  log(`llm-bench: ${scenario.name} → ${target.url} (${target.kind}), ${phaseNames.length} phases, ${planned / 1000} s planned`);
  const startedAt = new Date();
  monitor.start();
  try {
    const dispatcher = new Dispatcher({
      seed: scenario.seed,
      ...(scenario.pacing ? { pacing: scenario.pacing } : {}),
      ...(scenario.retry ? { retry: scenario.retry } : {}),
      ...(scenario.tenants ? { tenants: scenario.tenants } : {}),
      budgetOf: (i) => loaded.prompts[i]!.inputTokens + loaded.prompts[i]!.maxOutputTokens,
      sendAttempt: (rec, done) => {
        const prompt = loaded.prompts[rec.promptIndex]!;
        plannedInput += prompt.inputTokens;
        plannedOutput += prompt.maxOutputTokens;
        transport.send(rec, prepared[rec.promptIndex]!, done);
      },
      onRefused: (rec) => recorder.recordDropped(rec.phase, rec.tenant),
      onRetry: (rec) => {
        limitsSeen.observe(rec);
        recorder.recordRetry(rec);
      },
    });
    dispatcherRef = dispatcher;
    const loop = startRunLoop(
      { load: scenario.load, seed: scenario.seed, promptCount: prepared.length },
      {
        send: (rec, done) => dispatcher.send(rec, done),
        inFlight: () => dispatcher.inFlight,
        onComplete: (rec) => {
          limitsSeen.observe(rec);
          recorder.recordRequest(rec);
        },
        onDropped: (phase) => recorder.recordDropped(phase),
        onSlip: (ms) => monitor.recordSlip(ms),
        onPhaseStart: (i) => log(`  phase ${phaseNames[i]} (${scenario.load.phases[i]!.duration / 1000} s)`),
      },
    );
    await loop.finished;
    // The plan is over: what the pacers still hold never went out (dropped, as k6 counts
    // iterations it could not start); a request waiting to retry ends with its last failure.
    const { dropped, failed } = dispatcher.stop();
    for (const rec of dropped) recorder.recordDropped(rec.phase, rec.tenant);
    for (const rec of failed) recorder.recordRequest(rec);
    await transport.drain(target.timeout);
  } finally {
    await transport.close();
    await mock?.close();
  }
  const endedAt = new Date();
  const client = monitor.stop();
  const durationMs = endedAt.getTime() - startedAt.getTime();

  const counts = recorder.counts();
  const t = recorder.tokens;
  const sent = counts.requests;
  const planCounts = plannedCounts(scenario.load, scenario.seed);
  const results: Results = {
    meta: {
      tool: 'llm-bench',
      version: toolVersion(),
      scenario: scenario.name,
      scenarioFile: scenario.file,
      scenarioHash: opts.scenarioHash ?? '',
      seed: scenario.seed,
      node: process.version,
      host: hostname(),
      platform: `${process.platform}-${process.arch}`,
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      durationMs,
      plannedDurationMs: planned,
      target: { kind: target.kind, url: target.url, api: target.api, model: target.model },
    },
    metrics: recorder.metrics(),
    counts,
    tokens: {
      input: t.input,
      output: t.output,
      outputSource: t.fromUsage > 0 && t.fromTiktoken > 0 ? 'mixed' : t.fromUsage > 0 ? 'usage' : t.fromTiktoken > 0 ? 'tiktoken' : 'none',
      plannedInput,
      plannedOutput,
      tokensPerEvent: t.eventsWithUsage > 0 ? round3(t.outputWithUsage / t.eventsWithUsage) : null,
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
    client,
    errors: recorder.errors(),
  };
  const pacingLimits = dispatcherRef ? (dispatcherRef as Dispatcher).limits() : null;
  if (pacingLimits) results.pacing = { limits: pacingLimits, ...limitsSeen.summary() };
  results.thresholds = evaluateThresholds(scenario.thresholds, results);
  const summary = renderConsole(results);
  const files = await writeOutputs(scenario.output.dir, { 'results.json': `${JSON.stringify(results, null, 2)}\n` });
  return { results, exitCode: exitCodeFor(results.thresholds), outputDir: scenario.output.dir, files, summary };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

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

