// npm run bench — how many streamed requests/s the generator drives against the built-in
// mock at zero latency, next to a baseline (a bare undici closed loop that reads the same
// streams without parsing them) measured in the same process against the same mock.
// Not a test: it prints figures and ratios; nothing here passes or fails.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { chatRequest, concurrency, outputTokens, runGenerator, seconds, startMockInWorker } from './core.mjs';

const mock = await startMockInWorker({ port: 0, ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, defaultOutputTokens: outputTokens });
const { prepared } = chatRequest(mock.url);

function watch() {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const t = performance.now();
  return () => {
    loop.disable();
    const c = process.cpuUsage(cpu);
    const wall = performance.now() - t;
    return { wall, eldP99: Math.max(0, loop.percentile(99) / 1e6 - 10), cpu: ((c.user + c.system) / 1000 / wall) * 100 };
  };
}

async function baseline() {
  const pool = new Pool(new URL(mock.url).origin, { connections: concurrency, pipelining: 1 });
  let done = 0;
  let bytes = 0;
  const stop = watch();
  const end = performance.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve, reject) => {
      pool.dispatch(
        { method: 'POST', path: prepared.path, body: prepared.body, headers: ['content-type', 'application/json'] },
        {
          onConnect() {}, onHeaders() { return true; }, onData(c) { bytes += c.length; return true; },
          onComplete() { done++; resolve(); }, onError: reject,
        },
      );
    });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < end) await one(); }));
  const w = stop();
  await pool.close();
  return { rps: done / (w.wall / 1000), eventsPerSec: NaN, ...w };
}

async function llmBench() {
  const stop = watch();
  const { recorder, events } = await runGenerator(mock.url);
  const w = stop();
  return { rps: recorder.requests / (w.wall / 1000), eventsPerSec: events / (w.wall / 1000), failed: recorder.failed, ...w };
}

console.log(`bench: ${concurrency} concurrent ${outputTokens}-token streams, ${seconds} s each, mock in a worker thread at zero latency`);
const base = await baseline();
const ours = await llmBench();
await mock.close();
const row = (name, r) =>
  `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s ${Number.isNaN(r.eventsPerSec) ? '            -' : r.eventsPerSec.toFixed(0).padStart(9) + ' ev/s'}  ELD p99 ${r.eldP99.toFixed(1).padStart(5)} ms  CPU ${r.cpu.toFixed(0).padStart(3)}%`;
console.log(row('baseline (undici, no parse)', base));
console.log(row('llm-bench core', ours));
console.log(`ratio llm-bench / baseline: ${(ours.rps / base.rps).toFixed(2)}${ours.failed ? `  (${ours.failed} failed requests!)` : ''}`);
