// What both benchmarks share: the compiled core, a chat target, and one closed-loop run.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('run/run-scenario.js', dist))) {
  console.error('bench: dist/ is missing — run `npm run build` first');
  process.exit(2);
}
const load = (file) => import(new URL(file, dist).href);
const { startRunLoop } = await load('load/run-loop.js');
const { HttpTransport } = await load('protocols/http-transport.js');
const { chatProtocol } = await load('protocols/chat.js');
const { MetricsRecorder } = await load('metrics/recorder.js');
const { Dispatcher } = await load('load/dispatcher.js');
export const { startMockInWorker } = await load('mock/in-process.js');

export const seconds = Number(process.env.BENCH_SECONDS ?? 8);
export const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
export const outputTokens = 64;

export function chatRequest(url) {
  const target = {
    kind: 'url', url, api: 'chat', model: 'gpt-4o-mini', apiKeyEnv: 'NONE', timeout: 30_000,
    stream: true, streamUsage: true, http: { h2: false }, headers: {},
  };
  const protocol = chatProtocol(target);
  const prepared = protocol.prepare({ id: 'b', messages: [{ role: 'user', content: 'Write a haiku about load tests.' }], maxOutputTokens: outputTokens, inputTokens: 16 });
  return { target, protocol, prepared };
}

/** llm-bench's own closed loop against `url` for `seconds`; returns the recorder and content events seen. */
export async function runGenerator(url) {
  const { target, protocol, prepared } = chatRequest(url);
  const transport = new HttpTransport({ target, protocol, connections: concurrency, apiKey: undefined });
  const recorder = new MetricsRecorder({ model: target.model, phaseNames: ['bench'] });
  let events = 0;
  // The product's path: run loop → dispatcher (tenants, pacing, retries; all off here) → transport.
  const dispatcher = new Dispatcher({ seed: 1, budgetOf: () => 80, sendAttempt: (rec, done) => transport.send(rec, prepared, done) });
  const loop = startRunLoop(
    { load: { maxInFlight: concurrency, phases: [{ kind: 'closed', name: 'bench', duration: seconds * 1000, concurrency }] }, seed: 1, promptCount: 1 },
    {
      send: (rec, done) => dispatcher.send(rec, done),
      inFlight: () => dispatcher.inFlight,
      onComplete: (rec) => {
        events += rec.tokenTimes.length;
        recorder.recordRequest(rec);
      },
      onDropped: () => {},
      onSlip: () => {},
    },
  );
  await loop.finished;
  await transport.close();
  return { recorder, events };
}
