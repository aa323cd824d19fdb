/**
 * `target.api: responses` end to end: whole runs against the built-in mock (streamed and not,
 * with its faults), and the client's first-token stamps held against the mock's own log.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCommand } from '../src/cli/validate.js';
import { startMockInWorker } from '../src/mock/in-process.js';
import { readTruthLog } from '../src/mock/truth-log.js';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';
import { runCore } from './helpers/run-core.js';
import { epoch, median } from './helpers/scheduled-server.js';
import { urlTarget } from './helpers/target.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = 24;

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'llm-bench-responses-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** 20 requests in 1 s; the mock answers after ~50 ms, then a token per ms. */
const yaml = (dir: string, { stream = true, faults = '' } = {}): string => `
name: responses
seed: 11
target: { kind: mock, api: responses, model: gpt-4o-mini, timeout: 10s, stream: ${stream} }
dataset:
  synthetic: { inputTokens: { mean: 60 }, outputTokens: { mean: ${OUTPUT} }, count: 3 }
  maxOutputTokens: ${OUTPUT}
load:
  phases:
    - { name: steady, duration: 1s, arrival: constant, rate: 20 }
mock: { ttft: { median: 50ms, p99: 60ms }, tokensPerSecond: 1000${faults ? `, faults: ${faults}` : ''} }
output: { dir: ${JSON.stringify(path.join(dir, 'run'))} }
`;

async function run(text: string) {
  const scenario = parseScenario(text, '<inline>', {}, { cwd: ROOT, now: new Date() });
  return (await runScenario(scenario, {})).results;
}

describe('a run with target.api: responses', () => {
  it('streamed: every request ok, TTFT from the first delta (not the events sent with the headers), output from usage', async () => {
    const results = await run(yaml(tempDir()));
    const { counts, tokens, metrics } = results;
    expect(results.meta.target.api).toBe('responses');
    expect(counts.requests).toBe(20);
    expect(counts.ok).toBe(20);
    for (const m of ['ttft', 'itl', 'e2e', 'tpot', 'ttfb']) expect(metrics[m]?.all?.count, m).toBeGreaterThan(0);
    // response.created and in_progress come with the headers; the first delta ~50 ms later
    expect(metrics.ttfb!.all!.p50).toBeLessThan(25);
    expect(metrics.ttft!.all!.p50).toBeGreaterThan(40);
    expect(metrics.ttft!.all!.p50).toBeLessThan(150);
    // 24 deltas a millisecond apart after the first
    expect(metrics.e2e!.all!.p50 - metrics.ttft!.all!.p50).toBeGreaterThan(15);
    expect(metrics.itl!.all!.count).toBe(20 * (OUTPUT - 1));
    expect(tokens.outputSource).toBe('usage');
    expect(tokens.output).toBe(20 * OUTPUT);
    expect(tokens.input).toBeGreaterThan(20 * 50);
  });

  it('not streamed: every request ok, output from usage, the answer in one piece', async () => {
    const { counts, tokens, metrics } = await run(yaml(tempDir(), { stream: false }));
    expect(counts.ok).toBe(20);
    expect(tokens.outputSource).toBe('usage');
    expect(tokens.output).toBe(20 * OUTPUT);
    // the whole answer arrives once its last token is ready: TTFT is E2E
    expect(metrics.ttft!.all!.p50).toBeGreaterThan(60);
    expect(metrics.ttft!.all!.p50).toBe(metrics.e2e!.all!.p50);
    expect(metrics.itl?.all?.count ?? 0).toBe(0);
  });

  it('a stream the mock cuts is stream_cut; a malformed delta is bad_response; the rest stay ok', async () => {
    // 4 opening events, then 4 deltas, then the connection drops
    const cut = await run(yaml(tempDir(), { faults: '[{ type: cut, afterEvents: 8, rate: 0.3 }]' }));
    expect(cut.counts.byClass.stream_cut).toBeGreaterThan(0);
    expect(cut.counts.ok).toBeGreaterThan(0);
    expect(cut.counts.ok + cut.counts.byClass.stream_cut).toBe(20);
    // what the cut streams carried is billed apart: 4 deltas of about a token each
    expect(cut.tokens.partialAttempts).toBe(cut.counts.byClass.stream_cut);
    expect(cut.tokens.partialOutput).toBeGreaterThanOrEqual(cut.counts.byClass.stream_cut * 3);
    expect(cut.tokens.output).toBe(cut.counts.ok * OUTPUT);
    // the 6th event is the second delta
    const bad = await run(yaml(tempDir(), { faults: '[{ type: malformed, atEvent: 6, rate: 0.3 }]' }));
    expect(bad.counts.byClass.bad_response).toBeGreaterThan(0);
    expect(bad.counts.ok + bad.counts.byClass.bad_response).toBe(20);
    expect(bad.counts.ok).toBeGreaterThan(0);
  });
});

