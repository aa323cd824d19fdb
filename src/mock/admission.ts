/**
 * What happens to a generation request before its handler answers: an HTTP-layer fault may
 * answer for it, the rate limiter may refuse it; otherwise it goes on with the rate-limit
 * headers to send and the stream fault (if any) its handler must act out.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { MockContext } from './context.js';
import { faultResponse, type FaultDecision } from './faults.js';
import { baseHeaders, sendJson } from './http.js';

export interface Admitted {
  index: number;
  headers: OutgoingHttpHeaders;
  fault: FaultDecision;
}

const NO_FAULT: FaultDecision = { kind: 'none' };

/** The API key a request authenticated with ('' when none): rate limits are kept per key. */
function apiKeyOf(res: ServerResponse): string {
  const auth = res.req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : '';
}

/** Returns null when the request has already been answered (a status fault or a 429). */
export interface AdmissionRequest {
  requestId: string;
  /** performance.now() when the body was received */
  t0: number;
  api: string;
  model: string;
  /** what the request reserves against TPM: estimated input + max output */
  tokens: number;
}

export function admit(ctx: MockContext, res: ServerResponse, r: AdmissionRequest): Admitted | null {
  const { requestId, t0, api, model, tokens } = r;
  const index = ctx.nextIndex();
  const fault = ctx.faults?.decide(index) ?? NO_FAULT;
  const answer = (status: number, body: string, extra: Record<string, string>): null => {
    const headers = { ...baseHeaders(requestId, performance.now() - t0, 'application/json'), ...extra };
    ctx.truth?.record({
      requestId, index, api, model, status, fault: fault.kind === 'none' ? null : fault.kind,
      arrived: ctx.epochOf(t0), headers: null, firstToken: null, lastToken: null, end: null,
    });
    sendJson(res, status, body, headers);
    return null;
  };
  if (fault.kind === 'status') {
    const r = faultResponse(fault);
    return answer(r.status, r.body, r.headers);
  }
  let headers: OutgoingHttpHeaders = {};
  if (ctx.rateLimiter) {
    const decision = ctx.rateLimiter.admit(apiKeyOf(res), model, tokens);
    if (decision.rejected) return answer(429, decision.rejected.body, { ...decision.headers, ...decision.rejected.headers });
    headers = decision.headers;
  }
  return { index, headers, fault };
}

/** Runs `start` now, or after the delay of a slow-headers fault (nothing is sent meanwhile). */
export function afterSlowHeaders(res: ServerResponse, fault: FaultDecision, start: (delayMs: number) => void): void {
  if (fault.kind !== 'slowHeaders') return start(0);
  const timer = setTimeout(() => start(fault.ms), fault.ms);
  res.once('close', () => clearTimeout(timer));
}
