/**
 * `llm-bench run` as a user runs it: the compiled CLI, a scenario file, the built-in mock.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempProject, TINY_DATASET } from './helpers/cli.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const scenario = (extra = '') => `name: tiny
seed: 7
target:
  kind: mock
  model: gpt-4o-mini
  timeout: 10s
dataset:
  file: prompts.jsonl
  maxOutputTokens: 16
load:
  maxInFlight: 64
  phases:
    - { name: open, duration: 1s, arrival: constant, rate: 20 }
    - { name: closed, duration: 1s, concurrency: 4 }
mock:
  ttft: { median: 20ms, p99: 60ms }
  tokensPerSecond: 400
thresholds:
  ttft: ["p95 < 2s"]
  errorRate: ["< 1%"]
output:
  dir: out
${extra}`;

function project(yaml: string) {
  const p = tempProject({ 'scenario.yaml': yaml, 'prompts.jsonl': TINY_DATASET });
  cleanups.push(p.cleanup);
  return p;
}

describe('llm-bench run', () => {
  it('runs a scenario on the built-in mock, prints the table and writes results.json', async () => {
    const { dir } = project(scenario());
    const stepSummary = path.join(dir, 'step-summary.md');
    const res = await runCli(['run', 'scenario.yaml'], { cwd: dir, env: { GITHUB_STEP_SUMMARY: stepSummary } });
    expect(res.stderr).not.toMatch(/Error:|at .*\.js:\d+/);
    expect(res.code).toBe(0);
    // off a terminal, progress is a plain line now and then
    expect(res.stderr).toMatch(/llm-bench: \d+s\/2s .* req\/s · in flight \d+/);
    // CI outputs beside results.json, and the step summary appended for GitHub Actions
    const written = readdirSync(path.join(dir, 'out'));
    expect(written).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'summary.md', 'ttft.hgrm', 'e2e.hgrm', 'results.hlog']));
    expect(readFileSync(stepSummary, 'utf8')).toMatch(/llm-bench: tiny/);
    expect(res.stdout).toMatch(/ttft/);
    expect(res.stdout).toMatch(/ttft: p95 < 2s/);
    const results = JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'));
    // 20 req/s for 1 s open loop, then a closed loop
    expect(results.counts.byLabel['phase=open'].requests).toBe(20);
    expect(results.counts.byLabel['phase=closed'].requests).toBeGreaterThan(4);
    expect(results.counts.failed).toBe(0);
    for (const metric of ['queue', 'ttfb', 'ttft', 'itl', 'tpot', 'e2e', 'ttft_from_intended', 'e2e_from_intended']) {
      const all = results.metrics[metric].all;
      expect(all.count, metric).toBeGreaterThan(0);
      expect(all.unit).toBe('ms');
      expect(typeof all.hdr).toBe('string');
      expect(all.p50).toBeLessThanOrEqual(all.p99);
    }
    expect(results.metrics.ttft['model=gpt-4o-mini'].count).toBe(results.counts.ok);
    expect(results.metrics.ttft['phase=open'].count).toBe(20);
    expect(results.tokens.outputSource).toBe('usage');
    expect(results.tokens.output).toBeGreaterThan(0);
    expect(results.thresholds).toEqual([
      expect.objectContaining({ metric: 'ttft', expr: 'p95 < 2s', pass: true }),
      expect.objectContaining({ metric: 'errorRate', expr: '< 1%', actual: 0, pass: true }),
    ]);
    expect(results.client).toEqual(
      expect.objectContaining({ eventLoopDelayP99Ms: expect.any(Number), scheduleSlipP99Ms: expect.any(Number), saturated: expect.any(Boolean) }),
    );
    expect(results.meta).toEqual(expect.objectContaining({ tool: 'llm-bench', scenario: 'tiny', seed: 7, node: process.version, partial: false }));
    // interval windows: 1 s each, in order, adding up to the run's totals
    const windows = results.series.windows as Array<{ start: number; requests: number; ok: number; ttft: { count: number } | null }>;
    expect(results.series.intervalMs).toBe(1000);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    windows.forEach((w, i) => i > 0 && expect(w.start).toBeGreaterThan(windows[i - 1]!.start));
    expect(windows.reduce((a, w) => a + w.requests, 0)).toBe(results.counts.requests);
    expect(windows.reduce((a, w) => a + (w.ttft?.count ?? 0), 0)).toBe(results.metrics.ttft.all.count);
  });

  it('exits 1 when a threshold fails, and still writes results', async () => {
    const { dir } = project(scenario().replace('p95 < 2s', 'p95 < 1ms'));
    const res = await runCli(['run', 'scenario.yaml', '--duration', '1s'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL/);
    const results = JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'));
    expect(results.thresholds[0]).toEqual(expect.objectContaining({ metric: 'ttft', pass: false }));
    expect(results.thresholds[0].actual).toBeGreaterThan(1);
  });

  it('counts output tokens with tiktoken when the server sends no usage, and says so', async () => {
    const { dir } = project(scenario().replace('  timeout: 10s', '  timeout: 10s\n  streamUsage: false'));
    const res = await runCli(['run', 'scenario.yaml', '--duration', '1s'], { cwd: dir });
    expect(res.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'));
    expect(results.tokens.outputSource).toBe('tiktoken');
    expect(results.tokens.output).toBeGreaterThan(0);
  });
});

describe('secrets', () => {
  it.each([[[]], [['--requests-log', '--workers', '2']]])('sends the API key as a Bearer token but never prints or writes it %j', async (extra: string[]) => {
    const canary = 'sk-canary-THIS-MUST-NEVER-APPEAR-1234567890';
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      // An error body that echoes the key, as a careless proxy might
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${canary}`, type: 'invalid_request_error' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as { port: number }).port;
    const { dir } = project(scenario());
    const res = await runCli(['run', 'scenario.yaml', '--duration', '1s', '--target-url', `http://127.0.0.1:${port}/v1`, ...extra], {
      cwd: dir,
      env: { OPENAI_API_KEY: canary },
    });
    expect(res.code).toBe(1); // the error-rate threshold fails: every request got a 401
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === `Bearer ${canary}`)).toBe(true);
    const files = readdirSync(path.join(dir, 'out'));
    if (extra.includes('--requests-log')) expect(files).toContain('requests.jsonl');
    const written = files.map((f) => readFileSync(path.join(dir, 'out', f), 'utf8'));
    expect(written.join('')).toMatch(/http_4xx/);
    for (const text of [res.stdout, res.stderr, ...written]) {
      expect(text).not.toContain(canary);
      expect(text.toLowerCase()).not.toContain('bearer');
    }
  });
});

describe('bad input ends in one clear message, exit 2, nothing written', () => {
  const expectClean = (dir: string) => expect(existsSync(path.join(dir, 'out'))).toBe(false);

  it('bad YAML points at file:line:col', async () => {
    const { dir } = project(scenario().replace('  maxInFlight: 64', '  maxInFlight: [64'));
    const res = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/scenario\.yaml:\d+:\d+/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expectClean(dir);
  });

  it('a mistyped field names the line and suggests the right key', async () => {
    const { dir } = project(scenario().replace('maxInFlight', 'maxInflight'));
    const res = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/scenario\.yaml:11:3/);
    expect(res.stderr).toMatch(/maxInFlight/);
    expect(res.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expectClean(dir);
  });

  it('a missing dataset names the path', async () => {
    const { dir } = project(scenario().replace('prompts.jsonl', 'nope.jsonl'));
    const res = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/nope\.jsonl/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expectClean(dir);
  });

  it('a bad flag value is exit 2', async () => {
    const { dir } = project(scenario());
    const res = await runCli(['run', 'scenario.yaml', '--duration', 'soon'], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--duration/);
    expectClean(dir);
  });

  it('an unreachable target is exit 3 and says what to do', async () => {
    const { dir } = project(scenario());
    const res = await runCli(['run', 'scenario.yaml', '--target-url', 'http://127.0.0.1:1/v1'], { cwd: dir });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1/);
    expect(res.stderr).toMatch(/ECONNREFUSED/);
    expectClean(dir);
  });
});

describe('llm-bench validate', () => {
  it('accepts the shipped quickstart scenario and prints the plan', async () => {
    const res = await runCli(['validate', 'scenarios/quickstart.yaml']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/valid scenario "quickstart"/);
    expect(res.stdout).toMatch(/phase warmup: 5 s, constant 5 req\/s, 25 arrivals/);
    expect(res.stdout).toMatch(/phase closed: 10 s, closed loop, concurrency 16/);
  });
});

describe('the shipped quickstart', () => {
  it('runs (shortened) and passes its own thresholds', async () => {
    const p = tempProject({});
    cleanups.push(p.cleanup);
    const res = await runCli(['run', 'scenarios/quickstart.yaml', '--duration', '4s', '--out', path.join(p.dir, 'q')]);
    expect(res.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(p.dir, 'q/results.json'), 'utf8'));
    expect(Object.keys(results.counts.byLabel)).toEqual(
      expect.arrayContaining(['all', 'model=gpt-4o-mini', 'phase=warmup', 'phase=ramp', 'phase=closed']),
    );
    expect(results.thresholds.every((t: { pass: boolean }) => t.pass)).toBe(true);
  });
});

describe('goodput', () => {
  it('counts requests that met every SLO, failed and dropped ones as misses, and gates on it', async () => {
    const { dir } = project(scenario('slo: { ttft: 5s, e2e: 10s }\n').replace('  errorRate: ["< 1%"]', '  errorRate: ["< 1%"]\n  goodput: [">= 95%"]'));
    const res = await runCli(['run', 'scenario.yaml', '--duration', '1s'], { cwd: dir });
    expect(res.code).toBe(0);
    const results = JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'));
    expect(results.goodput).toMatchObject({ slo: { ttftMs: 5000, e2eMs: 10000 }, good: results.counts.ok, total: results.counts.requests });
    expect(results.goodput.rate).toBe(1);

    const strict = project(scenario('slo: { ttft: 1ms }\n').replace('  errorRate: ["< 1%"]', '  goodput: [">= 95%"]'));
    const res2 = await runCli(['run', 'scenario.yaml', '--duration', '1s'], { cwd: strict.dir });
    expect(res2.code).toBe(1);
    const r2 = JSON.parse(readFileSync(path.join(strict.dir, 'out/results.json'), 'utf8'));
    expect(r2.goodput.good).toBe(0);
    expect(r2.thresholds.find((t: { metric: string }) => t.metric === 'goodput')).toMatchObject({ actual: 0, pass: false });
  });
});

describe('abortOnFail', () => {
  it('a failing threshold stops the run early: partial results, exit 1', async () => {
    const yaml = scenario()
      .replace('duration: 1s, arrival: constant, rate: 20', 'duration: 20s, arrival: constant, rate: 20')
      .replace('  ttft: ["p95 < 2s"]', '  ttft: [{ threshold: "p95 < 1ms", abortOnFail: true, delayAbortEval: 500ms }]');
    const { dir } = project(yaml);
    const t0 = Date.now();
    const res = await runCli(['run', 'scenario.yaml'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(res.stderr).toMatch(/threshold ttft: p95 < 1ms failed \(abortOnFail\)/);
    const results = JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'));
    expect(results.meta).toMatchObject({ partial: true, partialReason: expect.stringMatching(/abortOnFail/) });
    expect(results.thresholds[0]).toMatchObject({ metric: 'ttft', pass: false });
  });
});
