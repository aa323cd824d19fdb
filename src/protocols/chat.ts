/**
 * api: chat — POST /chat/completions, streamed (SSE) or not.
 */
import type { RequestRecord } from '../record.js';
import type { Prompt, TargetSpec } from '../types.js';
import { chunkFacts, looksSpaced, newStreamFrame, type Usage } from './chat-events.js';
import { JsonBodyParser } from './json-body.js';
import type { PreparedRequest, Protocol, ResponseParser } from './protocol.js';
import { SseDecoder } from './sse.js';
import { applyUsage } from './usage.js';

/** Models that reject max_tokens and want max_completion_tokens (o-series, gpt-5). */
function usesCompletionTokens(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

class ChatStreamParser implements ResponseParser {
  private readonly sse: SseDecoder;
  private spaced: boolean | null = null;
  private readonly frame = newStreamFrame();
  private done = false;

  constructor(private readonly rec: RequestRecord) {
    this.sse = new SseDecoder((data, _event, t) => this.onEvent(data, t));
  }

  onData(chunk: Buffer, t: number): void {
    this.sse.push(chunk, t);
  }

  onEnd(t: number): void {
    this.sse.end(t);
    const rec = this.rec;
    if (rec.errorClass !== null) return;
    if (!this.done) {
      if (rec.finishReason !== null) {
        // Finished but never sent [DONE]: complete in substance; end at body end.
        rec.end = t;
      } else {
        rec.errorClass = 'stream_cut';
        rec.errorMessage = 'stream ended before [DONE]';
      }
    }
  }

  private onEvent(data: string, t: number): void {
    const rec = this.rec;
    if (this.done || rec.errorClass !== null) return;
    if (data === '[DONE]') {
      this.done = true;
      rec.end = t;
      return;
    }
    if (this.spaced === null) this.spaced = looksSpaced(data);
    const facts = chunkFacts(data, this.spaced, this.frame);
    if (facts.error !== null) {
      rec.errorClass = facts.error.startsWith('malformed') ? 'bad_response' : 'stream_cut';
      rec.errorMessage = facts.error;
      rec.end = t; // nothing after this event counts: the response ended here
      return;
    }
    if (facts.content) {
      if (rec.tokenTimes.length === 0) rec.firstToken = t;
      rec.tokenTimes.push(t);
      rec.lastToken = t;
      if (facts.piece !== null) rec.contentPieces.push(facts.piece);
    }
    if (facts.finishReason !== null) rec.finishReason = facts.finishReason;
    if (facts.usage !== null) applyUsage(rec, facts.usage);
  }
}

/** A non-streamed chat completion: the whole answer arrives at once, at the body's end. */
function readChatBody(rec: RequestRecord, body: any, t: number): void {
  const choice = body?.choices?.[0];
  if (!choice) {
    rec.errorClass = 'bad_response';
    rec.errorMessage = 'response has no choices';
    return;
  }
  const content = choice.message?.content;
  if (typeof content === 'string' && content.length > 0) rec.contentPieces.push(JSON.stringify(content).slice(1, -1));
  rec.finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  if (body.usage && typeof body.usage === 'object') applyUsage(rec, body.usage as Usage);
  rec.firstToken = t;
  rec.lastToken = t;
}

export function chatProtocol(target: TargetSpec): Protocol {
  const basePath = new URL(target.url).pathname.replace(/\/$/, '');
  const path = `${basePath}/chat/completions`;
  const limitKey = usesCompletionTokens(target.model) ? 'max_completion_tokens' : 'max_tokens';
  return {
    api: 'chat',
    prepare(prompt: Prompt): PreparedRequest {
      const body: Record<string, unknown> = {
        model: target.model,
        messages: prompt.messages,
        [limitKey]: prompt.maxOutputTokens,
        stream: target.stream,
      };
      if (target.stream && target.streamUsage) body.stream_options = { include_usage: true };
      return { path, body: Buffer.from(JSON.stringify(body)) };
    },
    parser(rec: RequestRecord): ResponseParser {
      return target.stream ? new ChatStreamParser(rec) : new JsonBodyParser(rec, readChatBody);
    },
  };
}
