/**
 * Tenants sharing one paced budget, tenants with their own rate and dataset, and retries seen
 * end to end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';
import { ROOT, runCli } from './helpers/cli.js';
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

describe('tenants with a rate and a dataset of their own', () => {
  // Prompts the mock counts very differently (~chars / 4 + overhead): which dataset a request
  // used shows in its usage input tokens.
  const LONG = 'Summarise the following log excerpt for the on-call engineer. '.repeat(24);
  const files = {
    'short.jsonl': '{"id":"s","prompt":"Hi."}\n',
    'long.jsonl': `${JSON.stringify({ id: 'long', prompt: LONG })}\n`,
  };

  it("a rate tenant's requests come at its rate, on top of the phase's, and send its own prompts", async () => {
    const tmp = makeTempDir();
    try {
      for (const [name, text] of Object.entries(files)) tmp.write(name, text);
      const yaml = `name: tenant-rate
seed: 9
target: { kind: mock }
dataset: { file: short.jsonl, maxOutputTokens: 4 }
load:
  phases: [{ name: p, duration: 3s, arrival: constant, rate: 10 }]
mock: { ttft: { median: 2ms }, tokensPerSecond: 0 }
output: { requests: true }
tenants:
  - { name: bulk, rate: 20, dataset: { file: data/../long.jsonl, maxOutputTokens: 4 } }
  - { name: chat, share: 1 }
`;
      const scenario = parseScenario(yaml, `${tmp.dir}/s.yaml`, { out: `${tmp.dir}/out` }, { cwd: ROOT, now: new Date() });
      const { results: r } = await runScenario(scenario, {});
      // constant arrivals: exactly rate × duration for each stream
      expect(r.counts.byLabel['tenant=bulk']!.requests).toBe(60);
      expect(r.counts.byLabel['tenant=chat']!.requests).toBe(30);
      expect(r.phases[0]!.planned).toBe(90);
      expect(r.counts.failed + r.counts.dropped).toBe(0);
      const rows = readFileSync(`${tmp.dir}/out/requests.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { tenant: string; usageInputTokens: number });
      const inputs = (tenant: string): Set<number> => new Set(rows.filter((row) => row.tenant === tenant).map((row) => row.usageInputTokens));
      const [bulk] = [...inputs('bulk')];
      const [chat] = [...inputs('chat')];
      expect(inputs('bulk').size).toBe(1);
      expect(inputs('chat').size).toBe(1);
      expect(bulk).toBeGreaterThan(300);
      expect(chat).toBeLessThan(20);
      expect(r.tokens.input).toBe(60 * bulk! + 30 * chat!);
    } finally {
      tmp.cleanup();
    }
  }, 30_000);

  it('a tenant dataset that is not there stops the run before anything is sent (exit 2, with the field)', async () => {
    const tmp = makeTempDir();
    try {
      tmp.write('short.jsonl', files['short.jsonl']);
      const yaml = `name: tenant-missing
target: { kind: mock }
dataset: { file: short.jsonl }
load: { phases: [{ duration: 1s, rate: 5 }] }
tenants:
  - { name: a }
  - { name: b, rate: 2, dataset: { file: missing.jsonl } }
`;
      const scenario = parseScenario(yaml, `${tmp.dir}/s.yaml`, { out: `${tmp.dir}/out` }, { cwd: ROOT, now: new Date() });
      const err = await runScenario(scenario, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).exitCode).toBe(2);
      expect((err as UserError).where).toBe('tenants[1].dataset.file');
      expect(existsSync(`${tmp.dir}/out`)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  }, 30_000);

  it('the CLI says where: share and rate together, and a bad tenant dataset path, exit 2', async () => {
    const tmp = makeTempDir();
    try {
      tmp.write('short.jsonl', files['short.jsonl']);
      const head = 'name: cli\ntarget: { kind: mock }\ndataset: { file: short.jsonl }\nload: { phases: [{ duration: 1s, rate: 5 }] }\ntenants:\n';
      tmp.write('both.yaml', `${head}  - { name: a, share: 1, rate: 3 }\n`);
      tmp.write('path.yaml', `${head}  - { name: a, rate: 3, dataset: { file: nope.jsonl } }\n`);
      const both = await runCli(['run', 'both.yaml', '--quiet'], { cwd: tmp.dir });
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/both\.yaml:6:\d+: tenants\[0\]: give a tenant a share or a rate, not both/);
      const bad = await runCli(['run', 'path.yaml', '--quiet'], { cwd: tmp.dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('tenants[0].dataset.file: dataset file not found');
    } finally {
      tmp.cleanup();
    }
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
