/**
 * POST /v1/chat/completions: streamed (SSE) and non-streamed answers with the exact wire
 * shapes of the real API. Constant parts of every chunk are built once per stream; token
 * chunks are plain string concatenations, and all chunks that are due go out in one write.
 */
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MockContext } from './context.js';
import { parseChatRequest } from './chat-request.js';
import { baseHeaders, sendError, sendJson } from './http.js';
import { resolveModel, systemFingerprint } from './models.js';
import { chunkDueAt, chunksDue, completionDelay, ttftForRequest } from './profile.js';
import { requestRng, RngPurpose } from './rng.js';
import { generateTokens } from './text.js';

export function usageJson(prompt: number, completion: number): string {
  return (
    `{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion},` +
    `"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":` +
    `{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}`
  );
}

/** `raw` is the request body; `t0` (performance.now()) is when it was fully received. */
export function handleChatCompletions(ctx: MockContext, res: ServerResponse, raw: string, t0: number): void {
  const requestId = ctx.ids.requestId();
  const parsed = parseChatRequest(raw);
  if (!parsed.ok) {
    sendError(res, parsed.status, parsed.error, requestId);
    return;
  }
  const r = parsed.req;
  const { opts, profile } = ctx;
  const index = ctx.nextIndex();
  const outputTokens = r.maxTokens ?? opts.defaultOutputTokens;
  const finishReason = r.maxTokens !== undefined ? 'length' : 'stop';
  const ttft = ttftForRequest(profile, opts.seed, index);
  const tokens = generateTokens(requestRng(opts.seed, index, RngPurpose.text), outputTokens);
  const model = JSON.stringify(resolveModel(r.model));
  const fp = systemFingerprint(r.model);
  const id = ctx.ids.completionId(index);
  const created = Math.floor(Date.now() / 1000);
  const usage = usageJson(r.promptTokens, outputTokens);

  if (!r.stream) {
    const body =
      `{"id":"${id}","object":"chat.completion","created":${created},"model":${model},"choices":[{"index":0,` +
      `"message":{"role":"assistant","content":"${tokens.join('')}","refusal":null,"annotations":[]},` +
      `"logprobs":null,"finish_reason":"${finishReason}"}],"usage":${usage},"system_fingerprint":"${fp}"}`;
    const delay = completionDelay(ttft, profile.tokenIntervalMs, outputTokens);
    const send = () => sendJson(res, 200, body, baseHeaders(requestId, performance.now() - t0, 'application/json'));
    const wait = t0 + delay - performance.now();
    if (wait <= 0) {
      send();
      return;
    }
    const timer = setTimeout(send, Math.ceil(wait));
    res.once('close', () => clearTimeout(timer));
    return;
  }

  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${model},"system_fingerprint":"${fp}","choices":[`;
  const usageNull = r.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const role = head + '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]' + usageNull;
  let tail = head + `{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishReason}"}]` + usageNull;
  if (r.includeUsage) tail += head + '],"usage":' + usage + '}\n\n';
  tail += 'data: [DONE]\n\n';

  const headers = baseHeaders(requestId, performance.now() - t0, 'text/event-stream; charset=utf-8');
  headers['cache-control'] = 'no-cache';
  res.writeHead(200, headers);
  const stream = new ChatStream(res, t0, ttft, opts.tokensPerChunk, profile.tokenIntervalMs, tokens, head, usageNull, tail);
  stream.start(role);
}

class ChatStream {
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly total: number;
  private readonly step: number;
  private readonly pre: string;
  private readonly post: string;
  private readonly tick = (): void => this.pump('');

  constructor(
    private readonly res: ServerResponse,
    private readonly t0: number,
    private readonly ttft: number,
    private readonly perChunk: number,
    intervalMs: number,
    private readonly tokens: string[],
    head: string,
    usageNull: string,
    private readonly tail: string,
  ) {
    this.total = Math.ceil(tokens.length / perChunk);
    this.step = intervalMs * perChunk;
    this.pre = head + '{"index":0,"delta":{"content":"';
    this.post = '"},"logprobs":null,"finish_reason":null}]' + usageNull;
  }

  start(role: string): void {
    if (this.res.destroyed) {
      this.closed = true; // the client left before we answered
      return;
    }
    this.res.once('close', () => {
      this.closed = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
    });
    // Headers and the role chunk go out at once (TTFB < TTFT); content follows at TTFT.
    if (this.ttft <= 0) {
      this.pump(role);
    } else {
      this.res.write(role);
      this.schedule();
    }
  }

  private content(j: number): string {
    const k = this.perChunk;
    if (k === 1) return this.pre + (this.tokens[j] as string) + this.post;
    return this.pre + this.tokens.slice(j * k, (j + 1) * k).join('') + this.post;
  }

  /** Writes every chunk that is due (in one write), then re-arms the single timer. */
  private pump(prefix: string): void {
    this.timer = undefined;
    if (this.closed) return;
    const elapsed = performance.now() - this.t0;
    const due = chunksDue(elapsed, this.ttft, this.step, this.total);
    let out = prefix;
    for (; this.next < due; this.next++) out += this.content(this.next);
    if (this.next >= this.total && elapsed >= this.ttft) {
      this.closed = true;
      this.res.end(out + this.tail);
      return;
    }
    if (out.length > 0) this.res.write(out);
    this.schedule();
  }

  private schedule(): void {
    const wait = this.t0 + chunkDueAt(this.next, this.ttft, this.step) - performance.now();
    this.timer = setTimeout(this.tick, Math.max(1, Math.ceil(wait)));
  }
}
