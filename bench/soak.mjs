// npm run bench:soak — does a long run stay in constant memory? Drives ≥ 1M requests through
// the whole `llm-bench run` path (open-loop plan, dispatcher, transport, recorder, interval
// windows) against the mock in its own process, and samples this process's RSS and heap as
// the request count passes each mark. Prints the figures and the 100k → end ratio; never a test.
// SOAK_REQUESTS (default 1,000,000) and SOAK_RATE (req/s, default 4000) change the size.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { runScenarioFile, startMockProcess, writeScenario } from './core.mjs';

const target = Number(process.env.SOAK_REQUESTS ?? 1_000_000);
const rate = Number(process.env.SOAK_RATE ?? 4000);
const seconds = Math.ceil((target * 1.02) / rate);
const marks = [100_000, 250_000, 500_000, 750_000, 1_000_000].filter((m) => m <= target);

const mock = await startMockProcess({ outputTokens: 16 });
const { file, dir } = writeScenario((dir) => `name: soak
seed: 7
target: { kind: url, url: ${mock.url}, model: gpt-4o-mini, apiKeyEnv: LLM_BENCH_SOAK_NO_KEY }
dataset:
  synthetic: { inputTokens: { mean: 64, stddev: 0 }, outputTokens: { mean: 16, stddev: 0 }, count: 200 }
load:
  maxInFlight: 2000
  phases:
    - { name: soak, duration: ${seconds}s, rate: ${rate}, arrival: poisson }
output: { dir: ${path.join(dir, 'out')}, interval: 10s }
`);

const samples = [];
let next = 0;
const mb = (b) => (b / 1048576).toFixed(1);
console.log(`bench:soak: ${target.toLocaleString('en')} requests at ${rate} req/s (${seconds} s) against the mock in its own process`);
const t0 = performance.now();
const outcome = await runScenarioFile({
  file,
  log: () => undefined,
  onProgress: (p) => {
    while (next < marks.length && p.requests >= marks[next]) {
      globalThis.gc?.();
      const m = process.memoryUsage();
      samples.push({ requests: marks[next], rss: m.rss, heap: m.heapUsed, at: (performance.now() - t0) / 1000 });
      console.log(`  ${marks[next].toLocaleString('en').padStart(9)} requests  rss ${mb(m.rss)} MB  heap ${mb(m.heapUsed)} MB  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      next++;
    }
  },
});
mock.stop();
const r = outcome.results;
console.log(`  sent ${r.counts.requests.toLocaleString('en')}, ok ${r.counts.ok.toLocaleString('en')}, dropped ${r.counts.dropped}, ` +
  `${r.throughput.requestsPerSecond.toFixed(0)} req/s, client saturated: ${r.client.saturated}${r.client.reasons.length ? ` (${r.client.reasons.join('; ')})` : ''}`);
// Where drops happened (maxInFlight reached): a stall shows as one or two windows with a high in-flight peak.
const dropWindows = r.series.windows.filter((w) => w.dropped > 0);
if (dropWindows.length > 0) {
  console.log(`  drops in ${dropWindows.length} of ${r.series.windows.length} windows: ` +
    dropWindows.slice(0, 5).map((w) => `${w.start} s: ${w.dropped} dropped, ${w.inFlightMax} in flight at most`).join('; '));
}
console.log(`  client: event-loop delay p99 ${r.client.eventLoopDelayP99Ms} ms, schedule slip p99 ${r.client.scheduleSlipP99Ms} ms, busy ${(r.client.eventLoopUtilization * 100).toFixed(0)} %`);
if (samples.length >= 2) {
  const first = samples[0];
  const last = samples.at(-1);
  const ratio = last.rss / first.rss;
  console.log(`RSS ${first.requests.toLocaleString('en')} → ${last.requests.toLocaleString('en')} requests: ${mb(first.rss)} → ${mb(last.rss)} MB, ratio ${ratio.toFixed(3)} (flat within 10% means ≤ 1.10)`);
}
rmSync(dir, { recursive: true, force: true });
