/**
 * Tenants sharing one paced budget, and retries seen end to end.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';
import { ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/temp-dir.js';

async function runYaml(yaml: string) {
  const tmp = makeTempDir();
  try {
    const scenario = parseScenario(yaml, `${tmp.dir}/s.yaml`, { out: tmp.dir }, { cwd: ROOT, now: new Date() });
    return (await runScenario(scenario, {})).results;
  } finally {
    tmp.cleanup();
  }
}

const DATASET = `dataset:
  synthetic: { inputTokens: { mean: 40, stddev: 0 }, outputTokens: { mean: 60, stddev: 0 }, count: 20 }
`;

describe('tenants and priority', () => {
  it('a noisy batch tenant cannot starve the interactive one: its p95 queue time stays bounded', async () => {
    const r = await runYaml(`name: tenants
seed: 3
target: { kind: mock, model: gpt-4o-mini }
${DATASET}load:
  maxInFlight: 2000
  phases:
    - { name: flood, duration: 12s, arrival: poisson, rate: 12 }
mock:
  ttft: { median: 20ms, p99: 60ms }
  tokensPerSecond: 1000
  rateLimits: { tpm: 24000, window: 5s }
pacing: { tpm: 24000, headroom: 0.9, reserve: 0.3 }
tenants:
  - { name: chat, share: 1, priority: interactive }
  - { name: nightly, share: 5, priority: batch }
`);
    // 12 req/s × ~100 tokens offered against 360 tokens/s allowed: the queue is where the excess waits.
    const chat = r.metrics.queue!['tenant=chat']!;
    const nightly = r.metrics.queue!['tenant=nightly']!;
    expect(chat.count).toBeGreaterThan(10);
    expect(chat.p95).toBeLessThan(1500);
    expect(nightly.p95).toBeGreaterThan(3 * chat.p95);
    expect(r.counts.byLabel['tenant=nightly']!.dropped).toBeGreaterThan(0);
    expect(r.counts.byClass.http_429).toBe(0);
  }, 60_000);

  it('a daily budget refuses what is over it', async () => {
    const r = await runYaml(`name: budget
target: { kind: mock }
${DATASET}load:
  phases: [{ name: p, duration: 1s, arrival: constant, rate: 30 }]
mock: { ttft: { median: 1ms }, tokensPerSecond: 0 }
tenants:
  - { name: capped, dailyRequests: 10 }
`);
    expect(r.counts.byLabel['tenant=capped']).toMatchObject({ requests: 10, dropped: 20 });
  }, 30_000);
});

describe('retries', () => {
  it('retried failures are counted apart; the first attempt keeps its own latency', async () => {
    const r = await runYaml(`name: retries
seed: 5
target: { kind: mock }
${DATASET}load:
  phases: [{ name: p, duration: 3s, arrival: constant, rate: 50 }]
mock:
  ttft: { median: 5ms }
  tokensPerSecond: 0
  faults: [{ type: status, status: 503, rate: 0.3 }]
retry: { maxRetries: 3, base: 10ms, max: 50ms }
`);
    expect(r.counts.requests).toBe(150);
    // ~30 % of attempts fail; with 3 retries almost every request ends well
    expect(r.counts.retries).toBeGreaterThan(30);
    expect(r.counts.retriedByClass.http_5xx).toBe(r.counts.retries);
    expect(r.counts.failed).toBeLessThan(5);
    expect(r.metrics.e2e_first_attempt!.all!.count).toBe(150);
    const perRequest = r.counts.attemptsPerRequest;
    expect(Object.values(perRequest).reduce((a, b) => a + b, 0)).toBe(150);
    expect(Object.entries(perRequest).reduce((a, [k, v]) => a + (Number(k) - 1) * v, 0)).toBe(r.counts.retries);
    // a request that needed retries took longer than its first attempt, from the user's view
    expect(r.metrics.e2e_from_intended!.all!.p99).toBeGreaterThan(r.metrics.e2e!.all!.p99);
  }, 30_000);
});
