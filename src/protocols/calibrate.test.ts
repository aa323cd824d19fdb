import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { calibrateRtt } from './calibrate.js';

const tls = {
  key: readFileSync(new URL('../../test/fixtures/localhost-key.pem', import.meta.url)),
  cert: readFileSync(new URL('../../test/fixtures/localhost-cert.pem', import.meta.url)),
};

interface Logged {
  method: string;
  url: string;
  socket: number;
  authorization: string | undefined;
}

interface TestServer {
  server: http.Server;
  port: number;
  log: Logged[];
  /** connections the server saw (TCP probes included) */
  accepted: () => number;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** /v1/models answers after `delayMs` of real (hrtime) time; `hang` never answers. */
async function startServer(opts: { delayMs?: number; hang?: boolean; secure?: boolean } = {}): Promise<TestServer> {
  const log: Logged[] = [];
  const ids = new WeakMap<Socket, number>();
  let nextId = 0;
  const handler: http.RequestListener = (req, res) => {
    const socket = req.socket;
    if (!ids.has(socket)) ids.set(socket, ++nextId);
    log.push({ method: req.method ?? '', url: req.url ?? '', socket: ids.get(socket)!, authorization: req.headers.authorization });
    if (opts.hang) return;
    const arrived = performance.now();
    const delay = opts.delayMs ?? 0;
    const answer = (): void => {
      // Timers run on a millisecond clock and may fire a fraction early: wait out the rest.
      const left = delay - (performance.now() - arrived);
      if (left > 0) {
        setTimeout(answer, Math.max(1, Math.ceil(left)));
        return;
      }
      res.writeHead(req.url === '/v1/models' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] }));
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  };
  const server = opts.secure ? https.createServer(tls, handler) : http.createServer(handler);
  let accepted = 0;
  server.on(opts.secure ? 'secureConnection' : 'connection', () => accepted++);
  servers.push(server as http.Server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server: server as http.Server, port: (server.address() as AddressInfo).port, log, accepted: () => accepted };
}

const connectionCount = (server: http.Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

/** Open connections on the server side drop to 0 once the client has closed everything. */
async function expectAllClosed(server: http.Server): Promise<void> {
  const until = performance.now() + 2000;
  let n = await connectionCount(server);
  while (n > 0 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
    n = await connectionCount(server);
  }
  expect(n).toBe(0);
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const KEY = 'sk-calibration-SECRET-7f3a9c';

describe('calibrateRtt', () => {
  it('measures warm round trips on one keep-alive connection, apart from the first', async () => {
    const t = await startServer({ delayMs: 30 });
    const r = await calibrateRtt({ url: `http://127.0.0.1:${t.port}/v1/`, samples: 5, apiKey: KEY });
    expect(r.error).toBeUndefined();
    expect(r.url).toBe(`http://127.0.0.1:${t.port}/v1`);
    expect(r.path).toBe('/v1/models');
    expect(r.samples).toBe(5);
    expect(r.status).toBe(200);
    expect(r.requestMs).not.toBeNull();
    expect(r.requestMs!.median).toBeGreaterThanOrEqual(30);
    expect(r.requestMs!.median).toBeLessThan(30 + 40);
    expect(r.requestMs!.min).toBeLessThanOrEqual(r.requestMs!.median);
    expect(r.requestMs!.max).toBeGreaterThanOrEqual(r.requestMs!.median);
    expect(r.firstRequestMs).toBeGreaterThanOrEqual(30);
    expect(r.connectMs).not.toBeNull();
    expect(r.connectMs!.min).toBeGreaterThan(0);
    expect(r.connectMs!.median).toBeLessThan(20);

    // exactly `samples` GETs, all on one connection, all with the key
    expect(t.log).toHaveLength(5);
    expect(t.log.every((l) => l.method === 'GET' && l.url === '/v1/models')).toBe(true);
    expect(new Set(t.log.map((l) => l.socket)).size).toBe(1);
    expect(t.log.every((l) => l.authorization === `Bearer ${KEY}`)).toBe(true);
    // five bare TCP probes plus the one HTTP connection
    expect(t.accepted()).toBe(6);
    expect(JSON.stringify(r)).not.toContain(KEY);
    await expectAllClosed(t.server);
  });

  it('counts any HTTP status as a round trip and keeps the last one', async () => {
    const t = await startServer();
    const r = await calibrateRtt({ url: `http://127.0.0.1:${t.port}/other`, samples: 3 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(404);
    expect(r.path).toBe('/other/models');
    expect(t.log).toHaveLength(3);
    expect(t.log[0]!.authorization).toBeUndefined();
    expect(r.firstRequestMs).not.toBeNull();
    expect(r.requestMs).not.toBeNull();
    await expectAllClosed(t.server);
  });

  it('reports an unreachable port as an error without throwing or leaking the key', async () => {
    const port = await freePort();
    const r = await calibrateRtt({ url: `http://127.0.0.1:${port}/v1`, apiKey: KEY });
    expect(r.error).toMatch(/ECONNREFUSED/);
    expect(r.connectMs).toBeNull();
    expect(r.firstRequestMs).toBeNull();
    expect(r.requestMs).toBeNull();
    expect(r.status).toBeNull();
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it('stops at the time budget with what it measured and closes its connection', async () => {
    const t = await startServer({ hang: true });
    const started = performance.now();
    const r = await calibrateRtt({ url: `http://127.0.0.1:${t.port}/v1`, samples: 3, timeoutMs: 300, apiKey: KEY });
    expect(performance.now() - started).toBeLessThan(300 + 1000);
    expect(r.error).toMatch(/within 300 ms/);
    expect(r.connectMs).not.toBeNull(); // the TCP probes got through before the GET hung
    expect(r.firstRequestMs).toBeNull();
    expect(t.log).toHaveLength(1);
    expect(JSON.stringify(r)).not.toContain(KEY);
    await expectAllClosed(t.server);
  });

  it('dials connectTo instead of the URL host', async () => {
    const t = await startServer();
    const nowhere = await freePort();
    const r = await calibrateRtt({ url: `http://127.0.0.1:${nowhere}/v1`, samples: 2, connectTo: { host: '127.0.0.1', port: t.port } });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(200);
    expect(t.log).toHaveLength(2);
    await expectAllClosed(t.server);
  });

  it('does TLS on https targets (insecure for a self-signed certificate), refusing it otherwise', async () => {
    const t = await startServer({ secure: true });
    const ok = await calibrateRtt({ url: `https://127.0.0.1:${t.port}/v1`, samples: 3, insecure: true });
    expect(ok.error).toBeUndefined();
    expect(ok.status).toBe(200);
    expect(new Set(t.log.map((l) => l.socket)).size).toBe(1);
    expect(t.log).toHaveLength(3);

    const refused = await calibrateRtt({ url: `https://127.0.0.1:${t.port}/v1`, samples: 3 });
    expect(refused.connectMs).not.toBeNull(); // plain TCP works; the certificate check fails
    expect(refused.error).toMatch(/certificate|CERT/i);
    expect(refused.firstRequestMs).toBeNull();
    await expectAllClosed(t.server);
  });
});
