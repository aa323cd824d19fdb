/**
 * POST /v1/responses: the Responses API, streamed (typed SSE events with `event:` lines and a
 * sequence_number from 0, no [DONE]) or whole, answering with a message or a function call,
 * with the same latency model, admission, faults and truth log as chat.
 */
import type { ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { MockContext } from './context.js';
import type { StreamPlan } from './event-stream.js';
import { answerStreamed, answerWhole, cachedTokens, startGeneration } from './generation.js';
import { resolveModel } from './models.js';
import { jitteredSchedule, ttftForRequest } from './profile.js';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.js';
import { requestRng, RngPurpose } from './rng.js';
import { decodeTokens, generateTokens } from './text.js';
import { argumentPieces, toolArguments } from './tool-args.js';
import { wireChunks, wireForm, wireFormRepeating } from './wire-text.js';

/** Per-process id source: a random prefix, a type nibble and a counter (48 hex digits, like the real ids). */
const ID_PREFIX = randomBytes(12).toString('hex').slice(0, 23);
let idCounter = 0;
const hexId = (tag: number, n: number) => ID_PREFIX + tag.toString(16) + n.toString(16).padStart(24, '0');

/** One SSE event: an `event:` line equal to the JSON type; type and sequence_number come first. */
function ev(type: string, seq: number, rest: Record<string, unknown>): string {
  return evJson(type, seq, JSON.stringify(rest));
}

/** The same, given the JSON of the rest (`{...}`). */
function evJson(type: string, seq: number, restJson: string): string {
  return `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq},${restJson.slice(1)}\n\n`;
}

interface Answer {
  kind: 'message' | 'function_call';
  /** JSON-escaped pieces, about one token each */
  pieces: string[];
  /** cut by max_output_tokens */
  incomplete: boolean;
}

/** What the model "says": text of the planned length, JSON for a text.format, or a function call's arguments. */
function answerFor(r: ResponsesRequest, visible: number, seed: number, index: number): Answer {
  const limited = r.maxOutputTokens !== undefined;
  // Structured answers have their natural length; the limit cuts them only when they do not fit.
  const fit = (pieces: string[], kind: Answer['kind']): Answer =>
    limited && pieces.length > visible ? { kind, pieces: pieces.slice(0, visible), incomplete: true } : { kind, pieces, incomplete: false };
  const toolRng = () => requestRng(seed, index, RngPurpose.tools);
  if (r.call) return fit(argumentPieces(toolArguments(r.call.parameters, toolRng())), 'function_call');
  const format = r.format;
  if (format.type === 'json_schema') return fit(argumentPieces(toolArguments(format.schema, toolRng())), 'message');
  const json = format.type === 'json_object';
  const tokens = generateTokens(requestRng(seed, index, RngPurpose.text), json ? Math.max(1, visible - 8) : visible);
  if (json) return fit(argumentPieces(JSON.stringify({ answer: decodeTokens(tokens) })), 'message');
  return { kind: 'message', pieces: tokens, incomplete: limited };
}

/** The response object (at creation: in_progress, no output, no usage) and the final output items. */
function responseShape(r: ResponsesRequest, a: Answer, n: number, reasoningTokens: number, usage: Record<string, unknown>, doneAtMs: number) {
  const full = decodeTokens(a.pieces);
  const status = a.incomplete ? 'incomplete' : 'completed';
  const part = { type: 'output_text', annotations: [], logprobs: [], text: full };
  const item =
    a.kind === 'message'
      ? { id: `msg_${hexId(1, n)}`, type: 'message', status, content: [part], role: 'assistant' }
      : { id: `fc_${hexId(2, n)}`, type: 'function_call', status, arguments: full, call_id: `call_${ID_PREFIX.slice(0, 12)}${n.toString(36).padStart(12, '0')}`, name: r.call!.name };
  const reasoning = reasoningTokens > 0 ? { id: `rs_${hexId(3, n)}`, type: 'reasoning', summary: [] } : null;
  const output = reasoning ? [reasoning, item] : [item];
  const id = `resp_${hexId(0, n)}`;
  const createdAt = Math.floor(Date.now() / 1000);
  const object = (done: boolean) => ({
    id,
    object: 'response',
    created_at: createdAt,
    status: done ? status : 'in_progress',
    background: false,
    completed_at: done && !a.incomplete ? Math.floor(doneAtMs / 1000) : null,
    error: null,
    incomplete_details: done && a.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: r.echo.instructions,
    max_output_tokens: r.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: resolveModel(r.model),
    output: done ? output : [],
    parallel_tool_calls: r.echo.parallel_tool_calls,
    previous_response_id: r.echo.previous_response_id,
    prompt_cache_key: null,
    reasoning: { effort: r.echo.reasoning.effort ?? (reasoningTokens > 0 ? 'medium' : null), summary: r.echo.reasoning.summary },
    safety_identifier: null,
    service_tier: 'default',
    store: r.echo.store,
    temperature: r.echo.temperature,
    text: { format: r.format, verbosity: 'medium' },
    tool_choice: r.echo.tool_choice,
    tools: r.echo.tools,
    top_logprobs: 0,
    top_p: r.echo.top_p,
    truncation: r.echo.truncation,
    usage: done ? usage : null,
    user: r.echo.user,
    metadata: r.echo.metadata,
  });
  return { object, item, part, full, reasoning, status, outputIndex: output.length - 1 };
}

type Shape = ReturnType<typeof responseShape>;

/**
 * The stream's events: created and in_progress with the headers; [reasoning item added + done]
 * and the answer's item (and content part) added just before the first delta; one delta per
 * chunk; then the done events and the terminal response.completed or response.incomplete.
 * Every part is in wire form (UTF-8 bytes written as latin1), as chat's are: see wire-text.ts.
 */
function eventPlan(a: Answer, s: Shape, perChunk: number): Pick<StreamPlan, 'total' | 'render' | 'prologue' | 'prologueEvents' | 'beforeFirst' | 'beforeFirstEvents' | 'tail' | 'encoding'> {
  const { item, outputIndex: oi, reasoning } = s;
  const message = a.kind === 'message';
  let seq = 0;
  const inProgress = wireForm(JSON.stringify({ response: s.object(false) }));
  const prologue = evJson('response.created', seq++, inProgress) + evJson('response.in_progress', seq++, inProgress);
  const prologueEvents = seq;
  // The answer's item opens when its first text is ready (after any reasoning), as the API does.
  let opening = '';
  if (reasoning) {
    opening += ev('response.output_item.added', seq++, { output_index: 0, item: reasoning });
    opening += ev('response.output_item.done', seq++, { output_index: 0, item: reasoning });
  }
  const started = message ? { ...item, status: 'in_progress', content: [] } : { ...item, status: 'in_progress', arguments: '' };
  opening += ev('response.output_item.added', seq++, { output_index: oi, item: started });
  if (message) {
    const empty = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    opening += ev('response.content_part.added', seq++, { item_id: item.id, output_index: oi, content_index: 0, part: empty });
  }
  opening = wireForm(opening);
  const firstDelta = seq;

  const chunks = wireChunks(a.pieces, perChunk);
  const total = chunks.length;
  const type = message ? 'response.output_text.delta' : 'response.function_call_arguments.delta';
  const pre = `event: ${type}\ndata: {"type":"${type}","sequence_number":`;
  const mid = wireForm(`,"item_id":"${item.id}","output_index":${oi}${message ? ',"content_index":0' : ''},"delta":"`);
  const post = message ? '","logprobs":[]}\n\n' : '"}\n\n';
  const render = (j: number) => pre + (firstDelta + j) + mid + chunks[j]! + post;

  seq += total;
  let tail = '';
  if (message) {
    tail += ev('response.output_text.done', seq++, { item_id: item.id, output_index: oi, content_index: 0, text: s.full, logprobs: [] });
    tail += ev('response.content_part.done', seq++, { item_id: item.id, output_index: oi, content_index: 0, part: s.part });
  } else {
    tail += ev('response.function_call_arguments.done', seq++, { item_id: item.id, output_index: oi, name: (item as { name: string }).name, arguments: s.full });
  }
  tail += ev('response.output_item.done', seq++, { output_index: oi, item });
  tail += ev(`response.${s.status}`, seq++, { response: s.object(true) });
  // the answer is quoted four times (three for a function call): converted once
  tail = wireFormRepeating(tail, JSON.stringify(s.full).slice(1, -1));
  const encoding = 'latin1';
  // With no text at all, the item opens with the headers.
  if (total === 0) return { total, render, prologue: prologue + opening, prologueEvents: firstDelta, tail, encoding };
  return { total, render, prologue, prologueEvents, beforeFirst: opening, beforeFirstEvents: firstDelta - prologueEvents, tail, encoding };
}

/** A refusal before generating, as the real API answers for models that cannot stream. */
function refusal(ctx: MockContext, r: ResponsesRequest) {
  if (r.stream && !ctx.model(r.model).profile.stream) {
    return { message: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.", param: 'stream', code: 'unsupported_value' };
  }
  return null;
}

/** `raw` is the request body; `t0` (performance.now()) is when it was fully received. */
export function handleResponses(ctx: MockContext, res: ServerResponse, raw: string, t0: number): void {
  const started = startGeneration(ctx, res, t0, 'responses', parseResponsesRequest(raw), { refusal: (r) => refusal(ctx, r), maxTokens: (r) => r.maxOutputTokens });
  if (!started) return;
  const { requestId, req: r, out, admitted } = started;
  const { profile, latency } = started.behaviour;
  const { index } = admitted;
  const seed = ctx.opts.seed;
  const truth = { requestId, index, api: 'responses', model: r.model, t0 };

  const answer = answerFor(r, out.visible, seed, index);
  const emitted = answer.pieces.length;
  const ttft = ttftForRequest(latency, seed, index, r.promptTokens) + out.reasoning * latency.tokenIntervalMs;
  const duration = ttft + Math.max(0, emitted - 1) * latency.tokenIntervalMs;
  const cached = cachedTokens(ctx, r.promptTokens, r.promptKey);
  const usage = {
    input_tokens: r.promptTokens,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: emitted + out.reasoning,
    output_tokens_details: { reasoning_tokens: out.reasoning },
    total_tokens: r.promptTokens + emitted + out.reasoning,
  };
  const shape = responseShape(r, answer, idCounter++, out.reasoning, usage, Date.now() + duration);

  if (!r.stream) return answerWhole(ctx, res, admitted, truth, JSON.stringify(shape.object(true)), duration);

  const stepMs = latency.tokenIntervalMs * profile.tokensPerChunk;
  const events = eventPlan(answer, shape, profile.tokensPerChunk);
  const plan: StreamPlan = {
    ...events,
    ttft,
    stepMs,
    dueAt: jitteredSchedule(latency, seed, index, ttft, stepMs, events.total),
    malformed: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":\n\n',
  };
  answerStreamed(ctx, res, admitted, truth, plan);
}
