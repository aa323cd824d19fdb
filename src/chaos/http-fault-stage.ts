/**
 * The HTTP fault stage: an in-process reverse proxy in front of a real target, for chaos
 * episodes that act on the HTTP layer (status answers, stream cuts, stalls, slow headers,
 * malformed events). It forwards every request as is and writes each upstream chunk back the
 * moment it arrives. While faults are set, each POST (a generation request) draws a seeded
 * decision from the stage's own arrival counter, as in the mock; other requests always pass
 * through. Request headers (Authorization included) are forwarded, never logged or kept.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import { UserError } from '../errors.js';
import { FaultInjector, faultResponse, validateFaults, type FaultDecision, type FaultSpec } from '../mock/faults.js';
import { listen } from '../listen.js';

export interface HttpFaultStage {
  /** http://HOST:PORT plus the upstream's path prefix (e.g. /v1) */
  url: string;
  /** Replaces the faults in force; [] makes the stage a plain pass-through. Throws UserError on a bad spec. */
  setFaults(specs: FaultSpec[]): void;
  /** Stops listening and ends open connections, to clients and to the upstream. */
  close(): Promise<void>;
}

export interface HttpFaultStageOptions {
  /** target base URL including its path prefix, e.g. https://api.openai.com/v1 */
  upstream: string;
  seed: number;
  /** where to listen (default 127.0.0.1); the port is chosen by the OS */
  host?: string;
}

type Headers = Record<string, string | string[] | undefined>;

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
const NONE: FaultDecision = { kind: 'none' };
const LF = 0x0a;
const CR = 0x0d;

function forwardable(headers: Headers, drop: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.includes(k) && !drop.includes(k)) out[k] = v;
  return out;
}

/** The event with its data lines replaced by one line of the data cut in half (never valid JSON). */
export function breakEvent(event: string): string {
  const lines = event.replace(/\r/g, '').split('\n').filter((l) => l !== '');
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
  const other = lines.filter((l) => !l.startsWith('data:'));
  return [...other, 'data: ' + data.slice(0, Math.max(1, data.length >> 1))].join('\n') + '\n\n';
}

/**
 * Acts out a cut or malformed fault on an SSE body, chunk by chunk. Events end at a blank line
 * (`\n\n`, CRs ignored). Bytes pass through at once, except the event being broken, which is
 * held until it is whole.
 */
class SseFaulter {
  private events = 0;
  private prevLf = false;
  private held: Buffer[] = [];

  constructor(
    private readonly fault: FaultDecision,
    private readonly write: (b: Buffer) => void,
    private readonly cut: () => void,
  ) {}

  /** Returns false when the stream was cut (nothing more may be written). */
  push(chunk: Buffer): boolean {
    const f = this.fault;
    let from = 0; // start of the bytes not yet written or held
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === CR) continue;
      if (b !== LF) {
        this.prevLf = false;
        continue;
      }
      if (!this.prevLf) {
        this.prevLf = true;
        continue;
      }
      this.prevLf = false;
      const n = ++this.events; // event n ends at i + 1
      if (f.kind === 'cut' && n >= f.afterEvents) {
        this.write(chunk.subarray(0, i + 1));
        this.cut();
        return false;
      }
      if (f.kind === 'malformed' && n === f.atEvent) {
        this.held.push(chunk.subarray(from, i + 1));
        this.flushHeld();
        from = i + 1;
      } else if (f.kind === 'malformed' && n === f.atEvent - 1) {
        this.write(chunk.subarray(from, i + 1));
        from = i + 1;
      }
    }
    if (from < chunk.length) {
      if (f.kind === 'malformed' && this.events === f.atEvent - 1) this.held.push(chunk.subarray(from));
      else this.write(from === 0 ? chunk : chunk.subarray(from));
    }
    return true;
  }

  /** The body ended: an event still held (no closing blank line) goes out broken all the same. */
  end(): void {
    if (this.held.length > 0) this.flushHeld();
  }

  private flushHeld(): void {
    this.write(Buffer.from(breakEvent(Buffer.concat(this.held).toString('utf8'))));
    this.held = [];
  }
}

