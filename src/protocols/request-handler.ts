/**
 * One request's undici dispatch handler. Its socket callbacks only take stamps and keep
 * the bytes; parsing, classification and the run loop's follow-up work happen later, in
 * process(), which the transport runs once per event-loop turn after every ready socket has
 * been read. So a read that arrives while another stream is being parsed still gets the
 * time it arrived, not the time its turn came.
 */
import type { RequestRecord } from '../record.js';
import { markConnecting } from './connection-timing.js';
import { classifyError, classifyStatus, describeError } from './error-class.js';
import type { Protocol, ResponseParser } from './protocol.js';
import { readLimitHeaders } from './rate-limit-headers.js';

const ERROR_BODY_LIMIT = 2048;

export class TimeoutError extends Error {
  readonly code = 'LLM_BENCH_REQUEST_TIMEOUT';
}

export interface HandlerHost {
  /** run handler.process() soon, outside the socket read path */
  schedule(handler: RequestHandler): void;
  /** the request has finished, one way or another (called before the request's own callback) */
  settle(handler: RequestHandler): void;
  /** remove secrets a server may echo back */
  redact(text: string): string;
}

export class RequestHandler {
  private abortFn: ((err: Error) => void) | null = null;
  private parser: ResponseParser | null = null;
  private errorBody: Buffer[] | null = null;
  private errorBytes = 0;
  private chunks: Buffer[] = [];
  private times: number[] = [];
  private endAt = NaN;
  private failure: Error | null = null;
  private queued = false;
  finished = false;

  constructor(
    readonly rec: RequestRecord,
    private readonly protocol: Protocol,
    private readonly host: HandlerHost,
    private readonly done: (rec: RequestRecord) => void,
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
    const { limits, hints } = readLimitHeaders(rawHeaders);
    rec.rateLimit = limits;
    if (hints.retryAfterMs !== undefined || hints.shouldRetry !== undefined) rec.retryHints = hints;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.times.push(performance.now());
    this.chunks.push(chunk);
    this.enqueue();
    return true;
  }

  onComplete(): void {
    this.endAt = performance.now();
    this.enqueue();
  }

  onError(err: Error): void {
    this.endAt = performance.now();
    this.failure = err;
    this.enqueue();
  }

  onUpgrade(): void {}

  private enqueue(): void {
    if (this.queued || this.finished) return;
    this.queued = true;
    this.host.schedule(this);
  }

  /** Parse what has arrived; settle the request once its response has ended. */
  process(): void {
    this.queued = false;
    if (this.finished) return;
    const rec = this.rec;
    if (this.chunks.length > 0) {
      if (this.parser === null && this.errorBody === null) this.startBody();
      for (let i = 0; i < this.chunks.length; i++) this.consume(this.chunks[i]!, this.times[i]!);
      this.chunks = [];
      this.times = [];
    }
    if (this.failure !== null) {
      rec.end = this.endAt;
      if (rec.errorClass === null || rec.errorClass === 'stream_cut') {
        const err = this.failure;
        rec.errorClass = err instanceof TimeoutError ? 'timeout' : classifyError(err, rec.status >= 200 && rec.status < 300);
        rec.errorMessage = this.host.redact(describeError(err));
      }
      this.finish();
    } else if (!Number.isNaN(this.endAt)) {
      if (this.parser === null && this.errorBody === null) this.startBody();
      if (this.parser !== null) this.parser.onEnd(this.endAt);
      else {
        rec.end = this.endAt;
        const body = Buffer.concat(this.errorBody!).toString('utf8');
        rec.errorMessage = this.host.redact(errorMessage(rec.status, body));
        if (rec.status === 429) {
          rec.limitType = limitTypeOf(body);
          // Out of quota is not a rate: waiting will not help, and the SDKs do not retry it.
          if (body.includes('insufficient_quota')) rec.retryHints = { ...rec.retryHints, shouldRetry: false };
        }
      }
      this.finish();
    }
  }

  private startBody(): void {
    const cls = classifyStatus(this.rec.status);
    if (cls === null) this.parser = this.protocol.parser(this.rec);
    else {
      this.rec.errorClass = cls;
      this.errorBody = [];
    }
  }

  private consume(chunk: Buffer, t: number): void {
    if (this.parser !== null) this.parser.onData(chunk, t);
    else if (this.errorBytes < ERROR_BODY_LIMIT) {
      this.errorBody!.push(chunk);
      this.errorBytes += chunk.length;
    }
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

  private finish(): void {
    this.finished = true;
    this.chunks = [];
    this.times = [];
    this.host.settle(this);
    this.done(this.rec);
  }
}

/** Which limit a 429 says was hit: its error.type is "tokens" or "requests". */
function limitTypeOf(body: string): 'tokens' | 'requests' | null {
  const m = /"type"\s*:\s*"(tokens|requests)"/.exec(body);
  return m ? (m[1] as 'tokens' | 'requests') : null;
}

function errorMessage(status: number, body: string): string {
  try {
    const msg = JSON.parse(body)?.error?.message;
    if (typeof msg === 'string') return `HTTP ${status}: ${msg.slice(0, 300)}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
}
