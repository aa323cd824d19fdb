import { evaluateThresholds } from '../../src/gate/evaluate.js';
import { parseThresholds } from '../../src/gate/parse.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { ErrorClass, Results } from '../../src/metrics/results.js';
import { newRecord } from '../../src/record.js';

/** A successful streamed request with the given latencies (ms). */
function okRecord(seq: number, at: number, ttft: number, gap: number, tokens: number) {
  const r = newRecord(seq, 0, 0, at);
  r.dispatched = at + 0.5;
  r.sent = at + 1;
  r.headers = r.sent + ttft / 2;
  r.tokenTimes = Array.from({ length: tokens }, (_, i) => r.sent + ttft + i * gap);
  r.firstToken = r.tokenTimes[0]!;
  r.lastToken = r.tokenTimes[tokens - 1]!;
  r.end = r.lastToken + 1;
  r.status = 200;
  r.usageOutputTokens = tokens;
  r.usageInputTokens = 12;
  return r;
}

export interface SampleOptions {
  /** threshold expressions by metric, evaluated by the real gate; default: one pass, two fails, one no-data */
  thresholds?: Record<string, string[]>;
  scenario?: string;
  partial?: string;
  saturated?: boolean;
}

/** A Results as a run assembles it, from a real MetricsRecorder fed deterministic records. */
export function sampleResults(opts: SampleOptions = {}): Results {
  const recorder = new MetricsRecorder({ model: 'gpt-4o-mini', phaseNames: ['steady'] });
  for (let i = 0; i < 200; i++) {
    const ttft = 80 + ((i * 37) % 120) + (i % 50 === 0 ? 900 : 0); // a slow tail
    recorder.recordRequest(okRecord(i, i * 50, ttft, 8 + (i % 7), 16));
  }
  const failures: Array<[ErrorClass, number, string]> = [
    ['http_5xx', 503, 'HTTP 503: overloaded | try "later" <soon> & again'],
    ['http_5xx', 503, 'HTTP 503: overloaded | try "later" <soon> & again'],
    ['timeout', 0, 'deadline of 30s passed'],
  ];
  failures.forEach(([cls, status, message], i) => {
    const r = newRecord(1000 + i, 0, 0, 10_000 + i);
    r.dispatched = r.sent = 10_001 + i;
    r.errorClass = cls;
    r.status = status;
    r.errorMessage = message;
    recorder.recordRequest(r);
  });
  recorder.recordDropped(0);

  const counts = recorder.counts();
  const durationMs = 10_000;
  const base = {
    metrics: recorder.metrics(),
    counts,
    errorRate: counts.failed / counts.requests,
    throughput: {
      requestsPerSecond: counts.requests / (durationMs / 1000),
      outputTokensPerSecond: recorder.tokens.output / (durationMs / 1000),
    },
  };
  const specs = parseThresholds(
    opts.thresholds ?? { ttft: ['p95 < 10s'], e2e: ['p99 < 50ms'], connect: ['p95 < 5ms'], errorRate: ['< 50%'] },
  );
  // `series` is being added to Results; spread so this compiles with and without it.
  const extra = { series: { intervalMs: 1000, windows: [] } };
  return {
    ...extra,
    meta: {
      tool: 'llm-bench',
      version: '0.1.0',
      scenario: opts.scenario ?? 'steady & "quoted" <chat>',
      scenarioFile: 'scenarios/steady.yaml',
      scenarioHash: 'abc123',
      seed: 42,
      node: 'v20.0.0',
      host: 'ci-runner',
      platform: 'linux-x64',
      startedAt: '2025-03-01T12:00:00.250Z',
      endedAt: '2025-03-01T12:00:10.250Z',
      durationMs,
      plannedDurationMs: durationMs,
      target: { kind: 'url', url: 'http://127.0.0.1:8080/v1?a=1&b=2', api: 'chat', model: 'gpt-4o-mini' },
      partial: opts.partial !== undefined,
      ...(opts.partial !== undefined ? { partialReason: opts.partial } : {}),
    },
    ...base,
    tokens: { input: 2400, cachedInput: 0, output: recorder.tokens.output, outputSource: 'usage', plannedInput: 2400, plannedOutput: 3200, tokensPerEvent: 1 },
    phases: [{ name: 'steady', kind: 'open', startMs: 0, durationMs, planned: 204 }],
    thresholds: evaluateThresholds(specs, base),
    client: {
      eventLoopDelayP99Ms: opts.saturated ? 120 : 2,
      scheduleSlipP99Ms: opts.saturated ? 80 : 1,
      eventLoopUtilization: opts.saturated ? 0.97 : 0.1,
      saturated: opts.saturated ?? false,
      reasons: opts.saturated ? ['event-loop delay p99 120 ms > 50 ms'] : [],
    },
    errors: recorder.errors(),
  };
}
