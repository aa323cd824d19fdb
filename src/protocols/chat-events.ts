/**
 * Reads only what the stamps need out of a Chat Completions chunk, without JSON.parse on
 * the hot path for compact JSON (what OpenAI and vLLM send). Spaced JSON falls back to
 * a full parse; both paths give the same answer.
 */
import { checkFramed, framedContent, rememberSuffix, type StreamFrame } from './chunk-frame.js';
import { detach, stringEnd } from './json-scan.js';

export { newStreamFrame, type StreamFrame } from './chunk-frame.js';

export interface ChunkFacts {
  /** the chunk carries content, reasoning or a tool-call delta (a role-only chunk does not) */
  content: boolean;
  /** JSON-escaped text of the content/reasoning/arguments delta, when any */
  piece: string | null;
  finishReason: string | null;
  /** the chunk's usage object as sent (read it with usageCounts) */
  usage: Usage | null;
  error: string | null;
}

/** A usage object: Chat Completions names, or the Responses API's (input/output tokens). */
export interface Usage {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
  input_tokens?: unknown;
  output_tokens?: unknown;
  input_tokens_details?: { cached_tokens?: unknown } | null;
}

export interface UsageCounts {
  input: number | null;
  /** of input, read from the prompt cache */
  cachedInput: number | null;
  output: number | null;
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/**
 * Token counts of a usage object, Chat (prompt_tokens, completion_tokens,
 * prompt_tokens_details.cached_tokens) or Responses (input_tokens, output_tokens,
 * input_tokens_details.cached_tokens); null for what it does not say.
 */
export function usageCounts(usage: Usage): UsageCounts {
  const details = usage.prompt_tokens_details ?? usage.input_tokens_details;
  return {
    input: count(usage.prompt_tokens) ?? count(usage.input_tokens),
    cachedInput: details && typeof details === 'object' ? count(details.cached_tokens) : null,
    output: count(usage.completion_tokens) ?? count(usage.output_tokens),
  };
}

const CONTENT_KEYS = ['"content":"', '"reasoning_content":"', '"reasoning":"'] as const;

function compactFacts(data: string, frame?: StreamFrame): ChunkFacts {
  if (frame !== undefined) {
    const quick = framedContent(data, frame);
    if (quick !== null) return { content: true, piece: detach(data.slice(quick.start, quick.end)), finishReason: quick.finish, usage: null, error: null };
  }
  const facts: ChunkFacts = { content: false, piece: null, finishReason: null, usage: null, error: null };
  // Mid-stream errors are a top-level {"error":{...}} object; anything garbled gets the full parse.
  if (data.startsWith('{"error":')) return parsedFacts(data);
  const { ok, delta } = checkFramed(data, frame);
  if (!ok) return parsedFacts(data);
  let rest = delta < 0 ? 0 : delta;
  let contentKeyAt = -1;
  let contentEnd = -1;
  if (delta >= 0) {
    for (const key of CONTENT_KEYS) {
      const k = data.indexOf(key, delta);
      if (k < 0) continue;
      const start = k + key.length;
      if (data.charCodeAt(start) === 34) continue; // empty string: role-only opening chunk
      const end = stringEnd(data, start);
      facts.content = true;
      facts.piece = end < 0 ? null : detach(data.slice(start, end));
      if (end > 0) rest = end;
      if (key === CONTENT_KEYS[0]) [contentKeyAt, contentEnd] = [k, end];
      break;
    }
    if (!facts.content && data.indexOf('"tool_calls":[', delta) >= 0) {
      facts.content = true;
      const a = data.indexOf('"arguments":"', delta);
      if (a >= 0) {
        const end = stringEnd(data, a + 13);
        facts.piece = end < 0 ? null : detach(data.slice(a + 13, end));
        if (end > 0) rest = end;
      }
    }
    const f = data.indexOf('"finish_reason":', rest);
    if (f >= 0 && data.charCodeAt(f + 16) === 34) {
      facts.finishReason = data.slice(f + 17, data.indexOf('"', f + 17));
      rest = f;
    }
  }
  // Searched after the delta text only, so content can never fake a usage object.
  if (data.indexOf('"usage":{', rest) >= 0) facts.usage = parsedFacts(data).usage;
  else if (frame !== undefined && contentEnd > 0) rememberSuffix(frame, data, contentKeyAt, contentEnd, facts.finishReason);
  return facts;
}

function parsedFacts(data: string): ChunkFacts {
  const facts: ChunkFacts = { content: false, piece: null, finishReason: null, usage: null, error: null };
  let obj: any;
  try {
    obj = JSON.parse(data);
  } catch {
    facts.error = `malformed chunk: ${data.slice(0, 120)}`;
    return facts;
  }
  if (obj && typeof obj === 'object' && obj.error) {
    facts.error = typeof obj.error.message === 'string' ? obj.error.message : JSON.stringify(obj.error).slice(0, 200);
  }
  const choice = Array.isArray(obj?.choices) ? obj.choices[0] : undefined;
  const delta = choice?.delta;
  if (delta) {
    const text = [delta.content, delta.reasoning_content, delta.reasoning].find(
      (v) => typeof v === 'string' && v.length > 0,
    );
    if (text !== undefined) {
      facts.content = true;
      facts.piece = JSON.stringify(text).slice(1, -1);
    } else if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      facts.content = true;
      const args = delta.tool_calls[0]?.function?.arguments;
      facts.piece = typeof args === 'string' ? JSON.stringify(args).slice(1, -1) : null;
    }
  }
  if (typeof choice?.finish_reason === 'string') facts.finishReason = choice.finish_reason;
  if (obj?.usage && typeof obj.usage === 'object') facts.usage = obj.usage;
  return facts;
}

/** A chunk is "compact" when no structural `": ` appears; servers are consistent within a stream. */
export function looksSpaced(data: string): boolean {
  return data.indexOf('": ') >= 0 || data.indexOf('", "') >= 0;
}

/** The facts of one chunk; pass the stream's `frame` so its chunks' shared text is checked once. */
export function chunkFacts(data: string, spaced: boolean, frame?: StreamFrame): ChunkFacts {
  return spaced ? parsedFacts(data) : compactFacts(data, frame);
}
