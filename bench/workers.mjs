// npm run bench:workers — does `--workers 2` drive more streamed requests/s than one thread?
// The same closed-loop scenario (128 concurrent 64-token streams) runs with 1 and then 2 worker
// threads against the mock in its own process. Prints both rates and their ratio; never a test.
// On a 2-core machine the mock's own process shares the cores, so the ceiling is well below 2×.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenarioFile, startMockProcess, writeScenario, seconds } from './core.mjs';

const mock = await startMockProcess({ outputTokens: 64 });
const { file, dir } = writeScenario((dir) => `name: workers
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

/** CPU seconds a process has used so far (Linux /proc; utime + stime in clock ticks of 10 ms). */
const cpuOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const rates = [];
for (const workers of [1, 2]) {
  const mock0 = cpuOf(mock.pid);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const { results: r } = await runScenarioFile({ file, workers, log: () => undefined });
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  console.log(`  cores busy: client ${((own.user + own.system) / 1e6 / wall).toFixed(2)}, mock ${((cpuOf(mock.pid) - mock0) / wall).toFixed(2)}`);
  const measured = r.counts.byLabel['phase=measure']?.requests ?? 0;
  const perSecond = measured / seconds;
  rates.push(perSecond);
  console.log(`  --workers ${workers}: ${perSecond.toFixed(0)} streamed req/s (${r.counts.failed} failed), client ELU ${r.client.eventLoopUtilization}, saturated ${r.client.saturated}`);
}
console.log(`ratio 2 workers / 1 worker: ${(rates[1] / rates[0]).toFixed(2)}`);
mock.stop();
rmSync(dir, { recursive: true, force: true });
