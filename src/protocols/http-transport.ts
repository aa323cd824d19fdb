/**
 * Sends prepared requests over one undici pool and turns what comes back into stamps.
 * Uses undici's dispatch handler directly: onRequestSent marks when the bytes were handed
 * to the socket, and onData runs in the socket's read path, so a stamp taken there is the
 * read's arrival time. Everything slower than a stamp waits for one setImmediate per
 * event-loop turn (see request-handler.ts).
 */
import { Pool } from 'undici';
import type { RequestRecord } from '../record.js';
import type { TargetSpec } from '../types.js';
import { timedConnector } from './connection-timing.js';
import type { PreparedRequest, Protocol } from './protocol.js';
import { RequestHandler, type HandlerHost } from './request-handler.js';

export type DoneCallback = (rec: RequestRecord) => void;

export interface TransportOptions {
  target: TargetSpec;
  protocol: Protocol;
  connections: number;
  apiKey: string | undefined;
  /** connect here instead of the URL's host:port (a chaos proxy), keeping Host and TLS name */
  connectTo?: { host: string; port: number };
}

export class HttpTransport implements HandlerHost {
  private readonly pool: Pool;
  private readonly headers: string[];
  private readonly inFlight = new Set<RequestHandler>();
  private readonly sweep: NodeJS.Timeout;
  private readonly timeout: number;
  private ready: RequestHandler[] = [];
  private flushScheduled = false;

  constructor(private readonly opts: TransportOptions) {
    const url = new URL(opts.target.url);
    this.timeout = opts.target.timeout;
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      pipelining: 1,
      allowH2: opts.target.http.h2,
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 30_000,
      connect: timedConnector(
        {
          allowH2: opts.target.http.h2,
          timeout: Math.min(30_000, opts.target.timeout),
          ...(opts.target.http.insecure ? { rejectUnauthorized: false } : {}),
        },
        opts.connectTo,
      ),
    });
    const headers: string[] = ['content-type', 'application/json', 'accept', 'text/event-stream, application/json'];
    for (const [k, v] of Object.entries(opts.target.headers)) headers.push(k, v);
    if (opts.apiKey) headers.push('authorization', `Bearer ${opts.apiKey}`);
    this.headers = headers;
    // One sweep instead of a timer per request: deadlines are seconds long, 50 ms of slack is fine.
    this.sweep = setInterval(() => this.expireOverdue(), 50);
    this.sweep.unref();
  }

  /** A server may echo the key back in an error body; it must never reach results or logs. */
  readonly redact = (text: string): string => {
    const key = this.opts.apiKey;
    return key && text.includes(key) ? text.split(key).join('[redacted]') : text;
  };

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  send(rec: RequestRecord, req: PreparedRequest, done: DoneCallback): void {
    const handler = new RequestHandler(rec, this.opts.protocol, this, done);
    this.inFlight.add(handler);
    rec.dispatched = performance.now();
    this.pool.dispatch(
      { method: 'POST', path: req.path, headers: this.headers, body: req.body, blocking: false },
      handler as never,
    );
  }

  schedule(handler: RequestHandler): void {
    this.ready.push(handler);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.ready;
    this.ready = [];
    for (const h of batch) h.process();
  };

  settle(handler: RequestHandler): void {
    this.inFlight.delete(handler);
  }

  private expireOverdue(): void {
    const now = performance.now();
    for (const h of this.inFlight) {
      if (now - h.rec.dispatched > this.timeout) h.expire(this.timeout);
    }
  }

  /** Abort what is still in flight (their records finish as errors) and close the pool. */
  async close(): Promise<void> {
    clearInterval(this.sweep);
    await this.pool.destroy().catch(() => undefined);
  }

  /** Wait for in-flight requests, up to `graceMs`, then abort the rest as timeouts. */
  async drain(graceMs: number): Promise<void> {
    const deadline = performance.now() + graceMs;
    while (this.inFlight.size > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const h of [...this.inFlight]) h.expire(graceMs);
  }
}
