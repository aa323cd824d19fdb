/**
 * The mock's rate limiter, fault injector and truth log, seen from a client on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../src/mock/faults.js';
import { startMockInWorker } from '../src/mock/in-process.js';
import { parseGoDuration } from '../src/mock/rate-limit.js';
import { startMockServer, type MockServerHandle } from '../src/mock/server.js';
import { readTruthLog } from '../src/mock/truth-log.js';
import type { MockFaultSpec } from '../src/types.js';
import { epoch, median } from './helpers/scheduled-server.js';
import { runCore } from './helpers/run-core.js';
import { urlTarget } from './helpers/target.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function mockWith(opts: Parameters<typeof startMockServer>[0]): Promise<MockServerHandle> {
  const m = await startMockServer({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, ...opts });
  closers.push(() => m.close());
  return m;
}

/** One user message "x" is estimated at 7 prompt tokens; the request reserves 7 + max. */
async function ask(url: string, maxTokens: number, key = 'sk-a') {
  const res = await request(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: maxTokens }),
  });
  const body = (await res.body.json()) as { error?: { code: string; type: string } };
  const h = (name: string) => String(res.headers[name]);
  return { status: res.statusCode, body, h };
}

describe('rate-limit emulation (TPM = 60 000)', () => {
  it('a client that ignores the limits gets 429s once the bucket is spent; one that waits gets through', async () => {
    const m = await mockWith({ rateLimits: { tpm: 60_000, rpm: 500 } });
    const t0 = performance.now();
    for (let k = 1; k <= 6; k++) {
      const r = await ask(m.url, 9_993); // 10 000 tokens each
      expect(r.status).toBe(200);
      const elapsed = performance.now() - t0;
      const remaining = Number(r.h('x-ratelimit-remaining-tokens'));
      // the bucket refills 1 token per ms: remaining is the spend minus what came back
      expect(remaining).toBeGreaterThanOrEqual(60_000 - 10_000 * k);
      expect(remaining).toBeLessThanOrEqual(60_000 - 10_000 * k + elapsed + 1);
      // reset = time to refill the deficit at 1 000 tokens/s
      expect(Math.abs(parseGoDuration(r.h('x-ratelimit-reset-tokens')) - (60_000 - remaining))).toBeLessThanOrEqual(2);
      expect(r.h('x-ratelimit-limit-requests')).toBe('500');
    }
    const refused = await ask(m.url, 9_993);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'tokens' });
    expect(Number(refused.h('retry-after-ms'))).toBeGreaterThan(5_000);

    // A small request that waits as told gets through.
    const small = await ask(m.url, 293); // 300 tokens
    expect(small.status).toBe(429);
    const wait = Number(small.h('retry-after-ms'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, wait));
    expect((await ask(m.url, 293)).status).toBe(200);
    // another key has its own bucket
    expect((await ask(m.url, 9_993, 'sk-b')).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('fault counts over many requests are exactly the seeded decisions, each seen as its class', async () => {
    const faults: MockFaultSpec[] = [
      { type: 'status', status: 503, rate: 0.1 },
      { type: 'status', status: 429, rate: 0.05 },
      { type: 'cut', afterEvents: 3, rate: 0.1 },
      { type: 'malformed', atEvent: 2, rate: 0.05 },
    ];
    const m = await mockWith({ faults, seed: 11, defaultOutputTokens: 8 });
    const { recorder } = await runCore(urlTarget(m.url, { streamUsage: false }), {
      maxInFlight: 100,
      phases: [{ kind: 'open', name: 'o', duration: 2000, arrival: 'constant', rate: 300, rampTo: 300, burstiness: 1 }],
    });
    const expected = { http_5xx: 0, http_429: 0, stream_cut: 0, bad_response: 0 };
    const injector = new FaultInjector(faults, 11, () => 0);
    for (let i = 0; i < 600; i++) {
      const d = injector.decide(i);
      if (d.kind === 'status') expected[d.status === 503 ? 'http_5xx' : 'http_429']++;
      else if (d.kind === 'cut') expected.stream_cut++;
      else if (d.kind === 'malformed') expected.bad_response++;
    }
    const counts = recorder.counts();
    expect(counts.requests).toBe(600);
    expect(counts.byClass).toMatchObject(expected);
    expect(counts.ok).toBe(600 - Object.values(expected).reduce((a, b) => a + b, 0));
    // and the rates are what was configured (binomial, 4σ)
    expect(Math.abs(expected.http_5xx - 60)).toBeLessThan(4 * Math.sqrt(600 * 0.1 * 0.9));
  });

  it('a stall holds the stream after its headers; slow headers hold the status line', async () => {
    const m = await mockWith({ faults: [{ type: 'stall', ms: 300, rate: 1 }] });
    const { records } = await runCore(urlTarget(m.url), { maxInFlight: 5, phases: [{ kind: 'closed', name: 'c', duration: 100, concurrency: 1 }] });
    for (const r of records) {
      expect(r.errorClass).toBeNull();
      expect(r.headers - r.sent).toBeLessThan(100);
      expect(r.firstToken - r.sent).toBeGreaterThan(290);
    }
    const slow = await mockWith({ faults: [{ type: 'slowHeaders', ms: 300, rate: 1 }] });
    const s = await runCore(urlTarget(slow.url), { maxInFlight: 5, phases: [{ kind: 'closed', name: 'c', duration: 100, concurrency: 1 }] });
    for (const r of s.records) expect(r.headers - r.sent).toBeGreaterThan(290);
  });
});

describe('truth log', () => {
  it('the client\'s TTFT matches the mock\'s own log within 2 ms at 100 streams, its first-token stamp too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llm-bench-truth-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'truth.jsonl');
    const m = await startMockInWorker({ ttft: { median: 100, p99: 150 }, tokensPerSecond: 100, defaultOutputTokens: 20, truthLog: file });
    const { records, recorder } = await runCore(urlTarget(m.url), {
      maxInFlight: 200,
      // The mock's first requests on 100 fresh connections meet cold code and a burst of
      // accepts that its own log cannot see (it stamps a request once parsed): warm up first.
      phases: [
        { kind: 'closed', name: 'warmup', duration: 1000, concurrency: 100 },
        { kind: 'closed', name: 'measure', duration: 3000, concurrency: 100 },
      ],
    }, 100); // one pool of 100 connections, so the measured phase opens none
    await m.close();
    const truth = new Map((await readTruthLog(file)).map((t) => [t.requestId, t]));
    const serverTtft: number[] = [];
    const lag: number[] = [];
    const measured = records.filter((r) => r.phase === 1);
    expect(measured.length).toBeGreaterThan(300);
    for (const r of measured) {
      const t = truth.get(r.requestId!)!;
      expect(t.status).toBe(200);
      serverTtft.push(t.firstToken! - t.arrived);
      lag.push(epoch(r.firstToken) - t.firstToken!);
    }
    // The client's own error: the mock's write of the first token → the client's stamp of it.
    expect(median(lag)).toBeGreaterThanOrEqual(0);
    expect(median(lag)).toBeLessThan(2);
    // TTFT runs from the client's send, the mock's from its parse of the request: they differ by
    // the request's way in, which can be a little negative (the send stamp is taken when the
    // write completes, and the mock's thread may read the bytes first). Measured −0.1 to 0.6 ms.
    const clientTtft = recorder.histogram('ttft', 'phase=measure')!.getValueAtPercentile(50) / 1000;
    expect(Math.abs(clientTtft - median(serverTtft))).toBeLessThan(2);
  });
});
