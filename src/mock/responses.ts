/**
 * POST /v1/responses: the Responses API, streamed (typed SSE events with `event:` lines and a
 * sequence_number from 0, no [DONE]) or whole, answering with a message or a function call,
 * with the same latency model, admission, faults and truth log as chat.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { admit, afterSlowHeaders } from './admission.js';
import type { MockContext } from './context.js';
import { TimedEventStream, type StreamPlan } from './event-stream.js';
import { answerWhole, cachedTokens, planOutput, recordTruth } from './generation.js';
import { baseHeaders, sendError } from './http.js';
import { resolveModel } from './models.js';
import { jitteredSchedule, ttftForRequest } from './profile.js';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.js';
import { requestRng, RngPurpose } from './rng.js';
import { decodeTokens, generateTokens } from './text.js';
import { argumentPieces, toolArguments } from './tool-args.js';

/** Per-process id source: a random prefix, a type nibble and a counter (48 hex digits like the real ids). */
const ID_PREFIX = randomBytes(12).toString('hex').slice(0, 23);
let idCounter = 0;
const hexId = (tag: number, n: number) => ID_PREFIX + tag.toString(16) + n.toString(16).padStart(24, '0');

const escapeJson = (s: string) => JSON.stringify(s).slice(1, -1);

/** One SSE event: `event:` line equal to the JSON type, type and sequence_number first. */
function ev(type: string, seq: number, rest: Record<string, unknown>): string {
  return `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq},${JSON.stringify(rest).slice(1)}\n\n`;
}

interface Answer {
  kind: 'message' | 'function_call';
  /** JSON-escaped pieces, about one token each */
  pieces: string[];
  incomplete: boolean;
}

/** What the model "says": text of the planned length, JSON for a text.format, or a function call's arguments. */
function answerFor(r: ResponsesRequest, visible: number, seed: number, index: number): Answer {
  const limited = r.maxOutputTokens !== undefined;
  const fit = (pieces: string[], kind: Answer['kind']): Answer =>
    limited && pieces.length > visible ? { kind, pieces: pieces.slice(0, visible), incomplete: true } : { kind, pieces, incomplete: false };
  if (r.call) return fit(argumentPieces(toolArguments(r.call.parameters, requestRng(seed, index, RngPurpose.tools))).map(escapeJson), 'function_call');
  const format = r.format;
  if (format.type === 'json_schema') return fit(argumentPieces(toolArguments(format.schema, requestRng(seed, index, RngPurpose.tools))).map(escapeJson), 'message');
  const tokens = generateTokens(requestRng(seed, index, RngPurpose.text), format.type === 'json_object' ? Math.max(1, visible - 8) : visible);
  if (format.type === 'json_object') return fit(argumentPieces(JSON.stringify({ answer: decodeTokens(tokens) })).map(escapeJson), 'message');
  return { kind: 'message', pieces: tokens, incomplete: limited };
}

