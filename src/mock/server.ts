/**
 * The built-in OpenAI-compatible mock server: node:http, routing, body reading.
 * Handlers live beside it (chat.ts, responses.ts, embeddings.ts).
 */
import { listen } from '../listen.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { handleChatCompletions } from './chat.js';
import { handleEmbeddings } from './embeddings.js';
import { handleResponses } from './responses.js';
import { createContext, type MockContext } from './context.js';
import { pathOf, sendError, sendJson, baseHeaders } from './http.js';
import { findModel, listModels } from './models.js';
import { resolveMockOptions, type MockServerOptions } from './options.js';
import type { FaultSpec } from './faults.js';

export type { MockServerOptions } from './options.js';

export interface MockServerHandle {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  /** Replaces the runtime (episode) faults, applied over the configured ones; [] clears them. */
  setFaults(specs: FaultSpec[]): Promise<void>;
  close(): Promise<void>;
}

/** Request bodies above this are refused with 413. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

type PostHandler = (ctx: MockContext, res: ServerResponse, raw: string, t0: number) => void;

const POST_ROUTES = new Map<string, PostHandler>([
  ['/v1/chat/completions', handleChatCompletions],
  ['/v1/responses', handleResponses],
  ['/v1/embeddings', handleEmbeddings],
]);

function readBody(ctx: MockContext, req: IncomingMessage, res: ServerResponse, handler: PostHandler): void {
  let raw = '';
  let bytes = 0;
  let tooLarge = false;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (tooLarge) return;
    bytes += Buffer.byteLength(chunk);
    if (bytes > MAX_BODY_BYTES) {
      tooLarge = true;
      raw = '';
      sendError(res, 413, { message: `Request body too large (limit ${MAX_BODY_BYTES} bytes).`, code: 'request_too_large' }, ctx.ids.requestId(), {
        connection: 'close',
      });
      return;
    }
    raw += chunk;
  });
  req.on('end', () => {
    if (!tooLarge) handler(ctx, res, raw, performance.now());
  });
  req.on('error', () => {
    /* client went away mid-body: nothing to answer */
  });
}

function route(ctx: MockContext, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req);
  const method = req.method ?? 'GET';
  const post = POST_ROUTES.get(path);
  if (post !== undefined) {
    if (method === 'POST') return readBody(ctx, req, res, post);
    return methodNotAllowed(ctx, res, method, path, 'POST');
  }
  if (path === '/v1/models' || path.startsWith('/v1/models/')) {
    if (method !== 'GET') return methodNotAllowed(ctx, res, method, path, 'GET');
    const requestId = ctx.ids.requestId();
    if (path === '/v1/models') {
      const body = JSON.stringify({ object: 'list', data: listModels() });
      return sendJson(res, 200, body, baseHeaders(requestId, 0, 'application/json'));
    }
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    const model = findModel(id);
    if (model === undefined) {
      return sendError(res, 404, { message: `The model '${id}' does not exist`, param: 'model', code: 'model_not_found' }, requestId);
    }
    return sendJson(res, 200, JSON.stringify(model), baseHeaders(requestId, 0, 'application/json'));
  }
  req.resume();
  sendError(res, 404, { message: `Invalid URL (${method} ${path})` }, ctx.ids.requestId());
}

function methodNotAllowed(ctx: MockContext, res: ServerResponse, method: string, path: string, allow: string): void {
  res.req.resume();
  sendError(res, 405, { message: `Invalid method for URL (${method} ${path})`, code: 'method_not_allowed' }, ctx.ids.requestId(), {
    allow,
  });
}

const contexts = new WeakMap<Server, MockContext>();

/** A configured, not yet listening mock server. */
export function createMockServer(opts: MockServerOptions = {}): Server {
  const ctx = createContext(resolveMockOptions(opts));
  const server = createServer(
    {
      // Longer than any client's idle timeout so the client, not us, closes idle sockets.
      keepAliveTimeout: 65_000,
      requestTimeout: 0,
      noDelay: true,
    },
    (req, res) => {
      try {
        route(ctx, req, res);
      } catch (err) {
        sendError(res, 500, { message: `mock server error: ${(err as Error).message}`, type: 'server_error' }, ctx.ids.requestId());
      }
    },
  );
  contexts.set(server, ctx);
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

export async function startMockServer(opts: MockServerOptions = {}): Promise<MockServerHandle> {
  const server = createMockServer(opts);
  const ctx = contexts.get(server)!;
  const host = opts.host ?? '127.0.0.1';
  const { port, urlHost } = await listen(server, opts.port ?? 0, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    setFaults: async (specs) => ctx.setEpisodeFaults(specs),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).then(() => ctx.close());
      return closing;
    },
  };
}