export async function startHttpFaultStage(opts: HttpFaultStageOptions): Promise<HttpFaultStage> {
  let target: URL;
  try {
    target = new URL(opts.upstream);
  } catch {
    throw new UserError(`chaos http stage: invalid upstream URL ${JSON.stringify(opts.upstream)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new UserError(`chaos http stage: upstream must be http(s), got ${target.protocol}`);
  const prefix = target.pathname.replace(/\/+$/, '');
  // LLM answers may take minutes before headers and between events: the client keeps the clock.
  const pool = new Pool(target.origin, { headersTimeout: 0, bodyTimeout: 0 });
  const started = performance.now();
  const clock = (): number => performance.now() - started;
  let faults: FaultInjector | null = null;
  let index = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => undefined);
    const i = req.method === 'POST' ? index++ : -1;
    const fault = i >= 0 && faults !== null ? faults.decide(i) : NONE;
    if (fault.kind === 'status') {
      req.resume();
      const r = faultResponse(fault);
      const headers = { ...r.headers, 'x-request-id': 'req_' + randomBytes(16).toString('hex'), 'content-length': String(Buffer.byteLength(r.body)) };
      res.writeHead(r.status, headers).end(r.body);
      return;
    }
    if (fault.kind !== 'slowHeaders') return forward(req, res, fault);
    const timer = setTimeout(() => forward(req, res, fault), fault.ms);
    res.once('close', () => clearTimeout(timer));
  };

  const forward = (req: IncomingMessage, res: ServerResponse, fault: FaultDecision): void => {
    if (res.destroyed) return;
    const bodyFault = fault.kind === 'cut' || fault.kind === 'malformed';
    const ac = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    const method = (req.method ?? 'GET') as Dispatcher.HttpMethod;
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // A body the stage must read is asked for unencoded; otherwise the bytes are the client's business.
    const headers = forwardable(req.headers, bodyFault ? ['host', 'accept-encoding'] : ['host']);
    pool
      .request({ origin: target.origin, path: req.url ?? '/', method, headers, body: hasBody ? req : null, signal: ac.signal })
      .then((up) => respond(res, up, fault, bodyFault))
      .catch(() => res.destroy()); // the upstream failed (or the client left): the client sees a broken connection
  };

  const respond = (res: ServerResponse, up: Dispatcher.ResponseData, fault: FaultDecision, bodyFault: boolean): void => {
    const body = up.body;
    body.on('error', () => res.destroy());
    if (res.destroyed) return void body.destroy();
    const ok = up.statusCode >= 200 && up.statusCode < 300;
    const sse = String(up.headers['content-type'] ?? '').startsWith('text/event-stream');
    const faulting = bodyFault && ok;
    const headers: OutgoingHttpHeaders = forwardable(up.headers, faulting ? ['content-length'] : []);
    if (faulting && !sse) return wholeBody(res, body, fault, up.statusCode, headers);
    res.writeHead(up.statusCode, headers);
    const write = (b: Buffer): void => void res.write(b);
    const cut = (): void => {
      body.removeAllListeners('data');
      body.destroy();
      const socket = res.socket;
      res.write('', () => socket?.destroy());
    };
    const faulter = faulting ? new SseFaulter(fault, write, cut) : null;
    if (faulting && fault.kind === 'cut' && fault.afterEvents <= 0) return cut();
    const pipe = (): void => {
      body.on('data', (chunk: Buffer) => {
        if (faulter === null) res.write(chunk);
        else if (!faulter.push(chunk)) return;
        if (res.writableNeedDrain) {
          body.pause();
          res.once('drain', () => body.resume());
        }
      });
      body.on('end', () => {
        faulter?.end();
        res.end();
      });
    };
    if (fault.kind !== 'stall' || !ok) return pipe();
    res.flushHeaders();
    const timer = setTimeout(pipe, fault.ms);
    res.once('close', () => clearTimeout(timer));
  };

  /** A non-streamed answer under a body fault, as the mock does it: cut = dropped, malformed = half the body. */
  const wholeBody = (res: ServerResponse, body: Dispatcher.ResponseData['body'], fault: FaultDecision, status: number, headers: OutgoingHttpHeaders): void => {
    const parts: Buffer[] = [];
    body.on('data', (c: Buffer) => parts.push(c));
    body.on('end', () => {
      if (fault.kind === 'cut') return void res.socket?.destroy();
      const all = Buffer.concat(parts);
      const half = all.subarray(0, Math.max(1, all.length >> 1));
      res.writeHead(status, { ...headers, 'content-length': String(half.length) }).end(half);
    });
  };

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, noDelay: true }, handle);
  server.on('connection', (s: Socket) => s.setNoDelay(true));
  server.on('clientError', (_err, socket: Socket) => socket.destroy());
  const host = opts.host ?? '127.0.0.1';
  const { port, urlHost } = await listen(server, 0, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}${prefix}`,
    setFaults(specs) {
      const valid = validateFaults(specs, 'faults');
      faults = valid.length > 0 ? new FaultInjector(valid, opts.seed, clock) : null;
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([closed, pool.destroy()]);
      })();
      return closing;
    },
  };
}
