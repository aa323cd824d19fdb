/**
 * Sends prepared requests over one undici pool and turns what comes back into stamps.
 * Uses undici's dispatch handler directly: onRequestSent marks when the bytes were handed
 * to the socket, and onData runs in the socket's read path, so a stamp taken there is the
 * read's arrival time.
 */
import { Pool } from 'undici';
import type { RequestRecord } from '../record.js';
import type { TargetSpec } from '../types.js';
import { markConnecting, timedConnector } from './connection-timing.js';
import { classifyError, classifyStatus, describeError } from './error-class.js';
import type { PreparedRequest, Protocol, ResponseParser } from './protocol.js';

export type DoneCallback = (rec: RequestRecord) => void;

const ERROR_BODY_LIMIT = 2048;

class TimeoutError extends Error {
  readonly code = 'LLM_BENCH_REQUEST_TIMEOUT';
}

class RequestHandler {
  private abortFn: ((err: Error) => void) | null = null;
  private parser: ResponseParser | null = null;
  private errorBody: Buffer[] | null = null;
  private errorBytes = 0;
  private finished = false;

  constructor(
    readonly rec: RequestRecord,
    private readonly protocol: Protocol,
    private readonly done: (h: RequestHandler) => void,
    private readonly redact: (text: string) => string,
  ) {}

  onConnect(abort: (err: Error) => void): void {
    this.abortFn = abort;
    if (this.finished) {
      abort(new TimeoutError('request deadline passed while queued'));
      return;
    }
    markConnecting(this.rec);
  }

  onRequestSent(): void {
    this.rec.sent = performance.now();
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    const rec = this.rec;
    rec.headers = performance.now();
    rec.status = status;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 12 && name.toString('latin1').toLowerCase() === 'x-request-id') {
        rec.requestId = rawHeaders[i + 1]!.toString('latin1');
        break;
      }
    }
    const cls = classifyStatus(status);
    if (cls === null) {
      this.parser = this.protocol.parser(rec);
    } else {
      rec.errorClass = cls;
      this.errorBody = [];
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const t = performance.now();
    if (this.parser !== null) this.parser.onData(chunk, t);
    else if (this.errorBody !== null && this.errorBytes < ERROR_BODY_LIMIT) {
      this.errorBody.push(chunk);
      this.errorBytes += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    if (this.finished) return;
    const t = performance.now();
    if (this.parser !== null) this.parser.onEnd(t);
    else if (this.errorBody !== null) {
      this.rec.end = t;
      this.rec.errorMessage = this.redact(errorMessage(this.rec.status, Buffer.concat(this.errorBody).toString('utf8')));
    }
    this.finish();
  }

  onError(err: Error): void {
    if (this.finished) return;
    const rec = this.rec;
    rec.end = performance.now();
    if (rec.errorClass === null || rec.errorClass === 'stream_cut') {
      rec.errorClass = err instanceof TimeoutError ? 'timeout' : classifyError(err, rec.status >= 200 && rec.status < 300);
      rec.errorMessage = this.redact(describeError(err));
    }
    this.finish();
  }

  /** The run loop's deadline passed: fail now, abort the socket when undici lets us. */
  expire(timeoutMs: number): void {
    if (this.finished) return;
    const rec = this.rec;
    rec.timedOut = true;
    rec.end = performance.now();
    rec.errorClass = 'timeout';
    rec.errorMessage = `no complete response within ${timeoutMs} ms`;
    this.finish();
    this.abortFn?.(new TimeoutError(rec.errorMessage));
  }

  onUpgrade(): void {}

  private finish(): void {
    this.finished = true;
    this.done(this);
  }
}

function errorMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body);
    const msg = parsed?.error?.message;
    if (typeof msg === 'string') return `HTTP ${status}: ${msg.slice(0, 300)}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
}

export interface TransportOptions {
  target: TargetSpec;
  protocol: Protocol;
  connections: number;
  apiKey: string | undefined;
}

export class HttpTransport {
  private readonly pool: Pool;
  private readonly headers: string[];
  private readonly inFlight = new Set<RequestHandler>();
  private readonly sweep: NodeJS.Timeout;
  private readonly timeout: number;

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
      connect: timedConnector({ allowH2: opts.target.http.h2, timeout: Math.min(30_000, opts.target.timeout) }),
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
  private readonly redact = (text: string): string => {
    const key = this.opts.apiKey;
    return key && text.includes(key) ? text.split(key).join('[redacted]') : text;
  };

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  send(rec: RequestRecord, req: PreparedRequest, done: DoneCallback): void {
    const handler = new RequestHandler(
      rec,
      this.opts.protocol,
      (h) => {
        this.inFlight.delete(h);
        done(h.rec);
      },
      this.redact,
    );
    this.inFlight.add(handler);
    rec.dispatched = performance.now();
    this.pool.dispatch(
      { method: 'POST', path: req.path, headers: this.headers, body: req.body, blocking: false },
      handler as never,
    );
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
