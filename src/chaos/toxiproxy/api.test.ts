/**
 * The REST API of the embedded Toxiproxy server, driven by toxiproxy-node-client (and plain
 * fetch where status codes and error bodies matter). No bytes are proxied here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Toxiproxy, ToxiproxyError, type ICreateToxicBody, type Proxy } from 'toxiproxy-node-client';
import { proxyCommand } from '../../cli/proxy.js';
import { startToxiproxyServer, type ToxiproxyServerHandle } from './server.js';

let server: ToxiproxyServerHandle;
let client: Toxiproxy;

beforeEach(async () => {
  server = await startToxiproxyServer({ seed: 7 });
  client = new Toxiproxy(server.url);
});
afterEach(() => server.close());

/** Never dialled: nothing connects through the proxies in this file. */
const UPSTREAM = '127.0.0.1:9';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${server.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

function addToxic(proxy: Proxy, body: Partial<ICreateToxicBody<unknown>>) {
  return proxy.addToxic(body as ICreateToxicBody<unknown>);
}

const create = (name: string, listen = '127.0.0.1:0') => client.createProxy({ name, listen, upstream: UPSTREAM });

describe('proxies', () => {
  it('getVersion answers JSON', async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: expect.stringMatching(/^2\.\d+\.\d+/) });
  });

  it('creates with listen port 0 and replies with the real port (201)', async () => {
    const proxy = await create('a');
    expect(proxy.name).toBe('a');
    expect(proxy.upstream).toBe(UPSTREAM);
    expect(proxy.enabled).toBe(true);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.listen).not.toBe('127.0.0.1:0');
    const raw = await call('POST', '/proxies', { name: 'b', listen: '127.0.0.1:0', upstream: UPSTREAM, enabled: false });
    expect(raw.status).toBe(201);
    expect(raw.json).toEqual({ name: 'b', listen: '127.0.0.1:0', upstream: UPSTREAM, enabled: false, toxics: [] });
  });

  it('gets one, gets all, updates and removes', async () => {
    const a = await create('a');
    await create('b');
    expect((await client.get('a')).toJson()).toEqual(a.toJson());
    const all = await client.getAll();
    expect(Object.keys(all).sort()).toEqual(['a', 'b']);
    expect(all.a?.listen).toBe(a.listen);

    const off = await a.update({ enabled: false, listen: a.listen, upstream: a.upstream });
    expect(off.enabled).toBe(false);
    expect((await client.get('a')).enabled).toBe(false);
    // As ToxiproxyControl does it: only `enabled`; listen and upstream stay.
    const on = await off.update({ enabled: true } as never);
    expect(on.enabled).toBe(true);
    expect(on.listen).toBe(a.listen);
    const moved = await on.update({ enabled: true, listen: a.listen, upstream: '127.0.0.1:10' });
    expect(moved.upstream).toBe('127.0.0.1:10');

    const patched = await call('PATCH', '/proxies/a', { upstream: '127.0.0.1:11' });
    expect(patched).toMatchObject({ status: 200, json: { name: 'a', upstream: '127.0.0.1:11', enabled: true } });

    await moved.remove();
    await expect(client.get('a')).rejects.toBeInstanceOf(ToxiproxyError);
    expect(Object.keys(await client.getAll())).toEqual(['b']);
    expect((await call('DELETE', '/proxies/b')).status).toBe(204);
  });

  it('populate creates, keeps identical proxies and replaces changed ones (201)', async () => {
    const first = await client.populate([
      { name: 'p1', listen: '127.0.0.1:0', upstream: UPSTREAM },
      { name: 'p2', listen: '127.0.0.1:0', upstream: UPSTREAM, enabled: false },
    ]);
    expect(first.p1?.enabled).toBe(true);
    expect(first.p2?.enabled).toBe(false);
    const listen1 = first.p1!.listen;
    await addToxic(first.p1!, { type: 'latency', attributes: { latency: 5 } });

    const raw = await call('POST', '/populate', [
      { name: 'p1', listen: listen1, upstream: UPSTREAM }, // identical: kept with its toxic
      { name: 'p2', listen: '127.0.0.1:0', upstream: '127.0.0.1:12' }, // changed: replaced
    ]);
    expect(raw.status).toBe(201);
    const proxies = (raw.json as { proxies: Array<{ name: string; listen: string; upstream: string; toxics: unknown[]; enabled: boolean }> }).proxies;
    expect(proxies.map((p) => p.name)).toEqual(['p1', 'p2']);
    expect(proxies[0]).toMatchObject({ listen: listen1, toxics: [{ name: 'latency_downstream' }] });
    expect(proxies[1]).toMatchObject({ upstream: '127.0.0.1:12', enabled: true, toxics: [] });

    expect((await call('POST', '/populate', [{ name: 'p3', listen: '127.0.0.1:0' }])).status).toBe(400);
    expect(Object.keys(await client.getAll()).sort()).toEqual(['p1', 'p2']);
  });

  it('reset enables every proxy and removes every toxic (204)', async () => {
    const a = await create('a');
    await addToxic(a, { type: 'latency', attributes: { latency: 100 } });
    await addToxic(a, { type: 'timeout', stream: 'upstream', attributes: { timeout: 5 } });
    await a.update({ enabled: false, listen: a.listen, upstream: a.upstream });
    await client.reset();
    expect((await client.get('a')).toJson()).toMatchObject({ enabled: true, listen: a.listen });
    expect((await call('GET', '/proxies/a/toxics')).json).toEqual([]);
    expect((await call('POST', '/reset')).status).toBe(204);
  });
});

