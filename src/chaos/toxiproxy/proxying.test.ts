/**
 * Real bytes through the embedded Toxiproxy server: a loopback HTTP upstream, raw TCP clients,
 * toxics set up with toxiproxy-node-client. Timings are loopback timings with generous margins.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Toxiproxy, type ICreateToxicBody, type Proxy } from 'toxiproxy-node-client';
import { startToxiproxyServer, type ToxiproxyServerHandle } from './server.js';

let upstream: Server;
let server: ToxiproxyServerHandle;
let proxy: Proxy;
let port: number;

/** Bodies are a byte pattern (i mod 251), so reordering or loss shows. */
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i % 251;
  return b;
}

beforeEach(async () => {
  upstream = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const bytes = Number(url.searchParams.get('bytes') ?? '0');
    const body = bytes > 0 ? pattern(bytes) : Buffer.from('hello-END');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  server = await startToxiproxyServer({ seed: 42 });
  const client = new Toxiproxy(server.url);
  proxy = await client.createProxy({ name: 'llm', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  port = Number(proxy.listen.split(':')[1]);
});

afterEach(async () => {
  await server.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

function toxic(body: Partial<ICreateToxicBody<unknown>>) {
  return proxy.addToxic(body as ICreateToxicBody<unknown>);
}

interface Outcome {
  data: Buffer;
  body: Buffer;
  reads: number;
  error: string | undefined;
  firstByteMs: number | undefined;
  closeMs: number;
}

/** One raw HTTP/1.1 request through the proxy; resolves when the socket closes. */
function exchange(path = '/', connection: 'close' | 'keep-alive' = 'close'): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let firstByteMs: number | undefined;
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: ${connection}\r\n\r\n`));
    socket.on('data', (c: Buffer) => {
      firstByteMs ??= performance.now() - t0;
      chunks.push(c);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    socket.on('close', () => {
      const data = Buffer.concat(chunks);
      const split = data.indexOf('\r\n\r\n');
      resolve({ data, body: split < 0 ? Buffer.alloc(0) : data.subarray(split + 4), reads: chunks.length, error, firstByteMs, closeMs: performance.now() - t0 });
    });
  });
}

/** A keep-alive connection: request() resolves when the next `hello-END` response has arrived. */
async function keepAlive(): Promise<{ socket: Socket; request(): Promise<number>; closed: Promise<{ error: string | undefined; at: number }> }> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let text = '';
  let waiter: (() => void) | undefined;
  let error: string | undefined;
  socket.on('data', (c: Buffer) => {
    text += c.toString('latin1');
    if (text.includes('hello-END')) {
      text = text.slice(text.indexOf('hello-END') + 9);
      waiter?.();
    }
  });
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
  const closed = new Promise<{ error: string | undefined; at: number }>((resolve) => socket.on('close', () => resolve({ error, at: performance.now() })));
  return {
    socket,
    closed,
    request() {
      const t0 = performance.now();
      return new Promise<number>((resolve) => {
        waiter = () => resolve(performance.now() - t0);
        socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
      });
    },
  };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('no toxics', () => {
  it('passes bytes straight through, 4 MB intact and in order', async () => {
    const out = await exchange('/?bytes=4000000');
    expect(out.error).toBeUndefined();
    expect(out.body.length).toBe(4_000_000);
    expect(sha(out.body)).toBe(sha(pattern(4_000_000)));
  });

  it('an unreachable upstream closes the client connection', async () => {
    await proxy.update({ enabled: true, listen: proxy.listen, upstream: '127.0.0.1:1' });
    const out = await exchange();
    expect(out.data.length).toBe(0);
    expect(out.closeMs).toBeLessThan(1000);
  });
});

describe('toxics on real bytes', () => {
  it('latency 200 ms delays the response by ~200 ms; toxicity 0 has no effect', async () => {
    await toxic({ type: 'latency', attributes: { latency: 200 } });
    const slow = await exchange();
    expect(slow.body.toString()).toBe('hello-END');
    expect(slow.firstByteMs).toBeGreaterThanOrEqual(195);
    expect(slow.firstByteMs).toBeLessThan(260);

    await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream }); // unchanged: no restart
    await (await proxy.getToxic('latency_downstream')).update({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 200, jitter: 0 } });
    const fast = await exchange();
    expect(fast.body.toString()).toBe('hello-END');
    expect(fast.firstByteMs).toBeLessThan(100);
  });

  it('latency upstream delays the request; jitter keeps order', async () => {
    await toxic({ type: 'latency', stream: 'upstream', attributes: { latency: 150 } });
    await toxic({ type: 'latency', name: 'jittery', attributes: { latency: 5, jitter: 5 } });
    const out = await exchange('/?bytes=300000');
    expect(out.firstByteMs).toBeGreaterThanOrEqual(145);
    expect(sha(out.body)).toBe(sha(pattern(300_000)));
  });

  it('bandwidth 20 KB/s makes 20 KB take ~1 s', async () => {
    await toxic({ type: 'bandwidth', attributes: { rate: 20 } });
    const out = await exchange('/?bytes=20000');
    expect(sha(out.body)).toBe(sha(pattern(20_000)));
    // 20 000 bytes of body plus ~40 of headers at 20 bytes/ms
    expect(out.closeMs).toBeGreaterThanOrEqual(950);
    expect(out.closeMs).toBeLessThan(1400);
    expect(out.reads).toBeGreaterThanOrEqual(8); // 2000-byte slices every 100 ms
  });

  it('timeout 100 closes the connection after ~100 ms with no data', async () => {
    await toxic({ type: 'timeout', attributes: { timeout: 100 } });
    const out = await exchange('/', 'keep-alive');
    expect(out.data.length).toBe(0);
    expect(out.error).toBeUndefined();
    expect(out.closeMs).toBeGreaterThanOrEqual(95);
    expect(out.closeMs).toBeLessThan(300);
  });

  it('reset_peer resets the connection (ECONNRESET) after its timeout', async () => {
    await toxic({ type: 'reset_peer', attributes: { timeout: 50 } });
    const out = await exchange('/', 'keep-alive');
    expect(out.error).toBe('ECONNRESET');
    expect(out.data.length).toBe(0);
    expect(out.closeMs).toBeGreaterThanOrEqual(45);
  });

  it('limit_data truncates the response and closes', async () => {
    await toxic({ type: 'limit_data', attributes: { bytes: 100 } });
    const out = await exchange('/?bytes=5000', 'keep-alive');
    expect(out.error).toBeUndefined();
    expect(out.data.length).toBe(100);
    expect(out.data.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
  });

  it('slicer delivers the body in many small reads', async () => {
    await toxic({ type: 'slicer', attributes: { average_size: 64, size_variation: 16, delay: 2000 } });
    const out = await exchange('/?bytes=4000');
    expect(sha(out.body)).toBe(sha(pattern(4000)));
    expect(out.reads).toBeGreaterThanOrEqual(30);
  });

  it('slow_close holds the close after the data', async () => {
    await toxic({ type: 'slow_close', attributes: { delay: 200 } });
    const out = await exchange();
    expect(out.body.toString()).toBe('hello-END');
    expect(out.firstByteMs).toBeLessThan(100);
    expect(out.closeMs).toBeGreaterThanOrEqual(195);
  });

  it('enabled:false refuses connections and drops open ones; re-enabling listens on the same port', async () => {
    const open = await keepAlive();
    expect(await open.request()).toBeLessThan(100);
    const off = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(off.enabled).toBe(false);
    await open.closed;
    expect((await exchange()).error).toBe('ECONNREFUSED');
    const on = await off.update({ enabled: true, listen: off.listen, upstream: off.upstream });
    expect(on.listen).toBe(proxy.listen);
    expect((await exchange()).body.toString()).toBe('hello-END');
  });

  it('deleting the proxy drops its connections', async () => {
    const open = await keepAlive();
    await open.request();
    await proxy.remove();
    await open.closed;
    expect((await exchange()).error).toBe('ECONNREFUSED');
  });
});

describe('toxicity', () => {
  /** Which of 16 sequential connections a toxicity-0.5 latency toxic hit. */
  async function hits(seed: number): Promise<boolean[]> {
    await server.close();
    server = await startToxiproxyServer({ seed });
    const client = new Toxiproxy(server.url);
    proxy = await client.createProxy({ name: 'llm', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    port = Number(proxy.listen.split(':')[1]);
    await toxic({ type: 'latency', toxicity: 0.5, attributes: { latency: 60 } });
    const out: boolean[] = [];
    for (let i = 0; i < 16; i++) out.push((await exchange()).firstByteMs! >= 55);
    return out;
  }

  it('is drawn per connection from the seed: about half are hit, the same ones again with the same seed', async () => {
    const first = await hits(1234);
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(13);
    expect(await hits(1234)).toEqual(first);
  });
});

describe('toxics changed at runtime reach open connections', () => {
  it('latency added, then removed, on a keep-alive connection', async () => {
    const conn = await keepAlive();
    expect(await conn.request()).toBeLessThan(100);
    const latency = await toxic({ type: 'latency', attributes: { latency: 200 } });
    const slow = await conn.request();
    expect(slow).toBeGreaterThanOrEqual(195);
    expect(slow).toBeLessThan(260);
    await latency.remove();
    expect(await conn.request()).toBeLessThan(100);
    conn.socket.destroy();
  });

  it('bandwidth added to an open connection throttles it', async () => {
    const conn = await keepAlive();
    await conn.request();
    await toxic({ type: 'bandwidth', attributes: { rate: 1 } }); // 1 byte/ms: ~75 bytes of response
    expect(await conn.request()).toBeGreaterThanOrEqual(60);
    conn.socket.destroy();
  });

  it('timeout added to an idle connection closes it', async () => {
    const conn = await keepAlive();
    await conn.request();
    const t0 = performance.now();
    await toxic({ type: 'timeout', attributes: { timeout: 100 } });
    const closed = await conn.closed;
    expect(closed.error).toBeUndefined();
    expect(closed.at - t0).toBeGreaterThanOrEqual(95);
    expect(closed.at - t0).toBeLessThan(400);
  });

  it('reset_peer added to an open connection resets it on the next data', async () => {
    const conn = await keepAlive();
    await conn.request();
    await toxic({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    void conn.request();
    expect((await conn.closed).error).toBe('ECONNRESET');
  });
});

describe('shutdown', () => {
  it('close() ends held connections at once, even with data queued behind a long latency', async () => {
    await toxic({ type: 'latency', attributes: { latency: 10_000 } });
    const pending = exchange('/?bytes=1000');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(500);
    const out = await pending;
    expect(out.data.length).toBe(0);
  });
});