function usageOf(input: number, cached: number, output: number, reasoning: number): Record<string, unknown> {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
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
  const requestId = ctx.ids.requestId();
  const parsed = parseResponsesRequest(raw);
  if (!parsed.ok) return sendError(res, parsed.status, parsed.error, requestId);
  const r = parsed.req;
  const refused = refusal(ctx, r);
  if (refused) return sendError(res, 400, refused, requestId);
  const { profile, latency } = ctx.model(r.model);
  const out = planOutput(profile, r.maxOutputTokens, ctx.opts.defaultOutputTokens);
  const admitted = admit(ctx, res, { requestId, t0, api: 'responses', model: r.model, tokens: r.promptTokens + out.reserved });
  if (!admitted) return;
  const { index } = admitted;
  const seed = ctx.opts.seed;
  const truth = { requestId, index, api: 'responses', model: r.model, t0 };

  const answer = answerFor(r, out.visible, seed, index);
  const { pieces } = answer;
  const ttft = ttftForRequest(latency, seed, index, r.promptTokens) + out.reasoning * latency.tokenIntervalMs;
  const usage = usageOf(r.promptTokens, cachedTokens(ctx, r.promptTokens, r.promptKey), pieces.length + out.reasoning, out.reasoning);
  const n = idCounter++;
  const id = `resp_${hexId(0, n)}`;
  const itemId = answer.kind === 'message' ? `msg_${hexId(1, n)}` : `fc_${hexId(2, n)}`;
  const reasoningItem = out.reasoning > 0 ? { id: `rs_${hexId(3, n)}`, type: 'reasoning', summary: [] } : null;
  const createdAt = Math.floor(Date.now() / 1000);
  const itemStatus = answer.incomplete ? 'incomplete' : 'completed';
  const full = decodeTokens(pieces);
  const part = { type: 'output_text', annotations: [], logprobs: [], text: full };
  const finalItem =
    answer.kind === 'message'
      ? { id: itemId, type: 'message', status: itemStatus, content: [part], role: 'assistant' }
      : { id: itemId, type: 'function_call', status: itemStatus, arguments: full, call_id: `call_${ID_PREFIX.slice(0, 12)}${n.toString(36).padStart(12, '0')}`, name: r.call!.name };
  const output = reasoningItem ? [reasoningItem, finalItem] : [finalItem];
  const outputIndex = output.length - 1;
  const responseObject = (status: string, done: boolean) => ({
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    completed_at: done && status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: null,
    incomplete_details: done && answer.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: r.echo.instructions,
    max_output_tokens: r.maxOutputTokens ?? null,
    max_tool_calls: null,
    model: resolveModel(r.model),
    output: done ? output : [],
    parallel_tool_calls: r.echo.parallel_tool_calls,
    previous_response_id: r.echo.previous_response_id,
    prompt_cache_key: null,
    reasoning: r.echo.reasoning,
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
  const finalStatus = answer.incomplete ? 'incomplete' : 'completed';

  if (!r.stream) {
    const body = JSON.stringify(responseObject(finalStatus, true));
    return answerWhole(ctx, res, admitted, truth, body, ttft + Math.max(0, pieces.length - 1) * latency.tokenIntervalMs);
  }

  // Prologue: created, in_progress, [reasoning item added + done], the answer's item (and its content part).
  let seq = 0;
  const inProgress = responseObject('in_progress', false);
  let prologue = ev('response.created', seq++, { response: inProgress }) + ev('response.in_progress', seq++, { response: inProgress });
  if (reasoningItem) {
    prologue += ev('response.output_item.added', seq++, { output_index: 0, item: reasoningItem });
    prologue += ev('response.output_item.done', seq++, { output_index: 0, item: reasoningItem });
  }
  const emptyPart = { type: 'output_text', annotations: [], logprobs: [], text: '' };
  const started =
    answer.kind === 'message'
      ? { ...finalItem, status: 'in_progress', content: [] }
      : { ...finalItem, status: 'in_progress', arguments: '' };
  prologue += ev('response.output_item.added', seq++, { output_index: outputIndex, item: started });
  if (answer.kind === 'message') {
    prologue += ev('response.content_part.added', seq++, { item_id: itemId, output_index: outputIndex, content_index: 0, part: emptyPart });
  }
  const prologueEvents = seq;

  const perChunk = profile.tokensPerChunk;
  const chunks = Math.ceil(pieces.length / perChunk);
  const stepMs = latency.tokenIntervalMs * perChunk;
  const deltaType = answer.kind === 'message' ? 'response.output_text.delta' : 'response.function_call_arguments.delta';
  const pre = `event: ${deltaType}\ndata: {"type":"${deltaType}","sequence_number":`;
  const mid =
    answer.kind === 'message'
      ? `,"item_id":"${itemId}","output_index":${outputIndex},"content_index":0,"delta":"`
      : `,"item_id":"${itemId}","output_index":${outputIndex},"delta":"`;
  const post = answer.kind === 'message' ? '","logprobs":[]}\n\n' : '"}\n\n';
  seq += chunks;

  let tail = '';
  if (answer.kind === 'message') {
    tail += ev('response.output_text.done', seq++, { item_id: itemId, output_index: outputIndex, content_index: 0, text: full, logprobs: [] });
    tail += ev('response.content_part.done', seq++, { item_id: itemId, output_index: outputIndex, content_index: 0, part });
  } else {
    tail += ev('response.function_call_arguments.done', seq++, { item_id: itemId, output_index: outputIndex, name: r.call!.name, arguments: full });
  }
  tail += ev('response.output_item.done', seq++, { output_index: outputIndex, item: finalItem });
  tail += ev(`response.${finalStatus}`, seq++, { response: responseObject(finalStatus, true) });

  const plan: StreamPlan = {
    ttft,
    stepMs,
    total: chunks,
    dueAt: jitteredSchedule(latency, seed, index, ttft, stepMs, chunks),
    render:
      perChunk === 1
        ? (j) => pre + (prologueEvents + j) + mid + pieces[j]! + post
        : (j) => pre + (prologueEvents + j) + mid + pieces.slice(j * perChunk, (j + 1) * perChunk).join('') + post,
    prologue,
    prologueEvents,
    tail,
  };
  afterSlowHeaders(res, admitted.fault, (delay) => {
    const headers: OutgoingHttpHeaders = { ...baseHeaders(requestId, performance.now() - t0, 'text/event-stream; charset=utf-8'), ...admitted.headers };
    headers['cache-control'] = 'no-cache';
    res.writeHead(200, headers);
    new TimedEventStream(res, t0 + delay, plan, admitted.fault, (s) => recordTruth(ctx, truth, admitted, 200, s.stamps)).start();
  });
}
