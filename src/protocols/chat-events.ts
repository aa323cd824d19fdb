/**
 * Reads only what the stamps need out of a Chat Completions chunk, without JSON.parse on
 * the hot path for compact JSON (what OpenAI and vLLM send). Spaced JSON falls back to
 * a full parse; both paths give the same answer.
 */

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

/** Index just past the closing quote of a JSON string whose body starts at `from`. */
function stringEnd(s: string, from: number): number {
  let i = from;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    let bs = 0;
    for (let j = q - 1; j >= from && s.charCodeAt(j) === 92; j--) bs++;
    if ((bs & 1) === 0) return q;
    i = q + 1;
  }
}

/**
 * Nesting depth after the characters [from, to) of `s`, begun at `depth` outside any string;
 * -1 when they break the frame of one JSON object (a string left open, a bracket closed
 * that was not open, anything after the outer object closes). One pass, no parse: cheaper
 * than JSON.parse, and enough to call a truncated or garbled event what an SDK would call
 * it (the full parse then names the problem).
 */
function frameDepth(s: string, from: number, to: number, depth: number): number {
  const last = s.length - 1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // skip the string, honouring escapes
      for (i++; i < to; i++) {
        const d = s.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      if (i >= to) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth < 0) return -1;
      if (depth === 0 && i !== last) return -1;
    }
  }
  return depth;
}

const DELTA_KEY = '"delta":{';

/**
 * What a stream's chunks share: the text up to and including `"delta":{` (id, object,
 * created, model, system_fingerprint, …), checked once. A later chunk that starts with the
 * same text is scanned from there on only — the scan's state at that point (the nesting
 * depth, outside any string) is what it was for the first — so checking every chunk costs
 * a comparison and the ~80 characters of the delta, not the whole chunk again.
 */
export interface StreamFrame {
  prefix: string;
  depth: number;
}

export const newStreamFrame = (): StreamFrame => ({ prefix: '', depth: 0 });

/** Well-formed, and where its delta object starts (-1 without one), using and updating `frame`. */
function checkFramed(data: string, frame: StreamFrame | undefined): { ok: boolean; delta: number } {
  const n = data.length;
  if (n < 2 || data.charCodeAt(0) !== 123 || data.charCodeAt(n - 1) !== 125) return { ok: false, delta: -1 };
  if (frame !== undefined) {
    const p = frame.prefix.length;
    // slice-and-compare, not startsWith: V8 compares whole strings at memcmp speed, a prefix char by char
    if (p > 0 && n > p && data.slice(0, p) === frame.prefix) return { ok: frameDepth(data, p, n, frame.depth) === 0, delta: p - DELTA_KEY.length };
  }
  if (frameDepth(data, 0, n, 0) !== 0) return { ok: false, delta: -1 };
  const delta = data.indexOf(DELTA_KEY);
  if (frame !== undefined && delta >= 0) {
    const end = delta + DELTA_KEY.length;
    const depth = frameDepth(data, 0, end, 0);
    if (depth > 0) {
      // a copy of its own: a slice would keep the whole socket read it came from alive
      frame.prefix = Buffer.from(data.slice(0, end), 'utf8').toString('utf8');
      frame.depth = depth;
    }
  }
  return { ok: true, delta };
}

function compactFacts(data: string, frame?: StreamFrame): ChunkFacts {
  const facts: ChunkFacts = { content: false, piece: null, finishReason: null, usage: null, error: null };
  // Mid-stream errors are a top-level {"error":{...}} object; anything garbled gets the full parse.
  if (data.startsWith('{"error":')) return parsedFacts(data);
  const { ok, delta } = checkFramed(data, frame);
  if (!ok) return parsedFacts(data);
  let rest = delta < 0 ? 0 : delta;
  if (delta >= 0) {
    for (const key of CONTENT_KEYS) {
      const k = data.indexOf(key, delta);
      if (k < 0) continue;
      const start = k + key.length;
      if (data.charCodeAt(start) === 34) continue; // empty string: role-only opening chunk
      const end = stringEnd(data, start);
      facts.content = true;
      facts.piece = end < 0 ? null : data.slice(start, end);
      if (end > 0) rest = end;
      break;
    }
    if (!facts.content && data.indexOf('"tool_calls":[', delta) >= 0) {
      facts.content = true;
      const a = data.indexOf('"arguments":"', delta);
      if (a >= 0) {
        const end = stringEnd(data, a + 13);
        facts.piece = end < 0 ? null : data.slice(a + 13, end);
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
