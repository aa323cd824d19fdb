/**
 * An embedded, in-process Toxiproxy-compatible server: the REST API on one port, a TCP
 * listener per enabled proxy. Any Toxiproxy client (toxiproxy-node-client, toxiproxy-cli,
 * the Go client) can drive it.
 *
 * Where it differs from toxiproxy-server 2.12:
 * - Toxic updates keep data already queued on its old schedule (latency, bandwidth, slicer) and
 *   apply the new attributes to data arriving after; toxicity is drawn again, the limit_data
 *   count is kept. Removing a toxic releases what it holds at once.
 * - timeout's timer runs from when the toxic attaches to the connection; data does not restart it.
 * - reset_peer drops the data that triggers it and resets both sockets.
 * - An EOF from one side is forwarded as a half-close (the other direction keeps flowing);
 *   a close caused by a toxic (timeout, limit_data) or a socket error closes both.
 * - Validation is stricter: toxicity outside 0..1 and non-numeric or negative attributes are
 *   400s; proxies created without `listen` listen on `<host>:0`; unknown attributes are dropped.
 * - No /metrics, no `-config` file, no stray "Logger" field.
 */
import { createServer } from 'node:http';
import { createApiHandler } from './api.js';
import { ProxyCollection } from './collection.js';
import { joinHostPort } from './model.js';
import { listen } from '../../listen.js';

export { TOXIPROXY_API_VERSION } from './api.js';

export interface ToxiproxyServerOptions {
  /** API port; 0 (the default) picks a free one. */
  port?: number;
  /** API host, and the host of proxies created without `listen`. Default 127.0.0.1. */
  host?: string;
  /** Seeds toxicity draws, jitter and slice sizes; default: the clock. */
  seed?: number;
}

export interface ToxiproxyServerHandle {
  /** e.g. http://127.0.0.1:8474 */
  url: string;
  port: number;
  /** Stops the API, every proxy listener and every proxied connection. Safe to call twice. */
  close(): Promise<void>;
}

export async function startToxiproxyServer(opts: ToxiproxyServerOptions = {}): Promise<ToxiproxyServerHandle> {
  const host = opts.host ?? '127.0.0.1';
  const collection = new ProxyCollection(opts.seed ?? Date.now());
  const server = createServer({ keepAliveTimeout: 5_000 }, createApiHandler(collection, joinHostPort(host, 0)));
  const { port } = await listen(server, opts.port ?? 0, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${joinHostPort(host, port)}`,
    port,
    close() {
      closing ??= (async () => {
        const apiClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        // After queued API changes, so none starts a listener once we are done.
        await collection.serial(() => collection.closeAll());
        await apiClosed;
      })();
      return closing;
    },
  };
}
