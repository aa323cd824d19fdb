/**
 * A loopback server that routes a few mock handlers directly, for testing handlers that
 * server.ts does not route yet. Same body reading and t0 (body received) as server.ts.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createContext, type MockContext } from '../../src/mock/context.js';
import { sendError } from '../../src/mock/http.js';
import { resolveMockOptions, type MockServerOptions } from '../../src/mock/options.js';

export type Handler = (ctx: MockContext, res: ServerResponse, raw: string, t0: number) => void;

export interface RoutedMock {
  /** base URL including /v1 */
  url: string;
  close(): Promise<void>;
}

export async function startRoutedMock(routes: Record<string, Handler>, opts: MockServerOptions = {}): Promise<RoutedMock> {
  const ctx = createContext(resolveMockOptions(opts));
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const handler = routes[(req.url ?? '/').split('?')[0]!];
    if (!handler || req.method !== 'POST') {
      req.resume();
      return sendError(res, 404, { message: `Invalid URL (${req.method} ${req.url})` }, ctx.ids.requestId());
    }
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => handler(ctx, res, raw, performance.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }).then(() => ctx.close()),
  };
}