const EVERY_TYPE: Array<{ type: string; attributes: Record<string, number>; changed: Record<string, number> }> = [
  { type: 'latency', attributes: { latency: 100, jitter: 10 }, changed: { latency: 50, jitter: 0 } },
  { type: 'bandwidth', attributes: { rate: 10 }, changed: { rate: 20 } },
  { type: 'slow_close', attributes: { delay: 100 }, changed: { delay: 5 } },
  { type: 'timeout', attributes: { timeout: 100 }, changed: { timeout: 0 } },
  { type: 'reset_peer', attributes: { timeout: 100 }, changed: { timeout: 1 } },
  { type: 'slicer', attributes: { average_size: 10, size_variation: 2, delay: 100 }, changed: { average_size: 20, size_variation: 5, delay: 0 } },
  { type: 'limit_data', attributes: { bytes: 100 }, changed: { bytes: 7 } },
];

describe('toxics', () => {
  it.each(EVERY_TYPE)('adds, gets, updates and removes a $type toxic', async ({ type, attributes, changed }) => {
    const proxy = await create('a');
    const toxic = await addToxic(proxy, { name: 'mine', type: type as never, stream: 'upstream', toxicity: 0.5, attributes });
    expect(toxic.toJson()).toEqual({ name: 'mine', type, stream: 'upstream', toxicity: 0.5, attributes });
    expect((await proxy.getToxic('mine')).toJson()).toEqual(toxic.toJson());

    const updated = await toxic.update({ ...toxic.toJson(), toxicity: 1, attributes: changed });
    expect(updated.toJson()).toEqual({ name: 'mine', type, stream: 'upstream', toxicity: 1, attributes: changed });
    // The client's Proxy drops the toxics list; the server sends it.
    expect((await call('GET', '/proxies/a')).json).toMatchObject({ toxics: [updated.toJson()] });

    await updated.remove();
    await expect(proxy.getToxic('mine')).rejects.toThrow(/404/);
    expect((await call('GET', '/proxies/a/toxics')).json).toEqual([]);
  });

  it('defaults: stream downstream, toxicity 1, name <type>_<stream>, every attribute present', async () => {
    const proxy = await create('a');
    const latency = await addToxic(proxy, { type: 'latency', attributes: { latency: 20 } });
    expect(latency.toJson()).toEqual({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 20, jitter: 0 } });
    const up = await addToxic(proxy, { type: 'slicer', stream: 'upstream' });
    expect(up.toJson()).toMatchObject({ name: 'slicer_upstream', attributes: { average_size: 0, size_variation: 0, delay: 0 } });
    const list = await call('GET', '/proxies/a/toxics');
    expect(list).toMatchObject({ status: 200, json: [{ name: 'latency_downstream' }, { name: 'slicer_upstream' }] });
    // PATCH merges attributes and leaves name, type and stream alone.
    const patched = await call('PATCH', '/proxies/a/toxics/latency_downstream', { attributes: { jitter: 5 }, stream: 'upstream' });
    expect(patched.json).toEqual({ ...latency.toJson(), attributes: { latency: 20, jitter: 5 } });
  });

  it('creating a toxic answers 200, not 201', async () => {
    await create('a');
    const res = await call('POST', '/proxies/a/toxics', { type: 'bandwidth', attributes: { rate: 1 } });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/application\/json/);
  });
});

