// npm run bench (second part) — is the mock ever the bottleneck? The mock runs as its own
// process (`llm-bench mock`), the generator drives it from this one, and each side's CPU time
// per streamed request gives its capacity per core. Prints figures and the ratio; never a test.
// BENCH_API=responses drives streamed /v1/responses instead of chat.
import { readFileSync } from 'node:fs';

import { chatRequest, concurrency, outputTokens, runGenerator, seconds, startMockProcess } from './core.mjs';

const api = process.env.BENCH_API ?? 'chat';
if (api !== 'chat' && api !== 'responses') {
  console.error(`bench: BENCH_API must be chat or responses, not ${api}`);
  process.exit(2);
}

/**
 * The product has no `api: responses` protocol yet, so the generator side of this case is a
 * minimal one here: stamps on each output_text.delta (by its `event:` line, as the chat parser
 * reads only the fields it needs), usage and status from the terminal event.
 */
const { SseDecoder } = await import(new URL('../dist/protocols/sse.js', import.meta.url).href);
function responsesRequest(url) {
  const { target } = chatRequest(url);
  const path = `${new URL(url).pathname.replace(/\/$/, '')}/responses`;
  const body = { model: target.model, input: 'Write a haiku about load tests.', max_output_tokens: outputTokens, stream: true };
  const protocol = {
    api: 'responses',
    prepare: () => ({ path, body: Buffer.from(JSON.stringify(body)) }),
    parser(rec) {
      let done = false;
      const sse = new SseDecoder((data, event, t) => {
        if (done) return;
        if (event === 'response.output_text.delta') {
          if (rec.tokenTimes.length === 0) rec.firstToken = t;
          rec.tokenTimes.push(t);
          rec.lastToken = t;
        } else if (event === 'response.completed' || event === 'response.incomplete') {
          const r = JSON.parse(data).response;
          done = true;
          rec.end = t;
          rec.finishReason = r.status === 'completed' ? 'stop' : 'length';
          rec.usageOutputTokens = r.usage.output_tokens;
          rec.usageInputTokens = r.usage.input_tokens;
        }
      });
      return {
        onData: (chunk, t) => sse.push(chunk, t),
        onEnd(t) {
          sse.end(t);
          if (!done && rec.errorClass === null) {
            rec.errorClass = 'stream_cut';
            rec.errorMessage = 'stream ended before response.completed';
          }
        },
      };
    },
  };
  return { target: { ...target, api: 'responses' }, protocol, prepared: protocol.prepare() };
}

const mock = await startMockProcess({ nodeArgs: process.env.MOCK_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir=/tmp/mprof'] : [] });
const url = mock.url;

/** CPU ms a process has used so far (Linux /proc; utime + stime in clock ticks of 10 ms). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const mockCpu0 = cpuMsOf(mock.pid);
const ownCpu0 = process.cpuUsage();
const t0 = performance.now();
const { recorder } = await runGenerator(url, api === 'responses' ? responsesRequest(url) : undefined);
const wall = (performance.now() - t0) / 1000;
const own = process.cpuUsage(ownCpu0);
const mockCpu = (cpuMsOf(mock.pid) - mockCpu0) / 1000;
mock.stop();

const n = recorder.requests;
const ownCpu = (own.user + own.system) / 1e6;
const perCore = (cpuSec) => n / cpuSec;
console.log(`bench: generator (this process) → mock (its own process), ${concurrency} concurrent 64-token ${api} streams, ${seconds} s`);
console.log(`  streamed requests  ${(n / wall).toFixed(0)} req/s  (${recorder.failed} failed)`);
console.log(`  generator CPU      ${((ownCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(ownCpu).toFixed(0)} req/s per core`);
console.log(`  mock CPU           ${((mockCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(mockCpu).toFixed(0)} req/s per core`);
console.log(`ratio mock / generator capacity: ${(ownCpu / mockCpu).toFixed(2)} (the mock must stay above 2)`);
