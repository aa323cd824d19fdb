/**
 * Baseline round trips to the target, measured before a run so a report can tell network
 * time from server time: a few fresh TCP connects (the SYN/SYN-ACK is one round trip, also
 * for https targets: no TLS is done), then sequential GET <url>/models on one keep-alive
 * connection. The first GET opens that connection (TCP, and TLS for https) and is reported
 * apart; the others are warm round trips through the server's cheapest endpoint.
 *
 * Never throws for a network failure or the time budget: the result carries a short `error`
 * and whatever was measured until then. The API key is sent, never recorded.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { Client } from 'undici';
import type { RttCalibration } from '../metrics/results.js';
import { timedConnector } from './connection-timing.js';

export interface CalibrateOptions {
  /** base URL including /v1 */
  url: string;
  /** TCP connects, and GETs on the one connection (the first of them reported apart); default 5 */
  samples?: number;
  apiKey?: string;
  /** accept an unverified TLS certificate */
  insecure?: boolean;
  /** dial here instead of the URL's host (a chaos proxy); Host and TLS name stay the URL's */
  connectTo?: { host: string; port: number };
  /** the whole calibration, default 3000 ms */
  timeoutMs?: number;
}

type Spread = { min: number; median: number; max: number };

class BudgetSpent extends Error {}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

function spread(xs: number[]): Spread | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: round3(s[0]!), median: round3(median), max: round3(s[s.length - 1]!) };
}

/** Rejects with BudgetSpent when the signal fires first. */
function beforeDeadline<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new BudgetSpent());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new BudgetSpent());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** One fresh TCP connect to an address; the socket is closed as soon as it connects. */
function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    if (signal.aborted) {
      reject(new BudgetSpent());
      return;
    }
    const start = performance.now();
    const socket = net.connect({ host, port });
    const finish = (err: unknown, ms?: number): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(ms!);
    };
    const onAbort = (): void => finish(new BudgetSpent());
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(null, performance.now() - start));
    socket.once('error', (err) => finish(err));
  });
}

export async function calibrateRtt(opts: CalibrateOptions): Promise<RttCalibration> {
  const samples = Math.max(1, Math.floor(opts.samples ?? 5));
  const timeoutMs = opts.timeoutMs ?? 3000;
  const key = opts.apiKey;

  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    return { url: '', samples, connectMs: null, firstRequestMs: null, requestMs: null, path: '', status: null, error: 'invalid url' };
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = `${basePath}/models`;
  const result: RttCalibration = {
    // origin and path only: no credentials or query string from the URL end up in results
    url: `${base.origin}${basePath}`,
    samples,
    connectMs: null,
    firstRequestMs: null,
    requestMs: null,
    path,
    status: null,
  };

  const ac = new AbortController();
  const deadline = setTimeout(() => ac.abort(), timeoutMs);
  let stage = 'dns';
  let client: Client | undefined;
  try {
    const dialHost = (opts.connectTo?.host ?? base.hostname).replace(/^\[|\]$/g, '');
    const dialPort = opts.connectTo?.port ?? Number(base.port || (base.protocol === 'https:' ? 443 : 80));
    // Resolve once, so each connect below times the handshake and not a DNS lookup.
    const { address } = await beforeDeadline(lookup(dialHost), ac.signal);

    stage = 'tcp connect';
    const connects: number[] = [];
    try {
      for (let i = 0; i < samples; i++) connects.push(await tcpConnect(address, dialPort, ac.signal));
    } finally {
      result.connectMs = spread(connects);
    }

    stage = 'http';
    client = new Client(base.origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: timedConnector(
        { timeout: timeoutMs, ...(opts.insecure ? { rejectUnauthorized: false } : {}) },
        opts.connectTo,
      ),
    });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const warm: number[] = [];
    try {
      for (let i = 0; i < samples; i++) {
        const start = performance.now();
        const res = await client.request({ method: 'GET', path, headers, signal: ac.signal });
        await res.body.arrayBuffer();
        const ms = performance.now() - start;
        result.status = res.statusCode;
        if (i === 0) result.firstRequestMs = round3(ms);
        else warm.push(ms);
      }
    } finally {
      result.requestMs = spread(warm);
    }
  } catch (err) {
    result.error = describe(err, stage, timeoutMs, key);
  } finally {
    clearTimeout(deadline);
    if (client) await client.destroy().catch(() => undefined);
  }
  return result;
}

/** A short reason, never carrying the key (a server or proxy could echo it back). */
function describe(err: unknown, stage: string, timeoutMs: number, key: string | undefined): string {
  let text: string;
  if (err instanceof BudgetSpent || (err as { name?: string } | null)?.name === 'AbortError' || (err as { code?: string } | null)?.code === 'UND_ERR_ABORTED') {
    text = `${stage}: no answer within ${timeoutMs} ms`;
  } else if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    text = code && /^E[A-Z]+$/.test(code) ? `${stage}: ${code}` : `${stage}: ${code ? `${code} ` : ''}${err.message}`;
  } else {
    text = `${stage}: ${String(err)}`;
  }
  if (key) text = text.split(key).join('[redacted]');
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
