/**
 * `llm-bench run`: scenario → prompts → target → run loop → results → files → exit code.
 * The composition lives here so the CLI stays wiring and tests can run a scenario in-process.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setUpChaos, type ChaosSession } from '../chaos/setup.js';
import type { ChaosTimeline } from '../chaos/timeline.js';
import { evaluateDrift } from '../gate/drift.js';
import { evaluateThresholds } from '../gate/evaluate.js';
import { exitCodeFor } from '../gate/exit-code.js';
import { plannedDuration } from '../load/plan.js';
import type { Results } from '../metrics/results.js';
import { startMockInWorker } from '../mock/in-process.js';
import type { MockServerHandle } from '../mock/server.js';
import { calibrateRtt } from '../protocols/calibrate.js';
import { checkReachable } from '../protocols/preflight.js';
import { ciOutputFiles } from '../report/ci-outputs.js';
import { renderConsole } from '../report/console.js';
import { renderHtml } from '../report/html.js';
import { checkOutputDir, writeOutputs } from '../report/write-outputs.js';
import { loadScenario, type ScenarioOverrides } from '../scenario/load.js';
import type { Scenario } from '../types.js';
import { sliceResults } from './assemble-results.js';
import { mergeResults } from './merge-results.js';
import { loadRunDatasets, outputLimitWarning } from './prompt-table.js';
import type { ProgressSnapshot } from './progress.js';
import { runInWorkers } from './run-workers.js';
import { runSlice, type SliceTick } from './slice-runner.js';

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
  /** send only this slice of the plan (1-based index): one machine of a distributed run */
  shard?: { index: number; count: number };
  /** worker threads that split this process's plan between them (default 1) */
  workers?: number;
  /** epoch ms: wait until then before the run's time zero (shards started apart line up) */
  startAt?: number;
  /** also write requests.jsonl */
  requestsLog?: boolean;
  /** --out was given: shards write there rather than into a shard-i-of-n subdirectory */
  outputDirChosen?: boolean;
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
  return runScenario(scenario, { ...opts, outputDirChosen: opts.overrides?.out !== undefined, scenarioHash: createHash('sha256').update(text).digest('hex').slice(0, 16) });
}

