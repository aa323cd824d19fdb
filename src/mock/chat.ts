/**
 * POST /v1/chat/completions: streamed (SSE) and non-streamed answers with the exact wire
 * shapes of the real API, text or tool calls, with each model's latency profile. Constant
 * parts of every chunk are built once per stream; token chunks are string concatenations.
 */
import type { ServerResponse } from 'node:http';
import { parseChatRequest, type ChatRequest } from './chat-request.js';
import type { MockContext } from './context.js';
import type { StreamPlan } from './event-stream.js';
import { resolveModel, systemFingerprint } from './models.js';
import { jitteredSchedule, ttftForRequest } from './profile.js';
import { requestRng, RngPurpose } from './rng.js';
import { generateTokens } from './text.js';
import { argumentPieces, toolArguments } from './tool-args.js';
import { wireChunks, wireForm } from './wire-text.js';
import { answerStreamed, answerWhole, cachedTokens, startGeneration } from './generation.js';

export function usageJson(prompt: number, completion: number, cached = 0, reasoning = 0): string {
  return (
    `{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion},` +
    `"prompt_tokens_details":{"cached_tokens":${cached},"audio_tokens":0},"completion_tokens_details":` +
    `{"reasoning_tokens":${reasoning},"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

/** A request the model refuses before generating, as the real API does for reasoning models. */
function refusal(ctx: MockContext, r: ChatRequest): { message: string; param: string; code: string } | null {
  const { profile } = ctx.model(r.model);
  if (profile.rejectsMaxTokens && r.usedMaxTokens) {
    return {
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: 'max_tokens',
      code: 'unsupported_parameter',
    };
  }
  if (!profile.stream && r.stream) {
    return { message: "Unsupported value: 'stream' does not support true with this model. Supported values are: false.", param: 'stream', code: 'unsupported_value' };
  }
  return null;
}

function wantsToolCall(r: ChatRequest): boolean {
  if (r.tools.length === 0 || r.toolChoice === 'none') return false;
  return r.toolChoice !== 'auto' || r.lastRole !== 'tool';
}

/** `raw` is the request body; `t0` (performance.now()) is when it was fully received. */
export function handleChatCompletions(ctx: MockContext, res: ServerResponse, raw: string, t0: number): void {
  const started = startGeneration(ctx, res, t0, 'chat', parseChatRequest(raw), { refusal: (r) => refusal(ctx, r), maxTokens: (r) => r.maxTokens });
  if (!started) return;
  const { requestId, req: r, out, admitted } = started;
  const { profile, latency } = started.behaviour;
  const { index } = admitted;
  const seed = ctx.opts.seed;

  const toolCall = wantsToolCall(r);
  const tool = toolCall ? (typeof r.toolChoice === 'object' ? r.tools.find((t) => t.name === (r.toolChoice as { name: string }).name) : undefined) ?? r.tools[0]! : null;
  const pieces = tool ? argumentPieces(toolArguments(tool.parameters, requestRng(seed, index, RngPurpose.tools))) : generateTokens(requestRng(seed, index, RngPurpose.text), out.visible);
  const completion = tool ? pieces.length : out.visible;
  const finishReason = tool ? 'tool_calls' : out.finishReason;
  const ttft = ttftForRequest(latency, seed, index, r.promptTokens) + out.reasoning * latency.tokenIntervalMs;
  const usage = usageJson(r.promptTokens, completion + out.reasoning, cachedTokens(ctx, r.promptTokens, r.promptKey), out.reasoning);
  const model = JSON.stringify(resolveModel(r.model));
  const fp = systemFingerprint(r.model);
  const id = ctx.ids.completionId(index);
  const created = Math.floor(Date.now() / 1000);
  const callId = `call_${id.slice(9, 33)}`;
  const truth = { requestId, index, api: 'chat', model: r.model, t0 };

  if (!r.stream) {
    const message = tool
      ? `{"role":"assistant","content":null,"tool_calls":[{"id":"${callId}","type":"function","function":{"name":${JSON.stringify(tool.name)},"arguments":"${pieces.join('')}"}}],"refusal":null,"annotations":[]}`
      : `{"role":"assistant","content":"${pieces.join('')}","refusal":null,"annotations":[]}`;
    const body =
      `{"id":"${id}","object":"chat.completion","created":${created},"model":${model},"choices":[{"index":0,` +
      `"message":${message},"logprobs":null,"finish_reason":"${finishReason}"}],"usage":${usage},"system_fingerprint":"${fp}"}`;
    return answerWhole(ctx, res, admitted, truth, body, ttft + Math.max(0, completion - 1) * latency.tokenIntervalMs);
  }

  // Everything streamed is built in wire form (UTF-8 bytes, written as latin1): see wire-text.ts.
  const head = wireForm(`data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${model},"system_fingerprint":"${fp}","choices":[`);
  const usageNull = r.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const opening = tool
    ? wireForm(`{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"${callId}","type":"function","function":{"name":${JSON.stringify(tool.name)},"arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}]`)
    : '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]';
  let tail = head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishReason}"}]` + usageNull;
  if (r.includeUsage) tail += head + '],"usage":' + usage + '}\n\n';
  tail += 'data: [DONE]\n\n';
  const pre = tool ? head + '{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"' : head + '{"index":0,"delta":{"content":"';
  const post = (tool ? '"}}]},"logprobs":null,"finish_reason":null}]' : '"},"logprobs":null,"finish_reason":null}]') + usageNull;
  const chunks = wireChunks(pieces, profile.tokensPerChunk);
  const stepMs = latency.tokenIntervalMs * profile.tokensPerChunk;
  const plan: StreamPlan = {
    ttft,
    stepMs,
    total: chunks.length,
    dueAt: jitteredSchedule(latency, seed, index, ttft, stepMs, chunks.length),
    render: (j) => pre + chunks[j]! + post,
    prologue: head + opening + usageNull,
    prologueEvents: 1,
    tail,
    encoding: 'latin1',
  };
  answerStreamed(ctx, res, admitted, truth, plan);
}
