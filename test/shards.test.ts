/**
 * A distributed run as users run it: the same scenario as four `--shard i/4` processes and as
 * one process, then `llm-bench merge`. The shards together send exactly the one process's plan,
 * and the merged histograms are exactly the sum of the shards'.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decode, newHistogram } from '../src/metrics/hdr.js';
import type { Results } from '../src/metrics/results.js';
import { runCli, tempProject, TINY_DATASET } from './helpers/cli.js';

const SCENARIO = `name: shards
seed: 11
target: { kind: mock, model: gpt-4o-mini }
dataset: { file: prompts.jsonl, maxOutputTokens: 12 }
load:
  maxInFlight: 200
  phases:
    - { name: steady, duration: 2s, arrival: poisson, rate: 30 }
    - { name: ramp, duration: 2s, arrival: gamma, burstiness: 0.5, rate: 30, rampTo: 60 }
mock:
  ttft: { median: 30ms, p99: 80ms }
  tokensPerSecond: 400
thresholds:
  ttft: ["p95 < 5s"]
  errorRate: ["< 1%"]
`;

const project = tempProject({ 'scenario.yaml': SCENARIO, 'prompts.jsonl': TINY_DATASET });
afterAll(() => project.cleanup());
const read = (file: string): Results => JSON.parse(readFileSync(file, 'utf8')) as Results;
const rows = (dir: string): string[] =>
  readFileSync(path.join(dir, 'requests.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { seq: number; promptIndex: number; phase: string; intended: number })
    .map((r) => `${r.seq}|${r.promptIndex}|${r.phase}|${r.intended.toFixed(3)}`);

describe('shards', () => {
  it('4 shards in 4 processes send the one-process plan; merge adds their histograms exactly', async () => {
    const dirs = [1, 2, 3, 4].map((i) => path.join(project.dir, `shard-${i}`));
    const single = path.join(project.dir, 'single');
    const threads = path.join(project.dir, 'workers');
    const runs = await Promise.all([
      ...dirs.map((out, i) => runCli(['run', 'scenario.yaml', '--shard', `${i + 1}/4`, '--out', out, '--quiet', '--requests-log'], { cwd: project.dir })),
      runCli(['run', 'scenario.yaml', '--out', single, '--quiet', '--requests-log'], { cwd: project.dir }),
      runCli(['run', 'scenario.yaml', '--out', threads, '--quiet', '--requests-log', '--workers', '2'], { cwd: project.dir }),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);

    const merged = path.join(project.dir, 'merged', 'results.json');
    const m = await runCli(['merge', ...dirs, '-o', merged], { cwd: project.dir });
    expect(m.code, m.stderr).toBe(0);

    const shards = dirs.map((d) => read(path.join(d, 'results.json')));
    const one = read(path.join(single, 'results.json'));
    const all = read(merged);
    expect(shards.map((s) => s.meta.shard)).toEqual([1, 2, 3, 4].map((index) => ({ index, count: 4 })));

    // the same requests: every arrival of the plan, once, with its prompt and intended time
    expect(dirs.flatMap(rows).sort()).toEqual(rows(single).sort());
    expect(all.counts.requests).toBe(one.counts.requests);
    expect(all.counts.ok).toBe(one.counts.ok);
    expect(all.counts.failed).toBe(0);
    expect(all.counts.dropped).toBe(one.counts.dropped);
    expect(all.tokens.input).toBe(one.tokens.input);
    expect(all.phases.map((p) => p.planned)).toEqual(one.phases.map((p) => p.planned));
    for (const label of Object.keys(one.counts.byLabel)) expect(all.counts.byLabel[label]?.requests).toBe(one.counts.byLabel[label]!.requests);

    // merged histograms = the sum of the shards', exactly, for every metric and label
    let compared = 0;
    for (const [metric, byLabel] of Object.entries(all.metrics)) {
      for (const [label, summary] of Object.entries(byLabel)) {
        const sum = newHistogram();
        for (const s of shards) {
          const part = s.metrics[metric]?.[label];
          if (!part) continue;
          const h = decode(part.hdr);
          sum.add(h);
          h.destroy();
        }
        const got = decode(summary.hdr);
        expect(got.totalCount).toBe(sum.totalCount);
        for (const p of [0, 10, 50, 90, 95, 99, 99.9, 100]) expect(got.getValueAtPercentile(p), `${metric} ${label} p${p}`).toBe(sum.getValueAtPercentile(p));
        expect(summary.count).toBe(shards.reduce((n, s) => n + (s.metrics[metric]?.[label]?.count ?? 0), 0));
        got.destroy();
        sum.destroy();
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    // the whole run has as many TTFT samples as the one process
    expect(all.metrics.ttft!.all!.count).toBe(one.metrics.ttft!.all!.count);
    // series: every window's requests add up to the run's
    expect(all.series.windows.reduce((n, w) => n + w.requests, 0)).toBe(all.counts.requests);
    expect(all.thresholds.map((t) => t.pass)).toEqual([true, true]);
    expect(all.meta.mergedFrom).toBe(4);

    // --workers 2: the same plan split across two threads, one result of the same shape
    const w = read(path.join(threads, 'results.json'));
    expect(w.meta.workers).toBe(2);
    expect(w.meta.mergedFrom).toBeUndefined();
    expect(rows(threads).sort()).toEqual(rows(single).sort());
    expect(w.counts.requests).toBe(one.counts.requests);
    expect(w.tokens.input).toBe(one.tokens.input);
    expect(w.phases).toEqual(one.phases);
    expect(Object.keys(w.metrics).sort()).toEqual(Object.keys(one.metrics).sort());
    expect(w.series.windows.reduce((n, x) => n + x.requests, 0)).toBe(w.counts.requests);
  }, 90_000);
});

describe('--workers and a stop', () => {
  it('SIGINT stops every worker thread: partial results of all of them, exit 130', async () => {
    const { runScenarioFile } = await import('../src/run/run-scenario.js');
    const controller = new AbortController();
    const out = path.join(project.dir, 'interrupted');
    // Interrupted once both threads are sending, however long a loaded machine takes to start them.
    let interruptedAt = NaN;
    const outcome = await runScenarioFile({
      file: path.join(project.dir, 'scenario.yaml'),
      overrides: { out, duration: 20_000 },
      workers: 2,
      signal: controller.signal,
      requestsLog: true,
      onProgress: (p) => {
        if (p.requests > 20 && !controller.signal.aborted) {
          interruptedAt = performance.now();
          controller.abort('SIGINT');
        }
      },
    });
    // stopped within the grace period, not at the end of the 20 s plan
    expect(performance.now() - interruptedAt).toBeLessThan(8_000);
    expect(outcome.exitCode).toBe(130);
    const r = read(path.join(out, 'results.json'));
    expect(r.meta.partial).toBe(true);
    expect(r.meta.partialReason).toBe('SIGINT');
    expect(r.meta.workers).toBe(2);
    expect(r.counts.requests).toBeGreaterThan(10);
    // both threads' requests are in the results and in the joined log
    const seqs = rows(out).map((x) => Number(x.split('|')[0]));
    expect(seqs.length).toBe(r.counts.requests);
    expect(seqs.some((s) => s % 2 === 0) && seqs.some((s) => s % 2 === 1)).toBe(true);
  }, 30_000);
});