export async function runScenario(
  scenario: Scenario,
  opts: Omit<RunOptions, 'file' | 'overrides'> & { scenarioHash?: string },
): Promise<RunOutcome> {
  const log = opts.log ?? (() => undefined);
  const env = opts.env ?? process.env;
  const target = { ...scenario.target };
  const shard = opts.shard ?? { index: 1, count: 1 };
  const slice = { index: shard.index - 1, count: shard.count };
  const workers = Math.max(1, opts.workers ?? 1);
  // Read (and token-count) every dataset — the scenario's and the tenants' own — before anything
  // starts: their mistakes exit 2 with nothing written, and worker threads then find the token
  // budgets cached.
  const limitWarning = outputLimitWarning(target.api, await loadRunDatasets(scenario, target.model));
  if (limitWarning) log(`llm-bench: warning: ${limitWarning}`);
  const outputDir = shard.count > 1 && !opts.outputDirChosen ? path.join(scenario.output.dir, `shard-${shard.index}-of-${shard.count}`) : scenario.output.dir;
  await checkOutputDir(outputDir, opts.outputDirChosen ? '--out' : 'output.dir');

  let mock: MockServerHandle | null = null;
  let chaos: ChaosSession | null = null;
  try {
    if (target.kind === 'mock') {
      mock = await startMockInWorker({ ...scenario.mock, port: 0 });
      target.url = mock.url;
    } else {
      await checkReachable(target.url);
    }
    if (scenario.chaos) chaos = await setUpChaos(scenario.chaos, target.url, mock, scenario.seed);
    const apiKey = env[target.apiKeyEnv] || undefined;
    const sendUrl = chaos ? chaos.targetUrl : target.url;
    const connectTo = chaos?.connectTo;
    const calibration = await calibrateRtt({
      url: sendUrl,
      ...(apiKey ? { apiKey } : {}),
      ...(target.http.insecure ? { insecure: true } : {}),
      ...(connectTo ? { connectTo } : {}),
    });
    const plannedMs = plannedDuration(scenario.load);
    let runT0 = 0;
    let startedAt = new Date();
    let timeline: ChaosTimeline | null = null;
    // Called once the slice(s) can send: the run's time zero, from which the plan, the interval
    // windows and the chaos timeline count.
    const begin = (): number => {
      const waitMs = opts.startAt !== undefined ? opts.startAt - Date.now() : 0;
      if (waitMs > 0) log(`llm-bench: waiting ${(waitMs / 1000).toFixed(1)} s to start at ${new Date(opts.startAt!).toISOString()}`);
      else if (waitMs < -LATE_START_WARN_MS) {
        log(`llm-bench: warning: --start-at ${new Date(opts.startAt!).toISOString()} passed ${(-waitMs / 1000).toFixed(1)} s ago; this run starts now, that far behind runs that started on time`);
      }
      runT0 = performance.now() + Math.max(START_LEAD_MS, waitMs);
      startedAt = new Date(performance.timeOrigin + runT0);
      timeline = chaos?.start(runT0, (m) => log(`  ${m}`)) ?? null;
      return runT0;
    };
    const episodeOf = (from: number, to: number): string => timeline?.episodeDuring(from, to) ?? 'none';
    const part = shard.count > 1 ? `, shard ${shard.index}/${shard.count}` : '';
    log(`llm-bench: ${scenario.name} → ${target.url} (${target.kind}), ${scenario.load.phases.length} phases, ${plannedMs / 1000} s planned${part}${workers > 1 ? `, ${workers} workers` : ''}`);
    const stop = new AbortController();
    const onAbort = (): void => {
      log(`llm-bench: ${String(opts.signal?.reason ?? 'interrupted')} — stopping, in-flight requests get ${INTERRUPT_GRACE_MS / 1000} s`);
      stop.abort(opts.signal?.reason ?? 'interrupted');
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const requestLogDir = opts.requestsLog || scenario.output.requests ? outputDir : null;

    let results: Results;
    let partial: { reason: string; byThreshold?: boolean } | null;
    try {
      if (workers === 1) {
        let lastProgress = { at: 0, requests: 0 };
        const onProgress = opts.onProgress;
        const out = await runSlice(
          {
            scenario,
            target,
            sendUrl,
            ...(connectTo ? { connectTo } : {}),
            ...(apiKey ? { apiKey } : {}),
            slice,
            start: () => {
              lastProgress.at = begin();
              return runT0;
            },
            ...(scenario.chaos ? { episodeOf } : {}),
            ...(requestLogDir ? { requestLog: { dir: requestLogDir, name: 'requests.jsonl' } } : {}),
          },
          {
            log,
            stop: stop.signal,
            graceMs: INTERRUPT_GRACE_MS,
            ...(onProgress
              ? {
                  onTick: (t: SliceTick) => {
                    const now = runT0 + t.elapsedMs;
                    const ttft = t.recorder.histogram('ttft');
                    onProgress({
                      elapsedMs: t.elapsedMs,
                      plannedMs,
                      phase: t.phase,
                      requests: t.recorder.requests,
                      failed: t.recorder.failed,
                      dropped: t.recorder.dropped,
                      inFlight: t.inFlight,
                      requestsPerSecond: ((t.recorder.requests - lastProgress.requests) * 1000) / Math.max(1, now - lastProgress.at),
                      ttftP95Ms: ttft && ttft.totalCount > 0 ? ttft.getValueAtPercentile(95) / 1000 : null,
                      saturated: t.saturated,
                    });
                    lastProgress = { at: now, requests: t.recorder.requests };
                  },
                }
              : {}),
          },
        );
        partial = out.partial;
        results = sliceResults(out, { scenario, scenarioHash: opts.scenarioHash ?? '', target, startedAt, slice });
      } else {
        const out = await runInWorkers({
          data: {
            scenario,
            target,
            sendUrl,
            ...(connectTo ? { connectTo } : {}),
            ...(apiKey ? { apiKey } : {}),
            graceMs: INTERRUPT_GRACE_MS,
          },
          begin,
          shard: slice,
          workers,
          requestLogDir,
          log,
          stop: stop.signal,
          plannedMs,
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        });
        partial = out.partial;
        results = mergeResults(out.parts, { allowMismatch: true });
        results.meta.partial = partial !== null;
        if (partial) results.meta.partialReason = partial.reason;
        else delete results.meta.partialReason;
        delete results.meta.mergedFrom;
        results.meta.workers = workers;
        results.meta.startedAt = startedAt.toISOString();
        results.meta.scenarioHash = opts.scenarioHash ?? '';
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await (timeline as ChaosTimeline | null)?.stop();
    }
    if (shard.count > 1) results.meta.shard = { ...shard };
    results.calibration = { rtt: calibration };
    const played = timeline as ChaosTimeline | null;
    if (chaos && played) results.chaos = { toxiproxy: chaos.toxiproxy, episodes: played.stamps };
    results.thresholds = [...evaluateThresholds(scenario.thresholds, results), ...evaluateDrift(scenario.drift, results)];
    const summary = renderConsole(results);
    const ci: Record<string, string> = ciOutputFiles(results);
    const files = await writeOutputs(outputDir, {
      'results.json': `${JSON.stringify(results, null, 2)}\n`,
      'report.html': renderHtml(results),
      ...ci,
    });
    if (requestLogDir) files.push(path.join(outputDir, 'requests.jsonl'));
    const stepSummary = env.GITHUB_STEP_SUMMARY;
    if (stepSummary && ci['summary.md']) await appendFile(stepSummary, ci['summary.md']).catch(() => log(`llm-bench: could not write GITHUB_STEP_SUMMARY (${stepSummary})`));
    const interrupted = partial !== null && !partial.byThreshold;
    const exitCode = interrupted ? (opts.signal?.reason === 'SIGTERM' ? EXIT_SIGTERM : EXIT_SIGINT) : exitCodeFor(results.thresholds);
    return { results, exitCode, outputDir, files, summary };
  } finally {
    await chaos?.cleanup();
    await mock?.close();
  }
}

/** Interrupted runs exit like a shell reports a signal: distinct from 0–3. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;
const INTERRUPT_GRACE_MS = 5_000;
/** Time zero is set this far ahead, so arming the loop (and telling worker threads) never makes the first arrivals late. */
const START_LEAD_MS = 50;
/** a shard this late to --start-at runs visibly behind the others: say so */
const LATE_START_WARN_MS = 1000;

