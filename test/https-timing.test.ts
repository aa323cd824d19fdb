/**
 * Connection phases on a TLS target: the first request on each new connection carries its
 * connect and TLS stamps; requests reusing a connection carry none. HTTP/2 through ALPN.
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCore } from './helpers/run-core.js';
import { urlTarget } from './helpers/target.js';

const tls = {
  key: readFileSync(new URL('./fixtures/localhost-key.pem', import.meta.url)),
  cert: readFileSync(new URL('./fixtures/localhost-cert.pem', import.meta.url)),
};

const chunk = (delta: object) => `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;

let server: http2.Http2SecureServer | undefined;
const versions: string[] = [];
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  versions.length = 0;
});

async function startTlsServer(): Promise<number> {
  server = http2.createSecureServer({ ...tls, allowHTTP1: true }, (req, res) => {
    versions.push(req.httpVersion);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      setTimeout(() => {
        res.write(chunk({ content: 'hi' }) + chunk({ content: ' there' }));
        res.end('data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
      }, 5);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as AddressInfo).port;
}

const closed = (concurrency: number) => ({
  maxInFlight: 10,
  phases: [{ kind: 'closed' as const, name: 'c', duration: 500, concurrency }],
});

describe('https targets', () => {
  it('stamp TCP connect and TLS once per new connection, over HTTP/1.1', async () => {
    const port = await startTlsServer();
    const target = urlTarget(`https://127.0.0.1:${port}/v1`, { http: { h2: false, insecure: true } });
    const { records, recorder } = await runCore(target, closed(2), 2);
    expect(records.length).toBeGreaterThan(10);
    expect(records.every((r) => r.errorClass === null)).toBe(true);
    const fresh = records.filter((r) => !Number.isNaN(r.tlsDone));
    expect(fresh.length).toBe(2); // two connections, two handshakes
    for (const r of fresh) {
      expect(r.connected).toBeGreaterThan(r.connectStart);
      expect(r.tlsDone).toBeGreaterThan(r.connected);
      expect(r.sent).toBeGreaterThanOrEqual(r.tlsDone);
    }
    expect(recorder.histogram('tls')!.totalCount).toBe(2);
    expect(recorder.histogram('connect')!.totalCount).toBe(2);
    expect(versions.every((v) => v === '1.1')).toBe(true);
  });

  it('speak HTTP/2 when h2 is on, multiplexing streams over one connection', async () => {
    const port = await startTlsServer();
    const target = urlTarget(`https://127.0.0.1:${port}/v1`, { http: { h2: true, insecure: true } });
    const { records } = await runCore(target, closed(4), 1);
    expect(records.length).toBeGreaterThan(10);
    expect(records.every((r) => r.errorClass === null && r.tokenTimes.length === 2)).toBe(true);
    expect(versions.every((v) => v === '2.0')).toBe(true);
    expect(records.filter((r) => !Number.isNaN(r.tlsDone)).length).toBe(1);
  });

  it('refuse an unverified certificate unless insecure is set', async () => {
    const port = await startTlsServer();
    const { records } = await runCore(urlTarget(`https://127.0.0.1:${port}/v1`), closed(1), 1);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.errorClass === 'network')).toBe(true);
    expect(records[0]!.errorMessage).toMatch(/certificate/i);
  });
});
