import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMockServer, type MockServerHandle } from '../mock/server.js';
import { breakEvent, startHttpFaultStage, type HttpFaultStage } from './http-fault-stage.js';

const chatBody = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
  max_completion_tokens: 8,
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function mock(opts: Parameters<typeof startMockServer>[0] = { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 }): Promise<MockServerHandle> {
  const m = await startMockServer(opts);
  open.push(m);
  return m;
}

async function stage(upstream: string): Promise<HttpFaultStage> {
  const s = await startHttpFaultStage({ upstream, seed: 7 });
  open.push(s);
  return s;
}

/** A loopback upstream that counts requests, keeps what it saw, and sends `chunks` as an SSE body. */
async function sseUpstream(chunks: string[], gapMs = 0) {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', async () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-upstream': 'yes' });
      for (const c of chunks) {
        res.write(c);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const handle = { url, seen, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
  open.push(handle);
  return handle;
}

/** POSTs a chat stream; returns status, headers and the text received before the end or a break. */
async function chat(base: string, headers: Record<string, string> = {}) {
  const res = await request(base + '/chat/completions', { method: 'POST', body: chatBody, headers: { 'content-type': 'application/json', ...headers } });
  let text = '';
  let broken = false;
  try {
    for await (const c of res.body) text += (c as Buffer).toString('utf8');
  } catch {
    broken = true;
  }
  return { status: res.statusCode, headers: res.headers, text, broken, events: text.split('\n\n').filter((e) => e !== '') };
}

const EVENTS = ['a', 'b', 'c', 'd', 'e'].map((x) => `data: {"x":"${x}"}\n\n`).concat('data: [DONE]\n\n');

describe('HTTP fault stage: pass-through', () => {
  it('keeps the path prefix and relays a streamed chat completion unchanged in structure', async () => {
    const up = await mock();
    const s = await stage(up.url);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const direct = await chat(up.url);
    const via = await chat(s.url);
    expect(via.status).toBe(200);
    expect(via.headers['content-type']).toBe(direct.headers['content-type']);
    expect(via.events).toHaveLength(direct.events.length);
    expect(via.events.at(-1)).toBe('data: [DONE]');
    const shape = (e: string) => (e === 'data: [DONE]' ? e : Object.keys(JSON.parse(e.slice(6))).sort().join());
    expect(via.events.map(shape)).toEqual(direct.events.map(shape));
    const models = await request(s.url + '/models');
    expect(models.statusCode).toBe(200);
    expect(JSON.parse(await models.body.text()).object).toBe('list');
  });

  it('forwards method, path, query, headers (authorization too) and body; bytes come back identical', async () => {
    const up = await sseUpstream(EVENTS);
    const s = await stage(up.url);
    const r = await request(s.url + '/chat/completions?x=1', { method: 'POST', body: chatBody, headers: { authorization: 'Bearer sk-test', 'openai-project': 'p1' } });
    expect(r.headers['x-upstream']).toBe('yes');
    expect(await r.body.text()).toBe(EVENTS.join(''));
    expect(up.seen).toHaveLength(1);
    expect(up.seen[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions?x=1', body: chatBody });
    expect(up.seen[0]!.headers).toMatchObject({ authorization: 'Bearer sk-test', 'openai-project': 'p1', host: new URL(up.url).host });
  });

  it('streams each chunk as it arrives (no buffering)', async () => {
    const up = await sseUpstream(EVENTS, 100);
    const s = await stage(up.url);
    const t0 = Date.now();
    const res = await request(s.url + '/chat/completions', { method: 'POST', body: chatBody });
    const it = res.body[Symbol.asyncIterator]();
    const first = await it.next();
    expect(Date.now() - t0).toBeLessThan(300); // the whole body takes ~600 ms
    expect((first.value as Buffer).toString()).toBe(EVENTS[0]);
    await res.body.text().catch(() => undefined);
  });
});

describe('HTTP fault stage: faults', () => {
  it('answers a 429 itself with the real body and retry headers; the upstream sees nothing', async () => {
    const up = await sseUpstream(EVENTS);
    const s = await stage(up.url);
    s.setFaults([{ type: 'status', status: 429, rate: 1 }]);
    const r = await chat(s.url);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after-ms']).toBe('1000');
    expect(r.headers['retry-after']).toBe('1');
    expect(r.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(JSON.parse(r.text).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
    expect(up.seen).toHaveLength(0);
    // non-POST requests are never faulted
    expect((await request(s.url + '/models')).statusCode).toBe(200);
    s.setFaults([]);
    expect((await chat(s.url)).text).toBe(EVENTS.join(''));
    expect(up.seen).toHaveLength(2);
  });

  it('cuts the connection after 3 events, also when boundaries straddle chunks', async () => {
    const whole = EVENTS.join('');
    const split = [whole.slice(0, 5), whole.slice(5, 27), whole.slice(27, 28), whole.slice(28)]; // "\n|\n" at 27/28
    for (const chunks of [[whole], split, [...whole]]) {
      const up = await sseUpstream(chunks);
      const s = await stage(up.url);
      s.setFaults([{ type: 'cut', afterEvents: 3 }]);
      const r = await chat(s.url);
      expect(r.status).toBe(200);
      expect(r.text).toBe(EVENTS.slice(0, 3).join(''));
      expect(r.broken).toBe(true);
    }
  });

  it('cuts a mock stream after 3 events; afterEvents 0 gives headers and no body; clearing restores it', async () => {
    const up = await mock();
    const s = await stage(up.url);
    s.setFaults([{ type: 'cut', afterEvents: 3 }]);
    const cut = await chat(s.url);
    expect(cut.events).toHaveLength(3);
    expect(cut.broken).toBe(true);
    s.setFaults([{ type: 'cut', afterEvents: 0 }]);
    const none = await chat(s.url);
    expect(none).toMatchObject({ status: 200, text: '', broken: true });
    s.setFaults([]);
    const whole = await chat(s.url);
    expect(whole.broken).toBe(false);
    expect(whole.events.at(-1)).toBe('data: [DONE]');
  });

  it('breaks the data of the Nth event only', async () => {
    const whole = EVENTS.join('');
    for (const chunks of [[whole], [...whole]]) {
      const up = await sseUpstream(chunks);
      const s = await stage(up.url);
      s.setFaults([{ type: 'malformed', atEvent: 2 }]);
      const r = await chat(s.url);
      expect(r.events).toHaveLength(EVENTS.length);
      expect(r.events[1]).toBe('data: {"x"');
      expect(() => JSON.parse(r.events[1]!.slice(6))).toThrow();
      expect(r.events.filter((_, i) => i !== 1).join('\n\n') + '\n\n').toBe(EVENTS.filter((_, i) => i !== 1).join(''));
      expect(r.broken).toBe(false);
    }
    expect(breakEvent('event: response.created\ndata: {"type":"response.created"}\n\n')).toBe('event: response.created\ndata: {"type":"resp\n\n');
  });

  it('stall holds the body after the headers; slowHeaders holds the headers', async () => {
    const up = await sseUpstream(EVENTS);
    const s = await stage(up.url);
    s.setFaults([{ type: 'stall', ms: 300 }]);
    let t0 = Date.now();
    const res = await request(s.url + '/chat/completions', { method: 'POST', body: chatBody });
    expect(Date.now() - t0).toBeLessThan(200);
    expect(await res.body.text()).toBe(EVENTS.join(''));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    s.setFaults([{ type: 'slowHeaders', ms: 300 }]);
    t0 = Date.now();
    const slow = await request(s.url + '/chat/completions', { method: 'POST', body: chatBody });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await slow.body.text()).toBe(EVENTS.join(''));
  });

  it('rejects invalid specs', async () => {
    const up = await sseUpstream(EVENTS);
    const s = await stage(up.url);
    expect(() => s.setFaults([{ type: 'cut' } as never])).toThrow(/faults\[0\]\.afterEvents/);
  });
});

describe('HTTP fault stage: close', () => {
  it('close() ends open streams at once', async () => {
    const up = await mock({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 2 });
    const s = await startHttpFaultStage({ upstream: up.url, seed: 1 });
    const res = await request(s.url + '/chat/completions', { method: 'POST', body: chatBody });
    const drained = res.body.text().then(
      () => 'ended',
      () => 'cut',
    );
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await drained).toBe('cut');
    await expect(request(s.url + '/models')).rejects.toThrow();
  });
});
