import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMockInWorker } from './in-process.js';
import { startMockServer } from './server.js';
import { mockCommand } from '../cli/mock.js';

const body = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
  max_completion_tokens: 8,
});

async function streamEvents(url: string): Promise<string[]> {
  const res = await request(url + '/chat/completions', { method: 'POST', body });
  expect(res.statusCode).toBe(200);
  return (await res.body.text()).trimEnd().split('\n\n');
}

describe('mock in a worker thread', () => {
  it('starts, serves a stream and closes', async () => {
    const mock = await startMockInWorker({ ttft: { median: 5, p99: 10 }, tokensPerSecond: 1000 });
    try {
      expect(mock.url).toBe(`http://127.0.0.1:${mock.port}/v1`);
      const events = await streamEvents(mock.url);
      expect(events).toHaveLength(1 + 8 + 1 + 1 + 1);
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(JSON.parse(events.at(-2)!.slice(6)).usage.completion_tokens).toBe(8);
    } finally {
      await mock.close();
    }
    await expect(request(mock.url + '/models')).rejects.toThrow();
  });

  it('rejects the start promise with a clear message when it cannot listen', async () => {
    const taken = await startMockServer({});
    try {
      await expect(startMockInWorker({ port: taken.port })).rejects.toThrow(/mock server worker failed to start: .*EADDRINUSE/);
    } finally {
      await taken.close();
    }
  });

  it('rejects bad options in the calling thread', async () => {
    await expect(startMockInWorker({ ttft: { median: 100, p99: 50 } })).rejects.toThrow(/mock\.ttft\.p99/);
  });

});

describe('server close and the CLI command', () => {
  it('close() ends open streams instead of waiting for them', async () => {
    const s = await startMockServer({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 1 });
    const res = await request(s.url + '/chat/completions', { method: 'POST', body });
    const drained = res.body.text().catch(() => 'cut');
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    await drained;
  });

  it('mockCommand prints the listening URL and closes', async () => {
    const lines: string[] = [];
    const handle = await mockCommand({ port: 0, host: '127.0.0.1', seed: 3, ttftMedian: 0, tokensPerSecond: 0 }, { out: (s) => lines.push(s) });
    try {
      expect(lines).toHaveLength(1);
      const m = /^llm-bench mock listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/.exec(lines[0]!);
      expect(m).not.toBeNull();
      expect((await streamEvents(m![1]!)).at(-1)).toBe('data: [DONE]');
    } finally {
      await handle.close();
    }
  });
});

describe('runtime faults (setFaults)', () => {
  const plain = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 4 });
  const statusOf = async (url: string): Promise<number> => {
    const res = await request(url + '/chat/completions', { method: 'POST', body: plain });
    await res.body.text();
    return res.statusCode;
  };

  for (const [name, start] of [
    ['in-process server', startMockServer],
    ['worker', startMockInWorker],
  ] as const) {
    it(`${name}: a 503 set at runtime applies at once, and clearing restores 200`, async () => {
      const mock = await start({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 });
      try {
        expect(await statusOf(mock.url)).toBe(200);
        await mock.setFaults([{ type: 'status', status: 503, rate: 1 }]);
        const res = await request(mock.url + '/chat/completions', { method: 'POST', body: plain });
        expect(res.statusCode).toBe(503);
        expect(JSON.parse(await res.body.text()).error.type).toBe('server_error');
        expect(await statusOf(mock.url)).toBe(503);
        await mock.setFaults([]);
        expect(await statusOf(mock.url)).toBe(200);
        await expect(mock.setFaults([{ type: 'status', status: 418 } as never])).rejects.toThrow(/faults\[0\]\.status/);
      } finally {
        await mock.close();
      }
    });
  }

  it('episode faults are checked before the configured ones, which return once cleared', async () => {
    const mock = await startMockServer({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, faults: [{ type: 'status', status: 500 }] });
    try {
      expect(await statusOf(mock.url)).toBe(500);
      await mock.setFaults([{ type: 'status', status: 429 }]);
      expect(await statusOf(mock.url)).toBe(429);
      await mock.setFaults([{ type: 'status', status: 429, rate: 0 }]);
      expect(await statusOf(mock.url)).toBe(500);
      await mock.setFaults([]);
      expect(await statusOf(mock.url)).toBe(500);
    } finally {
      await mock.close();
    }
  });
});
