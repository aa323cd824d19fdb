/**
 * What every generating endpoint (chat, responses) shares: how long the answer is and how
 * much of it is hidden reasoning, prompt-cache hits, whole and streamed answers with their
 * faults, and the truth-log entry of each request.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { admit, afterSlowHeaders, type Admitted } from './admission.js';
import type { MockContext, ModelBehaviour } from './context.js';
import { TimedEventStream, type StreamPlan, type WriteStamps } from './event-stream.js';
import { faultLabel } from './faults.js';
import { baseHeaders, sendError, sendJson } from './http.js';
import type { ModelProfile } from './model-profiles.js';
import { epochNow } from './truth-log.js';

export interface OutputPlan {
  visible: number;
  reasoning: number;
  /** what the request reserves against TPM besides its input */
  reserved: number;
  finishReason: 'length' | 'stop';
}

/**
 * The answer fills the request's limit when it names one (finish "length"), else the default
 * length (finish "stop"). Reasoning models spend part of the limit thinking, as max_completion_tokens
 * bounds visible + reasoning tokens together.
 */
export function planOutput(profile: ModelProfile, maxTokens: number | undefined, defaultOutput: number): OutputPlan {
  const ratio = profile.reasoningRatio;
  const total = maxTokens ?? Math.round(defaultOutput * (1 + ratio));
  const reasoning = ratio > 0 ? Math.round((total * ratio) / (1 + ratio)) : 0;
  return { visible: total - reasoning, reasoning, reserved: total, finishReason: maxTokens !== undefined ? 'length' : 'stop' };
}

/** What a generating endpoint's request parser gives the shared prologue. */
interface GeneratingRequest {
  model: string;
  promptTokens: number;
}

export interface Started<R> {
  requestId: string;
  req: R;
  behaviour: ModelBehaviour;
  out: OutputPlan;
  admitted: Admitted;
}

/**
 * The part of a generating request every API shares: parse (400 on a bad body), refuse what the
 * model cannot do, plan the output, then admission (faults and rate limits). Null when the
 * request has already been answered.
 */
export function startGeneration<R extends GeneratingRequest>(
  ctx: MockContext,
  res: ServerResponse,
  t0: number,
  api: string,
  parsed: { ok: true; req: R } | { ok: false; status: number; error: Parameters<typeof sendError>[2] },
  spec: { refusal(req: R): Parameters<typeof sendError>[2] | null; maxTokens(req: R): number | undefined },
): Started<R> | null {
  const requestId = ctx.ids.requestId();
  if (!parsed.ok) {
    sendError(res, parsed.status, parsed.error, requestId);
    return null;
  }
  const req = parsed.req;
  const refused = spec.refusal(req);
  if (refused) {
    sendError(res, 400, refused, requestId);
    return null;
  }
  const behaviour = ctx.model(req.model);
  const out = planOutput(behaviour.profile, spec.maxTokens(req), ctx.opts.defaultOutputTokens);
  const admitted = admit(ctx, res, { requestId, t0, api, model: req.model, tokens: req.promptTokens + out.reserved });
  return admitted ? { requestId, req, behaviour, out, admitted } : null;
}

const CACHE_MIN_TOKENS = 1024;
const CACHE_BLOCK = 128;
const seenPrompts = new WeakMap<MockContext, Set<string>>();

/** Repeated prompts of 1024+ tokens hit the prompt cache, in 128-token blocks. */
export function cachedTokens(ctx: MockContext, promptTokens: number, keyOf: () => string): number {
  if (promptTokens < CACHE_MIN_TOKENS) return 0;
  const key = keyOf();
  let seen = seenPrompts.get(ctx);
  if (!seen) seenPrompts.set(ctx, (seen = new Set()));
  if (seen.has(key)) return Math.floor(promptTokens / CACHE_BLOCK) * CACHE_BLOCK;
  if (seen.size > 10_000) seen.clear();
  seen.add(key);
  return 0;
}

export interface TruthContext {
  requestId: string;
  index: number;
  api: string;
  model: string;
  t0: number;
}

export function recordTruth(ctx: MockContext, t: TruthContext, admitted: Admitted, status: number, stamps: WriteStamps): void {
  if (!ctx.truth) return;
  ctx.truth.record({
    requestId: t.requestId,
    index: t.index,
    api: t.api,
    model: t.model,
    status,
    fault: faultLabel(admitted.fault),
    arrived: ctx.epochOf(t.t0),
    ...stamps,
  });
}

/** A non-streamed answer, sent when its last token would have been, with the request's fault. */
export function answerWhole(ctx: MockContext, res: ServerResponse, admitted: Admitted, t: TruthContext, body: string, delayMs: number): void {
  const fault = admitted.fault;
  const extra = fault.kind === 'stall' || fault.kind === 'slowHeaders' ? fault.ms : 0;
  const send = (): void => {
    const now = epochNow();
    const stamps: WriteStamps = { headers: now, firstToken: now, lastToken: now, end: now };
    if (fault.kind === 'cut') {
      res.socket?.destroy();
      stamps.firstToken = stamps.lastToken = null;
      return recordTruth(ctx, t, admitted, 200, stamps);
    }
    const text = fault.kind === 'malformed' ? body.slice(0, Math.max(1, body.length >> 1)) : body;
    const headers = { ...baseHeaders(t.requestId, performance.now() - t.t0, 'application/json'), ...admitted.headers };
    sendJson(res, 200, text, headers);
    recordTruth(ctx, t, admitted, 200, stamps);
  };
  const wait = t.t0 + delayMs + extra - performance.now();
  if (wait <= 0) return send();
  const timer = setTimeout(send, Math.ceil(wait));
  res.once('close', () => clearTimeout(timer));
}

/** A streamed answer: SSE headers (late under a slow-headers fault), then `plan`'s events on its schedule, with the request's fault. */
export function answerStreamed(ctx: MockContext, res: ServerResponse, admitted: Admitted, t: TruthContext, plan: StreamPlan): void {
  afterSlowHeaders(res, admitted.fault, (delay) => {
    const headers: OutgoingHttpHeaders = { ...baseHeaders(t.requestId, performance.now() - t.t0, 'text/event-stream; charset=utf-8'), ...admitted.headers };
    headers['cache-control'] = 'no-cache';
    new TimedEventStream(res, t.t0 + delay, plan, admitted.fault, (s) => recordTruth(ctx, t, admitted, 200, s.stamps)).start(headers);
  });
}
