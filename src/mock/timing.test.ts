import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { performance } from 'node:perf_hooks';
import { startMockServer, type MockServerHandle, type MockServerOptions } from './server.js';

const open: MockServerHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(opts: MockServerOptions): Promise<MockServerHandle> {
  const s = await startMockServer(opts);
  open.push(s);
  return s;
}

/** Streams one request; returns header time and arrival time of each content chunk (ms from send). */
async function timedStream(url: string, maxTokens: number) {
  const t0 = performance.now();
  const res = await request(url + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, max_completion_tokens: maxTokens }),
  });
  const headersAt = performance.now() - t0;
  const contentAt: number[] = [];
  let buf = '';
  for await (const piece of res.body) {
    const now = performance.now() - t0;
    buf += piece.toString();
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (ev.includes('"delta":{"content"')) contentAt.push(now);
    }
  }
  return { headersAt, contentAt };
}

describe('timing on loopback', () => {
  it('streams 10 tokens at 100 tokens/s: ~90 ms from first to last token', async () => {
    const s = await start({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 100, seed: 1 });
    await timedStream(s.url, 2); // warm the connection and JIT
    const { contentAt } = await timedStream(s.url, 10);
    expect(contentAt).toHaveLength(10);
    // The server cannot send token 10 earlier than 90 ms after it got the body.
    expect(contentAt.at(-1)!).toBeGreaterThanOrEqual(89);
    // First to last token ~90 ms; wide bounds because a busy client reads chunks late.
    const span = contentAt.at(-1)! - contentAt[0]!;
    expect(span).toBeGreaterThanOrEqual(60);
    expect(span).toBeLessThan(200);
  });

  it('sends headers and the role chunk before TTFT, content at TTFT', async () => {
    const s = await start({ ttft: { median: 120, p99: 120 }, tokensPerSecond: 0 });
    const { headersAt, contentAt } = await timedStream(s.url, 5);
    expect(headersAt).toBeLessThan(80);
    expect(contentAt).toHaveLength(5);
    expect(contentAt[0]!).toBeGreaterThanOrEqual(115);
    expect(contentAt[0]!).toBeLessThan(250);
  });

  it('survives client aborts mid-stream and keeps serving', async () => {
    const s = await start({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 50 });
    const ac = new AbortController();
    const res = await request(s.url + '/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, max_completion_tokens: 500 }),
      signal: ac.signal,
    });
    res.body.on('error', () => {});
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    const { contentAt } = await timedStream(s.url, 3);
    expect(contentAt).toHaveLength(3);
  });
});
