/**
 * Every way a request can fail lands in one class, and never disappears from the counts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCore } from './helpers/run-core.js';
import { urlTarget } from './helpers/target.js';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const content = (text: string) => `data: {"id":"c","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`;
const DONE = 'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

async function serve(behaviour: Behaviour): Promise<string> {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => behaviour(req, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`;
}

const once = (over: Partial<Parameters<typeof urlTarget>[1]> = {}) => async (url: string) => {
  const { records, recorder } = await runCore(urlTarget(url, over), {
    maxInFlight: 10,
    phases: [{ kind: 'open', name: 'o', duration: 100, arrival: 'constant', rate: 20, rampTo: 20, burstiness: 1 }],
  });
  expect(records).toHaveLength(2);
  expect(recorder.counts().failed + recorder.counts().ok).toBe(2);
  return { records, recorder };
};

describe('failure classes', () => {
  it('429 and 5xx keep the server\'s message', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      const status = n++ === 0 ? 429 : 503;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: status === 429 ? 'Rate limit reached' : 'overloaded', type: 'x' } }));
    });
    const { records, recorder } = await once()(url);
    expect(records.map((r) => r.errorClass).sort()).toEqual(['http_429', 'http_5xx']);
    expect(records.find((r) => r.status === 429)!.errorMessage).toBe('HTTP 429: Rate limit reached');
    expect(recorder.counts().byClass).toMatchObject({ http_429: 1, http_5xx: 1 });
    expect(recorder.histogram('ttft')).toBeUndefined(); // failures never enter latency histograms
  });

  it('a stream that stops before [DONE] is a stream_cut, with the tokens it delivered stamped', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(content('a') + content('b'));
      setTimeout(() => res.socket!.destroy(), 20);
    });
    const { records } = await once()(url);
    for (const r of records) {
      expect(r.errorClass).toBe('stream_cut');
      expect(r.tokenTimes).toHaveLength(2);
    }
  });

  it('a body that ends cleanly without [DONE] or a finish is a stream_cut too', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(content('a'));
    });
    const { records } = await once()(url);
    expect(records.every((r) => r.errorClass === 'stream_cut')).toBe(true);
  });

  it('a mid-stream error event is a stream_cut; malformed JSON is a bad_response', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (n++ === 0) res.end(content('a') + 'data: {"error":{"message":"model crashed","type":"server_error"}}\n\n');
      else res.end(content('a') + 'data: {"choices":[{"delta":{"content":"x"}\n\n' + DONE);
    });
    const { records } = await once()(url);
    expect(records.map((r) => r.errorClass).sort()).toEqual(['bad_response', 'stream_cut']);
    const cut = records.find((r) => r.errorClass === 'stream_cut')!;
    expect(cut.errorMessage).toBe('model crashed');
    // it ended when the error event came, after its one token
    expect(cut.end).toBeGreaterThanOrEqual(cut.lastToken);
    for (const r of records) expect(Number.isNaN(r.end)).toBe(false);
  });

  it('a response slower than target.timeout is a timeout, and the run does not wait for it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(content('a')); // then silence
    });
    const t0 = performance.now();
    const { records } = await once({ timeout: 300 })(url);
    expect(records.every((r) => r.errorClass === 'timeout')).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a connection the server drops before answering is a network error', async () => {
    const url = await serve((req) => req.socket.destroy());
    const { records } = await once()(url);
    expect(records.every((r) => r.errorClass === 'network')).toBe(true);
  });

  it('a non-streamed response is measured from its body', async () => {
    const url = await serve((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'hello there' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2 } }));
      }, 30);
    });
    const { records, recorder } = await once({ stream: false })(url);
    for (const r of records) {
      expect(r.errorClass).toBeNull();
      expect(r.usageOutputTokens).toBe(2);
      expect(r.firstToken - r.sent).toBeGreaterThan(25);
    }
    expect(recorder.tokens.output).toBe(4);
  });
});
