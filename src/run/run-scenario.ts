/**
 * `llm-bench run`: scenario → prompts → target → run loop → results → files → exit code.
 * The composition lives here so the CLI stays wiring and tests can run a scenario in-process.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { encodingForModel, getEncoder, loadPrompts } from '../dataset/index.js';
import { evaluateThresholds } from '../gate/evaluate.js';
import { failingAbortThreshold } from './live-thresholds.js';
import { exitCodeFor } from '../gate/exit-code.js';
import { Dispatcher } from '../load/dispatcher.js';
import { startRunLoop } from '../load/run-loop.js';
import { plannedDuration } from '../load/plan.js';
import { ClientMonitor } from '../metrics/client-health.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { Results } from '../metrics/results.js';
import { setUpChaos, type ChaosSession } from '../chaos/setup.js';
import type { ChaosTimeline } from '../chaos/timeline.js';
import type { MockServerHandle } from '../mock/server.js';
import { startMockInWorker } from '../mock/in-process.js';
import { chatProtocol } from '../protocols/chat.js';
import { HttpTransport } from '../protocols/http-transport.js';
import { checkReachable } from '../protocols/preflight.js';
import { ciOutputFiles } from '../report/ci-outputs.js';
import { renderConsole } from '../report/console.js';
import { renderHtml } from '../report/html.js';
import { writeOutputs } from '../report/write-outputs.js';
import { loadScenario, type ScenarioOverrides } from '../scenario/load.js';
import type { Scenario } from '../types.js';
import { assembleResults } from './assemble-results.js';
import type { ProgressSnapshot } from './progress.js';
import { RateLimitTracker } from './rate-limit-tracker.js';

export interface RunOptions {
  file: string;
  overrides?: ScenarioOverrides;
  env?: NodeJS.ProcessEnv;
  /** progress lines (stderr in the CLI) */
  log?: (line: string) => void;
  /** abort = stop sending, finish in-flight briefly, write partial results; reason 'SIGINT' / 'SIGTERM' */
  signal?: AbortSignal;
  /** called about once a second while the run goes */
  onProgress?: (p: ProgressSnapshot) => void;
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

  let mock: MockServerHandle | null = null;
  let chaos: ChaosSession | null = null;
  let transport: HttpTransport | null = null;
  try {
    if (target.kind === 'mock') {
      mock = await startMockInWorker({ ...scenario.mock, port: 0 });
      target.url = mock.url;
    } else {
      await checkReachable(target.url);
    }
    if (scenario.chaos) chaos = await setUpChaos(scenario.chaos, target.url, mock, scenario.seed);

    const protocol = chatProtocol(target);
    const prepared = loaded.prompts.map((p) => protocol.prepare(p));
    const phaseNames = scenario.load.phases.map((p) => p.name);
    const closedMax = Math.max(0, ...scenario.load.phases.map((p) => (p.kind === 'closed' ? p.concurrency : 0)));
    const tp = (transport = new HttpTransport({
      target: chaos ? { ...target, url: chaos.targetUrl } : target,
      protocol,
      connections: target.http.connections ?? defaultConnections(target.http.h2, Math.max(scenario.load.maxInFlight, closedMax)),
      apiKey: env[target.apiKeyEnv] || undefined,
      ...(chaos?.connectTo ? { connectTo: chaos.connectTo } : {}),
    }));
    const limitsSeen = new RateLimitTracker();
    // The run's time zero: the plan, the interval windows and the chaos timeline count from it.
    const runT0 = performance.now() + 5;
    let timeline: ChaosTimeline | null = null;
    let t0 = 0;
    const recorder = new MetricsRecorder({
      model: target.model,
      phaseNames,
      ...(scenario.tenants ? { tenantNames: scenario.tenants.map((t) => t.name) } : {}),
      ...(scenario.chaos
        ? { episodeOf: (rec) => timeline?.episodeDuring(rec.intended - t0, (Number.isNaN(rec.end) ? performance.now() : rec.end) - t0) ?? 'none' }
        : {}),
      countTokens: (pieces) => countEscaped(counter, pieces),
      inputTokensOf: (i) => loaded.prompts[i]!.inputTokens,
      ...(scenario.slo ? { slo: scenario.slo } : {}),
      series: { intervalMs: scenario.output.interval ?? defaultInterval(plannedDuration(scenario.load)), t0: runT0 },
    });
    const monitor = new ClientMonitor();
    let plannedInput = 0;
    let plannedOutput = 0;
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
        tp.send(rec, prepared[rec.promptIndex]!, done);
      },
      onRefused: (rec) => recorder.recordDropped(rec.phase, rec.tenant),
      onRetry: (rec) => {
        limitsSeen.observe(rec);
        recorder.recordRetry(rec);
      },
    });

    log(`llm-bench: ${scenario.name} → ${target.url} (${target.kind}), ${phaseNames.length} phases, ${plannedDuration(scenario.load) / 1000} s planned`);
    const startedAt = new Date();
    monitor.start();
    const loop = startRunLoop(
      { load: scenario.load, seed: scenario.seed, promptCount: prepared.length, t0: runT0 },
      {
        send: (rec, done) => dispatcher.send(rec, done),
        inFlight: () => dispatcher.inFlight,
        onComplete: (rec) => {
          limitsSeen.observe(rec);
          recorder.recordRequest(rec);
        },
        onDropped: (phase) => recorder.recordDropped(phase),
        onSlip: (ms) => monitor.recordSlip(ms),
        onPhaseStart: (i) => {
          currentPhase = phaseNames[i] ?? '';
          if (!opts.onProgress) log(`  phase ${phaseNames[i]} (${scenario.load.phases[i]!.duration / 1000} s)`);
        },
      },
    );
    t0 = loop.t0;
    let partial: { reason: string; byThreshold?: boolean } | null = null;
    const abortSpecs = scenario.thresholds.filter((t) => t.abortOnFail);
    let currentPhase = phaseNames[0] ?? '';
    let lastProgress = { at: runT0, requests: 0 };
    let tick = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      recorder.series?.sampleInFlight(dispatcher.inFlight, now);
      if (++tick % 10 !== 0) return;
      if (abortSpecs.length > 0 && partial === null) {
        const failedNow = failingAbortThreshold(abortSpecs, recorder, now - runT0);
        if (failedNow) {
          partial = { reason: `threshold ${failedNow} failed (abortOnFail)`, byThreshold: true };
          log(`llm-bench: ${partial.reason} — stopping`);
          loop.stop();
        }
      }
      if (!opts.onProgress) return;
      const ttft = recorder.histogram('ttft');
      opts.onProgress({
        elapsedMs: now - runT0,
        plannedMs: plannedDuration(scenario.load),
        phase: currentPhase,
        requests: recorder.requests,
        failed: recorder.failed,
        dropped: recorder.dropped,
        inFlight: dispatcher.inFlight,
        requestsPerSecond: ((recorder.requests - lastProgress.requests) * 1000) / Math.max(1, now - lastProgress.at),
        ttftP95Ms: ttft && ttft.totalCount > 0 ? ttft.getValueAtPercentile(95) / 1000 : null,
        saturated: monitor.liveSaturated(),
      });
      lastProgress = { at: now, requests: recorder.requests };
    }, 100);
    ticker.unref();
    timeline = chaos?.start(t0, (m) => log(`  ${m}`)) ?? null;
    const onAbort = (): void => {
      partial = { reason: String(opts.signal?.reason ?? 'interrupted') };
      log(`llm-bench: ${partial.reason} — stopping, in-flight requests get ${INTERRUPT_GRACE_MS / 1000} s`);
      loop.stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    await loop.finished;
    opts.signal?.removeEventListener('abort', onAbort);
    // The plan is over: what the pacers still hold never went out (dropped, as k6 counts
    // iterations it could not start); a request waiting to retry ends with its last failure.
    const { dropped, failed } = dispatcher.stop();
    for (const rec of dropped) recorder.recordDropped(rec.phase, rec.tenant);
    for (const rec of failed) recorder.recordRequest(rec);
    await tp.drain(partial ? Math.min(INTERRUPT_GRACE_MS, target.timeout) : target.timeout);
    await timeline?.stop();
    clearInterval(ticker);
    const endedAt = new Date();

    const limits = dispatcher.limits();
    const results = assembleResults({
      scenario,
      scenarioHash: opts.scenarioHash ?? '',
      target,
      recorder,
      client: monitor.stop(),
      startedAt,
      endedAt,
      plannedInput,
      plannedOutput,
      partial,
      ...(limits ? { pacing: { limits, ...limitsSeen.summary() } } : {}),
      ...(chaos && timeline ? { chaos: { toxiproxy: chaos.toxiproxy, episodes: timeline.stamps } } : {}),
    });
    results.thresholds = evaluateThresholds(scenario.thresholds, results);
    const summary = renderConsole(results);
    const ci: Record<string, string> = ciOutputFiles(results);
    const files = await writeOutputs(scenario.output.dir, {
      'results.json': `${JSON.stringify(results, null, 2)}\n`,
      'report.html': renderHtml(results),
      ...ci,
    });
    const stepSummary = env.GITHUB_STEP_SUMMARY;
    if (stepSummary && ci['summary.md']) await appendFile(stepSummary, ci['summary.md']).catch(() => log(`llm-bench: could not write GITHUB_STEP_SUMMARY (${stepSummary})`));
    const interrupted = partial !== null && !(partial as { byThreshold?: boolean }).byThreshold;
    const exitCode = interrupted ? (opts.signal?.reason === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT) : exitCodeFor(results.thresholds);
    return { results, exitCode, outputDir: scenario.output.dir, files, summary };
  } finally {
    await transport?.close();
    await chaos?.cleanup();
    await mock?.close();
  }
}

/** Interrupted runs exit like a shell reports a signal: distinct from 0–3. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;
const INTERRUPT_GRACE_MS = 5_000;

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
function defaultInterval(plannedMs: number): number {
  return plannedMs >= 3_600_000 ? 10_000 : 1_000;
}
