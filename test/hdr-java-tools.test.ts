/**
 * The .hlog and .hgrm files as HdrHistogram's own tools read them: the Java library's
 * HistogramLogProcessor (Debian's libhdrhistogram-java, which CI installs) adds up a run's
 * interval log and prints its percentile distribution. That must be, row for row, the .hgrm
 * llm-bench wrote from the whole-run histogram, and its intervals must be the run's windows.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Results } from '../src/metrics/results.js';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JAR = '/usr/share/java/hdrhistogram.jar';
const run = promisify(execFile);
const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-hdr-java-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scenario = (dir: string): string => `
name: hdr-java
seed: 11
target: { kind: mock, model: gpt-4o-mini }
dataset:
  synthetic: { inputTokens: { mean: 40 }, outputTokens: { mean: 24 }, count: 8 }
load:
  phases:
    - { name: steady, duration: 4s, arrival: poisson, rate: 30 }
mock: { ttft: { median: 30ms, p99: 120ms }, tokensPerSecond: 400 }
output: { dir: ${JSON.stringify(dir)}, interval: 1s }
`;

/** The rows of a percentile distribution, without the tool's own # comment lines. */
const distribution = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

/** Runs HistogramLogProcessor; returns the summed distribution (.hgrm) and the per-interval lines. */
async function processLog(file: string, out: string, tag?: string): Promise<{ hgrm: string; intervals: string }> {
  const args = ['-cp', JAR, 'org.HdrHistogram.HistogramLogProcessor', '-i', file, '-o', out, '-outputValueUnitRatio', '1000'];
  await run('java', tag ? [...args, '-tag', tag] : args, { timeout: 30_000 });
  return { hgrm: readFileSync(`${out}.hgrm`, 'utf8'), intervals: readFileSync(out, 'utf8') };
}

/** "2.000: I:285 ( … ) T:285 ( … )" → the interval counts, in file order. */
const intervalCounts = (text: string): number[] => [...text.matchAll(/^[\d.]+: I:(\d+) /gm)].map((m) => Number(m[1]));

describe("HdrHistogram's Java HistogramLogProcessor reads a run's logs", () => {
  const dir = path.join(tmp, 'run');
  let results: Results;

  it('a run against the mock writes its logs', async () => {
    expect(existsSync(JAR), `${JAR} is missing: install it (apt-get install -y libhdrhistogram-java)`).toBe(true);
    ({ results } = await runScenario(parseScenario(scenario(dir), '<inline>', {}, { cwd: ROOT, now: new Date() }), {}));
    expect(results.counts.ok).toBeGreaterThan(60);
    expect(results.series.windows.length).toBeGreaterThanOrEqual(4);
  });

  it.each(['ttft', 'e2e', 'itl', 'tpot', 'queue'])('%s: the .hlog adds up to the .hgrm, interval by interval', async (metric) => {
    const { hgrm, intervals } = await processLog(path.join(dir, `${metric}.hlog`), path.join(tmp, `java-${metric}`));
    const ours = distribution(readFileSync(path.join(dir, `${metric}.hgrm`), 'utf8'));
    expect(ours.length).toBeGreaterThan(10);
    expect(distribution(hgrm)).toEqual(ours);
    const counts = intervalCounts(intervals);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(results.metrics[metric]!.all!.count);
    if (metric === 'queue') expect(counts).toHaveLength(1); // not windowed: one interval, the run
    else {
      // one interval per window that holds the metric, with the window's own count
      const windows = results.series.windows.map((w) => w[metric as 'ttft' | 'e2e' | 'itl' | 'tpot']?.count ?? 0).filter((n) => n > 0);
      expect(counts).toEqual(windows);
    }
  });

  it('results.hlog holds every metric under its tag', async () => {
    for (const metric of ['itl', 'e2e_from_intended']) {
      const { hgrm } = await processLog(path.join(dir, 'results.hlog'), path.join(tmp, `java-tagged-${metric}`), metric);
      expect(distribution(hgrm)).toEqual(distribution(readFileSync(path.join(dir, `${metric}.hgrm`), 'utf8')));
    }
  });
});
