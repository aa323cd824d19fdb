/**
 * Toxiproxy's REST API over node:http: routing, JSON bodies, and errors as
 * `{"error": "...", "status": N}` with the status codes the real server uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyCollection } from './collection.js';
import { ApiError, badBody, parseProxyCreate, parseProxyPatch, parseToxicCreate } from './model.js';

export const TOXIPROXY_API_VERSION = '2.12.0-llm-bench';

/** Request bodies above this are refused. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Reply {
  status: number;
  body?: unknown;
}

type Handler = (body: unknown) => Promise<Reply> | Reply;

function send(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  send(res, { status, body: { error: message, status } });
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) reject(new ApiError(413, 'request body too large'));
      else chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(badBody());
      }
    });
  });
}

/** The handlers for one path, by method; undefined when the path is unknown. */
function routesFor(c: ProxyCollection, defaultListen: string, segments: string[]): Record<string, Handler> | undefined {
  const [root, name, sub, toxicName, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (segments.length === 1 && root === 'version') {
    return { GET: () => ({ status: 200, body: { version: TOXIPROXY_API_VERSION } }) };
  }
  if (segments.length === 1 && root === 'reset') {
    return { POST: () => c.serial(() => c.reset()).then(() => ({ status: 204 })) };
  }
  if (segments.length === 1 && root === 'populate') {
    return {
      POST: (body) => {
        const list = Array.isArray(body) ? body : (body as { proxies?: unknown } | undefined)?.proxies;
        if (!Array.isArray(list)) throw badBody();
        const inputs = list.map((item) => parseProxyCreate(item, defaultListen));
        return c.serial(() => c.populate(inputs)).then((proxies) => ({ status: 201, body: { proxies } }));
      },
    };
  }
  if (root !== 'proxies') return undefined;
  if (name === undefined) {
    return {
      GET: () => ({ status: 200, body: Object.fromEntries(c.all().map((p) => [p.name, p])) }),
      POST: (body) => {
        const input = parseProxyCreate(body, defaultListen);
        return c.serial(() => c.create(input)).then((proxy) => ({ status: 201, body: proxy }));
      },
    };
  }
  if (sub === undefined) {
    const update: Handler = (body) => {
      const patch = parseProxyPatch(body);
      return c.serial(async () => {
        const proxy = c.get(name);
        await proxy.update(patch);
        return { status: 200, body: proxy };
      });
    };
    return {
      GET: () => ({ status: 200, body: c.get(name) }),
      PATCH: update,
      POST: update, // the deprecated form
      DELETE: () => c.serial(() => c.remove(name)).then(() => ({ status: 204 })),
    };
  }
  if (sub !== 'toxics') return undefined;
  if (toxicName === undefined) {
    return {
      GET: () => ({ status: 200, body: c.get(name).listToxics() }),
      POST: (body) => c.serial(() => ({ status: 200, body: c.get(name).addToxic(parseToxicCreate(body)) })),
    };
  }
  const update: Handler = (body) => c.serial(() => ({ status: 200, body: c.get(name).updateToxic(toxicName, body) }));
  return {
    GET: () => ({ status: 200, body: c.get(name).getToxic(toxicName) }),
    PATCH: update,
    POST: update,
    DELETE: () => c.serial(() => c.get(name).removeToxic(toxicName)).then(() => ({ status: 204 })),
  };
}

function segmentsOf(url: string | undefined): string[] | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  try {
    return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** A node:http request listener serving the API for `collection`. */
export function createApiHandler(collection: ProxyCollection, defaultListen: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(collection, defaultListen, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof ApiError) return sendError(res, err.status, err.message);
      sendError(res, 500, (err as Error).message);
    });
  };
}

async function handle(collection: ProxyCollection, defaultListen: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // As the real server: browsers are refused, so a web page cannot drive the proxy.
  if (req.headers['user-agent']?.startsWith('Mozilla/')) {
    req.resume();
    return sendError(res, 403, 'User agent not allowed');
  }
  const segments = segmentsOf(req.url);
  const routes = segments && routesFor(collection, defaultListen, segments);
  if (!routes) {
    req.resume();
    return sendError(res, 404, 'not found');
  }
  const handler = routes[req.method ?? 'GET'];
  if (!handler) {
    req.resume();
    res.setHeader('allow', Object.keys(routes).join(', '));
    return sendError(res, 405, 'method not allowed');
  }
  const body = await readBody(req);
  send(res, await handler(body));
}
