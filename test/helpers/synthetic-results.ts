/**
 * results.json built from synthetic requests run through the real MetricsRecorder, so compare
 * tests see the same histograms (and hdr encodings) a run writes.
 */
import { newRecord } from '../../src/record.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { Results } from '../../src/metrics/results.js';
import { createRng } from '../../src/random.js';

export interface SyntheticRun {
  seed: number;
  requests?: number;
  /** lognormal TTFT: median (ms) and log-space sd */
  ttftMedianMs?: number;
  ttftSigma?: number;
  /** multiplies every TTFT (1.2 = 20 % slower) */
  ttftScale?: number;
  /** share of requests that fail with a 503 */
  errorRate?: number;
  durationMs?: number;
}

const PHASES = ['warmup', 'steady'];

export function syntheticResults(run: SyntheticRun): Results {
  const { seed, requests = 2000, ttftMedianMs = 300, ttftSigma = 0.5, ttftScale = 1, errorRate = 0, durationMs = 100_000 } = run;
  const rng = createRng(seed);
  const recorder = new MetricsRecorder({ model: 'm', phaseNames: PHASES });
  for (let i = 0; i < requests; i++) {
    const intended = (i * durationMs) / requests;
    const rec = newRecord(i, i % 10, i < requests / 5 ? 0 : 1, intended);
    rec.dispatched = intended;
    rec.sent = intended + 0.2;
    const fails = rng.next() < errorRate;
    const ttft = ttftMedianMs * Math.exp(rng.normal(0, ttftSigma)) * ttftScale;
    if (fails) {
      rec.headers = rec.sent + 5;
      rec.end = rec.headers + 1;
      rec.status = 503;
      rec.errorClass = 'http_5xx';
      rec.errorMessage = 'HTTP 503: overloaded';
    } else {
      rec.headers = rec.sent + ttft * 0.9;
      rec.firstToken = rec.sent + ttft;
      rec.tokenTimes = Array.from({ length: 20 }, (_, k) => rec.firstToken + k * 20);
      rec.lastToken = rec.tokenTimes[19]!;
      rec.end = rec.lastToken + 1;
      rec.status = 200;
      rec.usageOutputTokens = 20;
      rec.usageInputTokens = 50;
    }
    recorder.recordRequest(rec);
  }
  const counts = recorder.counts();
  const t = recorder.tokens;
  return {
    meta: {
      tool: 'llm-bench',
      version: '0.0.0-test',
      scenario: 'synthetic',
      scenarioFile: 'synthetic.yaml',
      scenarioHash: 'abcdef0123456789',
      seed,
      node: process.version,
      host: 'test',
      platform: `${process.platform}-${process.arch}`,
      startedAt: new Date(0).toISOString(),
      endedAt: new Date(durationMs).toISOString(),
      durationMs,
      plannedDurationMs: durationMs,
      target: { kind: 'mock', url: 'http://127.0.0.1/v1', api: 'chat', model: 'm' },
      partial: false,
    },
    metrics: recorder.metrics(),
    counts,
    tokens: { input: t.input, cachedInput: t.cachedInput, output: t.output, outputSource: 'usage', plannedInput: t.input, plannedOutput: t.output, tokensPerEvent: 1 },
    throughput: {
      requestsPerSecond: Math.round((counts.requests / (durationMs / 1000)) * 1000) / 1000,
      outputTokensPerSecond: Math.round((t.output / (durationMs / 1000)) * 1000) / 1000,
    },
    errorRate: counts.requests > 0 ? counts.failed / counts.requests : 0,
    phases: PHASES.map((name, i) => ({ name, kind: 'open' as const, startMs: i === 0 ? 0 : durationMs / 5, durationMs: i === 0 ? durationMs / 5 : (durationMs * 4) / 5, planned: null })),
    thresholds: [],
    client: { eventLoopDelayP99Ms: 1, scheduleSlipP99Ms: 1, eventLoopUtilization: 0.1, saturated: false, reasons: [] },
    errors: recorder.errors(),
    series: { intervalMs: 1000, windows: [] },
  };
}