describe('errors', () => {
  it('the client raises ToxiproxyError on 404, 409 and 400', async () => {
    const proxy = await create('a');
    await expect(client.get('nope')).rejects.toThrow(new ToxiproxyError('Error', 'Request failed with status code 404'));
    await expect(create('a')).rejects.toThrow(/409/);
    await expect(client.createProxy({ name: 'c', listen: '127.0.0.1:0' } as never)).rejects.toThrow(/400/);
    await addToxic(proxy, { type: 'latency' });
    await expect(addToxic(proxy, { type: 'latency' })).rejects.toThrow(/409/);
    await expect(addToxic(proxy, { type: 'down' as never })).rejects.toThrow(/400/);
    await expect(proxy.getToxic('nope')).rejects.toThrow(/404/);
  });

  it.each([
    ['GET', '/proxies/nope', undefined, 404, 'proxy not found'],
    ['DELETE', '/proxies/nope', undefined, 404, 'proxy not found'],
    ['PATCH', '/proxies/nope', { enabled: false }, 404, 'proxy not found'],
    ['GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found'],
    ['POST', '/proxies/nope/toxics', { type: 'latency' }, 404, 'proxy not found'],
    ['GET', '/proxies/a/toxics/nope', undefined, 404, 'toxic not found'],
    ['PATCH', '/proxies/a/toxics/nope', { attributes: {} }, 404, 'toxic not found'],
    ['DELETE', '/proxies/a/toxics/nope', undefined, 404, 'toxic not found'],
    ['POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: UPSTREAM }, 409, 'proxy already exists'],
    ['POST', '/proxies', { name: 'x', listen: '127.0.0.1:0' }, 400, 'missing required field: upstream'],
    ['POST', '/proxies', { listen: '127.0.0.1:0', upstream: UPSTREAM }, 400, 'missing required field: name'],
    ['POST', '/proxies', '{"name": ', 400, 'bad request body'],
    ['POST', '/proxies', { name: 'x', listen: 'nowhere', upstream: UPSTREAM }, 400, 'listen address "nowhere" is not host:port'],
    ['POST', '/proxies/a/toxics', { type: 'teleport' }, 400, 'invalid toxic type'],
    ['POST', '/proxies/a/toxics', { type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
    ['POST', '/proxies/a/toxics', { type: 'latency', toxicity: 2 }, 400, 'toxicity must be a number from 0 to 1'],
    ['POST', '/proxies/a/toxics', { type: 'latency', attributes: { latency: 'slow' } }, 400, 'attribute latency of a latency toxic must be a non-negative number'],
    ['GET', '/nowhere', undefined, 404, 'not found'],
    ['PUT', '/proxies', undefined, 405, 'method not allowed'],
  ] as const)('%s %s %j → %i', async (method, path, body, status, error) => {
    await create('a');
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/application\/json/);
    expect(res.json).toEqual({ error, status });
  });

  it('409 on a duplicate toxic name', async () => {
    await create('a');
    await call('POST', '/proxies/a/toxics', { name: 't', type: 'latency' });
    expect((await call('POST', '/proxies/a/toxics', { name: 't', type: 'bandwidth' })).json).toEqual({ error: 'toxic already exists', status: 409 });
  });

  it('refuses browsers (403), as the real server does', async () => {
    const res = await call('GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' });
    expect(res).toMatchObject({ status: 403, json: { status: 403 } });
  });

  it('a listen port in use fails the create and leaves no proxy behind', async () => {
    const a = await create('a');
    const res = await call('POST', '/proxies', { name: 'b', listen: a.listen, upstream: UPSTREAM });
    expect(res.status).toBe(500);
    expect((res.json as { error: string }).error).toMatch(/EADDRINUSE/);
    await expect(client.get('b')).rejects.toThrow(/404/);
  });
});

describe('llm-bench proxy', () => {
  it('prints where it listens and serves the API until closed', async () => {
    const lines: string[] = [];
    const handle = await proxyCommand({ port: 0, host: '127.0.0.1' }, { out: (s) => lines.push(s) });
    try {
      expect(lines).toHaveLength(1);
      const url = /^llm-bench proxy \(Toxiproxy API\) listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0] ?? '')?.[1];
      expect(url).toBeDefined();
      const cli = new Toxiproxy(url!);
      await cli.createProxy({ name: 'x', listen: '127.0.0.1:0', upstream: UPSTREAM });
      expect(Object.keys(await cli.getAll())).toEqual(['x']);
    } finally {
      await handle.close();
    }
  });

  it('a taken port is a UserError naming --port', async () => {
    await expect(proxyCommand({ port: server.port, host: '127.0.0.1' }, { out: () => undefined })).rejects.toMatchObject({
      name: 'UserError',
      where: '--port',
    });
  });
});
