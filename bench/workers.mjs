// npm run bench:workers — does `--workers 2` drive more streamed requests/s than one thread?
// The same closed-loop scenario (128 concurrent 64-token streams) runs with 1 and then 2 worker
// threads against the mock in its own process. Prints both rates and their ratio; never a test.
// On a 2-core machine the mock's own process shares the cores, so the ceiling is well below 2×.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { runScenarioFile, startMockProcess, writeScenario, seconds } from './core.mjs';

const mock = await startMockProcess({ outputTokens: 64 });
const { file, dir } = writeScenario(`name: workers
seed: 3
target: { kind: url, url: ${mock.url}, model: gpt-4o-mini, apiKeyEnv: LLM_BENCH_BENCH_NO_KEY }
dataset:
  synthetic: { inputTokens: { mean: 32, stddev: 0 }, outputTokens: { mean: 64, stddev: 0 }, count: 50 }
load:
  maxInFlight: 128
  phases:
    - { name: warm, duration: 2s, concurrency: 128 }
    - { name: measure, duration: ${seconds}s, concurrency: 128 }
output: { dir: ${path.join(dir, 'out')} }
`);

const rates = [];
for (const workers of [1, 2]) {
  const { results: r } = await runScenarioFile({ file, workers, log: () => undefined });
  const measured = r.counts.byLabel['phase=measure']?.requests ?? 0;
  const perSecond = measured / seconds;
  rates.push(perSecond);
  console.log(`  --workers ${workers}: ${perSecond.toFixed(0)} streamed req/s (${r.counts.failed} failed), client ELU ${r.client.eventLoopUtilization}, saturated ${r.client.saturated}`);
}
console.log(`ratio 2 workers / 1 worker: ${(rates[1] / rates[0]).toFixed(2)}`);
mock.stop();
rmSync(dir, { recursive: true, force: true });
