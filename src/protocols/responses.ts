/**
 * api: responses — POST /responses (the Responses API), streamed (typed SSE events) or not.
 */
import type { RequestRecord } from '../record.js';
import type { ChatMessage, Prompt, TargetSpec } from '../types.js';
import { JsonBodyParser } from './json-body.js';
import type { PreparedRequest, Protocol, ResponseParser } from './protocol.js';
import { DELTA_EVENTS, deltaPiece, eventTypeOf, outcomeOf, TERMINAL_EVENTS, terminalOf, type Outcome } from './responses-events.js';
import { SseDecoder } from './sse.js';
import { applyUsage } from './usage.js';

/**
 * The prompt's chat messages as Responses input items. A message keeps its role and content
 * (input items have no `name`); a tool result becomes a function_call_output item, which is
 * how this API takes one.
 */
export function inputItems(messages: readonly ChatMessage[]): Array<Record<string, string>> {
  return messages.map((m): Record<string, string> =>
    m.role === 'tool' ? { type: 'function_call_output', call_id: m.tool_call_id ?? '', output: m.content } : { role: m.role, content: m.content },
  );
}

function complete(rec: RequestRecord, outcome: Outcome): void {
  rec.finishReason = outcome.finishReason;
  if (outcome.usage !== null) applyUsage(rec, outcome.usage);
}

class ResponsesStreamParser implements ResponseParser {
  private readonly sse: SseDecoder;
  private done = false;

  constructor(private readonly rec: RequestRecord) {
    this.sse = new SseDecoder((data, event, t) => this.onEvent(data, event, t));
  }

  onData(chunk: Buffer, t: number): void {
    this.sse.push(chunk, t);
  }

  onEnd(t: number): void {
    this.sse.end(t);
    const rec = this.rec;
    if (!this.done && rec.errorClass === null) {
      rec.errorClass = 'stream_cut';
      rec.errorMessage = 'stream ended before response.completed';
    }
    // A response that failed still ended: when its body did, unless a terminal event said so first.
    if (Number.isNaN(rec.end)) rec.end = t;
  }

  private onEvent(data: string, event: string | null, t: number): void {
    const rec = this.rec;
    if (this.done || rec.errorClass !== null) return;
    // Servers that follow the API send `event:` equal to the JSON type; others are read from the data.
    const type = event ?? (data === '[DONE]' ? null : eventTypeOf(data));
    if (type === null) {
      if (data === '[DONE]') return; // a chat habit some compatible servers keep: not an event here
      return this.malformed(`malformed event: ${data.slice(0, 120)}`);
    }
    if (DELTA_EVENTS.has(type)) {
      const piece = deltaPiece(data);
      if (piece === null) return this.malformed(`malformed ${type} event: ${data.slice(0, 120)}`);
      if (piece.length === 0) return;
      if (rec.tokenTimes.length === 0) rec.firstToken = t;
      rec.tokenTimes.push(t);
      rec.lastToken = t;
      rec.contentPieces.push(piece);
      return;
    }
    // created, in_progress, output_item.added, content_part.added, the .done events: not tokens
    if (!TERMINAL_EVENTS.has(type)) return;
    this.done = true;
    const end = terminalOf(type, data);
    if (end.kind === 'malformed') return this.malformed(end.message);
    rec.end = t;
    if (end.kind === 'done') return complete(rec, end.outcome);
    // The 200 arrived and then the response failed: a broken stream, as chat's mid-stream error.
    if (end.usage !== null) applyUsage(rec, end.usage);
    rec.errorClass = 'stream_cut';
    rec.errorMessage = end.message;
  }

  private malformed(message: string): void {
    this.rec.errorClass = 'bad_response';
    this.rec.errorMessage = message;
  }
}

/** JSON-escaped text of the output items: message text and refusals, reasoning text, call arguments. */
function outputPieces(output: unknown[]): string[] {
  const texts: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.length > 0) texts.push(v);
  };
  for (const item of output as any[]) {
    if (item?.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) add(part?.type === 'refusal' ? part.refusal : part?.text);
    } else if (item?.type === 'function_call') {
      add(item.arguments);
    } else if (item?.type === 'reasoning') {
      for (const list of [item.summary, item.content]) if (Array.isArray(list)) for (const part of list) add(part?.text);
    }
  }
  return texts.map((s) => JSON.stringify(s).slice(1, -1));
}

/** A non-streamed response: the whole answer arrives at once, at the body's end. */
function readResponsesBody(rec: RequestRecord, body: any, t: number): void {
  if (body?.status === 'failed') {
    // accepted (200), then failed: as a streamed response.failed
    if (body.usage && typeof body.usage === 'object') applyUsage(rec, body.usage);
    rec.errorClass = 'stream_cut';
    rec.errorMessage = typeof body.error?.message === 'string' ? body.error.message : 'response failed';
    return;
  }
  if (!Array.isArray(body?.output)) {
    rec.errorClass = 'bad_response';
    rec.errorMessage = 'response has no output';
    return;
  }
  for (const piece of outputPieces(body.output)) rec.contentPieces.push(piece);
  complete(rec, outcomeOf(body, false));
  rec.firstToken = t;
  rec.lastToken = t;
}

export function responsesProtocol(target: TargetSpec): Protocol {
  const basePath = new URL(target.url).pathname.replace(/\/$/, '');
  const path = `${basePath}/responses`;
  return {
    api: 'responses',
    prepare(prompt: Prompt): PreparedRequest {
      const body = {
        model: target.model,
        input: inputItems(prompt.messages),
        max_output_tokens: prompt.maxOutputTokens,
        stream: target.stream,
        // A benchmark's responses are not worth keeping: the API stores them unless told not to.
        store: false,
      };
      return { path, body: Buffer.from(JSON.stringify(body)) };
    },
    parser(rec: RequestRecord): ResponseParser {
      return target.stream ? new ResponsesStreamParser(rec) : new JsonBodyParser(rec, readResponsesBody);
    },
  };
}

/** The Responses API refuses max_output_tokens below this with a 400 (and so does the mock). */
export const RESPONSES_MIN_OUTPUT_TOKENS = 16;

/** Prompts a Responses endpoint would refuse for their output limit: the run warns before it starts. */
export function belowOutputMinimum(prompts: readonly Prompt[]): number {
  let n = 0;
  for (const p of prompts) if (p.maxOutputTokens < RESPONSES_MIN_OUTPUT_TOKENS) n++;
  return n;
}
