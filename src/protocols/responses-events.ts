/**
 * Reads only what the stamps need out of Responses API stream events. Delta events are the
 * hot path (one per token, or per chunk of tokens): their text is sliced out of the JSON
 * without JSON.parse. The one event that ends a response is rare, so it is parsed whole.
 */
import type { Usage } from './chat-events.js';
import { detach, stringEnd, wellFormedObject } from './json-scan.js';

/**
 * Events whose `delta` is text the model generated: a non-empty one is a content token.
 * Reasoning and function-call argument deltas count, as chat's do: a reasoning model's first
 * output is its thinking. The names are the SDKs' stream event types.
 */
export const DELTA_EVENTS: ReadonlySet<string> = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
]);

/** Events after which the server sends nothing more (the stream has no [DONE]). */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

const DELTA_KEY = '"delta":"';
const TYPE_KEY = '"type":"';

/**
 * The JSON-escaped text of a delta event ('' when it carries none), or null when the event is
 * not one complete JSON object. `"delta":"` with its quotes unescaped cannot occur inside a
 * string, so the first match is the key; the fields before it are scalars in every stream seen.
 */
export function deltaPiece(data: string): string | null {
  if (!wellFormedObject(data)) return null;
  const k = data.indexOf(DELTA_KEY);
  if (k >= 0) {
    const start = k + DELTA_KEY.length;
    const end = stringEnd(data, start);
    // kept until the request ends: a copy, not a view into the whole read
    return end < 0 ? null : detach(data.slice(start, end));
  }
  // Spaced JSON (`"delta": "…"`) or no delta string at all: the full parse decides.
  try {
    const delta: unknown = JSON.parse(data)?.delta;
    return typeof delta === 'string' ? JSON.stringify(delta).slice(1, -1) : '';
  } catch {
    return null;
  }
}

/**
 * The event's type when the server sent no `event:` line: the JSON `type`, which the API
 * puts first. A nested item's type (not `response.*` or `error`) found first, or spaced
 * JSON, falls back to a full parse; a top-level error object without a type is `error`. null
 * when there is no readable type.
 */
export function eventTypeOf(data: string): string | null {
  const k = data.indexOf(TYPE_KEY);
  if (k >= 0) {
    const start = k + TYPE_KEY.length;
    const end = data.indexOf('"', start);
    const type = end < 0 ? '' : data.slice(start, end);
    if (type.startsWith('response.') || type === 'error') return type;
  }
  try {
    const obj = JSON.parse(data);
    const type: unknown = obj?.type;
    if (typeof type === 'string') return type;
    // {"error":{...}} with no type: an API error, as the SDKs read a top-level error key
    return obj?.error && typeof obj.error === 'object' ? 'error' : null;
  } catch {
    return null;
  }
}

/** What a finished response object says: its usage and why it stopped. */
export interface Outcome {
  usage: Usage | null;
  /**
   * In chat's vocabulary, so results and requests.jsonl read the same for both APIs: stop,
   * tool_calls (a function call was the answer), length (incomplete: max_output_tokens),
   * content_filter; another incomplete reason is kept as the API says it, none = 'incomplete'.
   */
  finishReason: string;
}

/** Reads a response object (the non-streamed body, or the `response` of a terminal event). */
export function outcomeOf(response: any, incomplete: boolean): Outcome {
  const usage = response?.usage && typeof response.usage === 'object' ? (response.usage as Usage) : null;
  if (incomplete || response?.status === 'incomplete') {
    const reason: unknown = response?.incomplete_details?.reason;
    const finishReason = reason === 'max_output_tokens' ? 'length' : typeof reason === 'string' ? reason : 'incomplete';
    return { usage, finishReason };
  }
  const output: unknown = response?.output;
  const called = Array.isArray(output) && output.some((item) => item?.type === 'function_call');
  return { usage, finishReason: called ? 'tool_calls' : 'stop' };
}

/** One terminal event, parsed. */
export type Terminal =
  | { kind: 'done'; outcome: Outcome }
  | { kind: 'failed'; message: string; usage: Usage | null }
  | { kind: 'malformed'; message: string };

export function terminalOf(type: string, data: string): Terminal {
  let obj: any;
  try {
    obj = JSON.parse(data);
  } catch {
    return { kind: 'malformed', message: `malformed ${type} event: ${data.slice(0, 120)}` };
  }
  if (!obj || typeof obj !== 'object') return { kind: 'malformed', message: `malformed ${type} event: ${data.slice(0, 120)}` };
  if (type === 'error') {
    // Real streams nest the error ({"error":{...}}); the spec shows it flat ({"message":...}).
    const err = obj.error && typeof obj.error === 'object' ? obj.error : obj;
    return { kind: 'failed', message: messageOf(err, 'error event'), usage: null };
  }
  const response = obj.response;
  if (type === 'response.failed') {
    const usage = response?.usage && typeof response.usage === 'object' ? (response.usage as Usage) : null;
    return { kind: 'failed', message: messageOf(response?.error, 'response.failed'), usage };
  }
  return { kind: 'done', outcome: outcomeOf(response, type === 'response.incomplete') };
}

function messageOf(err: any, fallback: string): string {
  if (typeof err?.message === 'string' && err.message.length > 0) return err.message;
  if (typeof err?.code === 'string') return `${fallback}: ${err.code}`;
  return fallback;
}