describe('first-token stamps against the mock\'s truth log', () => {
  it('the client stamps the first delta within 2 ms of the mock\'s write of it at the median, never before', async () => {
    const file = path.join(tempDir(), 'truth.jsonl');
    const m = await startMockInWorker({ ttft: { median: 50, p99: 70 }, tokensPerSecond: 1000, truthLog: file });
    closers.push(() => m.close());
    const { records } = await runCore(
      urlTarget(m.url, { api: 'responses' }),
      {
        maxInFlight: 40,
        // warm both sides up on the same 20 connections before measuring
        phases: [
          { kind: 'closed', name: 'warmup', duration: 500, concurrency: 20 },
          { kind: 'closed', name: 'measure', duration: 1500, concurrency: 20 },
        ],
      },
      20,
    );
    await m.close();
    const truth = new Map((await readTruthLog(file)).map((t) => [t.requestId, t]));
    const measured = records.filter((r) => r.phase === 1);
    expect(measured.length).toBeGreaterThan(100);
    const lag: number[] = [];
    for (const r of measured) {
      expect(r.errorClass).toBeNull();
      const t = truth.get(r.requestId!)!;
      expect(t.api).toBe('responses');
      lag.push(epoch(r.firstToken) - t.firstToken!);
    }
    expect(Math.min(...lag)).toBeGreaterThanOrEqual(0);
    expect(median(lag)).toBeLessThan(2);
  });
});

describe('api: responses with an output limit below the API minimum', () => {
  it('warns before the run; the mock then refuses each request with a 400, as the API does', async () => {
    const text = yaml(tempDir())
      .replace(`outputTokens: { mean: ${OUTPUT} }`, 'outputTokens: { mean: 8 }')
      .replace(`maxOutputTokens: ${OUTPUT}`, 'maxOutputTokens: 8');
    const lines: string[] = [];
    const scenario = parseScenario(text, '<inline>', {}, { cwd: ROOT, now: new Date() });
    const { results } = await runScenario(scenario, { log: (l) => lines.push(l) });
    const warning = lines.findIndex((l) => l.includes('3 prompts ask for fewer than 16 output tokens'));
    expect(warning).toBeGreaterThanOrEqual(0);
    // said before the run begins
    expect(warning).toBeLessThan(lines.findIndex((l) => l.includes('phases')));
    expect(results.counts.requests).toBe(20);
    expect(results.counts.byClass.http_4xx).toBe(20);
  });

  it('llm-bench validate says the same; with 16 or more it says nothing', async () => {
    const dir = tempDir();
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    const file = path.join(dir, 'scenario.yaml');
    writeFileSync(file, yaml(dir).replace(`outputTokens: { mean: ${OUTPUT} }`, 'outputTokens: { mean: 12 }').replace(`maxOutputTokens: ${OUTPUT}`, 'maxOutputTokens: 12'));
    expect(await validateCommand(file, io)).toBe(0);
    expect(out.filter((l) => l.includes('warning: 3 prompts ask for fewer than 16 output tokens'))).toHaveLength(1);
    out.length = 0;
    writeFileSync(file, yaml(dir));
    expect(await validateCommand(file, io)).toBe(0);
    expect(out.join('\n')).not.toContain('warning');
  });
});
