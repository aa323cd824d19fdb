// npm run bench (third part) — what reading a streamed answer costs the client's event loop,
// without the network: one 64-token answer the mock streamed (chat, usage on), cut into the
// reads a socket delivers, fed through llm-bench's stream parser; next to the same bytes through
// SSE framing plus JSON.parse of every event (what the SDKs do), in this process.
// Prints µs per stream and the ratio; never a test.
import { chatRequest, outputTokens, startMockInWorker } from './core.mjs';

const { SseDecoder } = await import(new URL('../dist/protocols/sse.js', import.meta.url).href);

const mock = await startMockInWorker({ port: 0, ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, defaultOutputTokens: outputTokens });
const { protocol, prepared } = chatRequest(mock.url);
const response = await fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: prepared.body });
const body = Buffer.from(await response.arrayBuffer());
await mock.close();
const READ = 1500; // about one TCP segment's payload per socket read
const reads = [];
for (let i = 0; i < body.length; i += READ) reads.push(body.subarray(i, i + READ));

const record = () => ({
  tokenTimes: [], contentPieces: [], firstToken: NaN, lastToken: NaN, end: NaN, errorClass: null, errorMessage: null,
  finishReason: null, usageOutputTokens: null, usageInputTokens: null, usageCachedInputTokens: null,
});

function ours() {
  const rec = record();
  const parser = protocol.parser(rec);
  for (let i = 0; i < reads.length; i++) parser.onData(reads[i], i);
  parser.onEnd(reads.length);
  if (rec.errorClass !== null || rec.tokenTimes.length !== outputTokens) throw new Error(`parser: ${rec.errorClass} after ${rec.tokenTimes.length} tokens`);
}

function parseEveryEvent() {
  let tokens = 0;
  const sse = new SseDecoder((data) => {
    if (data === '[DONE]') return;
    const chunk = JSON.parse(data);
    if (chunk.choices?.[0]?.delta?.content) tokens++;
  });
  for (let i = 0; i < reads.length; i++) sse.push(reads[i], i);
  sse.end(reads.length);
  if (tokens !== outputTokens) throw new Error(`JSON.parse baseline: ${tokens} tokens`);
}

/** Median µs per stream over rounds of `n`, after a warm-up. */
function measure(fn, n = 4000, rounds = 7) {
  for (let i = 0; i < n; i++) fn();
  const us = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    us.push(((performance.now() - t) * 1000) / n);
  }
  return us.sort((a, b) => a - b)[rounds >> 1];
}

console.log(`bench: one ${outputTokens}-token streamed chat answer (${body.length} bytes, ${reads.length} reads), parsed in-process`);
const base = measure(parseEveryEvent);
const mine = measure(ours);
console.log(`${'SSE + JSON.parse per event'.padEnd(28)} ${base.toFixed(1).padStart(7)} µs/stream`);
console.log(`${'llm-bench stream parser'.padEnd(28)} ${mine.toFixed(1).padStart(7)} µs/stream  (${((mine * 1000) / outputTokens).toFixed(0)} ns per token)`);
console.log(`ratio llm-bench / JSON.parse: ${(mine / base).toFixed(2)}`);
