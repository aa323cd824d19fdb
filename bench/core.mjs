// What the benchmarks share: the compiled core, a chat target, one closed-loop run, and the
// mock as its own process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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

/** llm-bench's own closed loop against `url` for `seconds` (chat unless `request` says otherwise); returns the recorder and content events seen. */
export async function runGenerator(url, request = chatRequest(url)) {
  const { target, protocol, prepared } = request;
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

/** `llm-bench mock --config` in its own process at zero latency; resolves { url, pid, stop }. */
export async function startMockProcess({ outputTokens: tokens = outputTokens, nodeArgs = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'llm-bench-mock-'));
  const config = path.join(dir, 'mock.yaml');
  writeFileSync(config, `ttft: { median: 0ms, p99: 0ms }\ntokensPerSecond: 0\ndefaultOutputTokens: ${tokens}\n`);
  const mock = spawn(process.execPath, [...nodeArgs, new URL('../bin/llm-bench.js', import.meta.url).pathname, 'mock', '--port', '0', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The bench process must never outlive a failure because the mock keeps it alive.
  process.once('exit', () => mock.kill('SIGKILL'));
  const url = await new Promise((resolve, reject) => {
    mock.stdout.on('data', (d) => {
      const m = /listening on (\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    });
    mock.once('exit', (code) => reject(new Error(`mock exited (${code})`)));
  });
  return {
    url,
    pid: mock.pid,
    stop: () => {
      mock.kill('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A scenario file in a fresh temp directory: `yamlFor(dir)` gives its text; returns its path and the directory. */
export function writeScenario(yamlFor) {
  const dir = mkdtempSync(path.join(tmpdir(), 'llm-bench-bench-'));
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(file, yamlFor(dir));
  return { file, dir };
}

export const { runScenarioFile } = await load('run/run-scenario.js');
