/** Validates a Chat Completions request body into the few fields the mock uses. */
import { jsonTypeName, type ApiError } from './http.js';

export interface ChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** max_completion_tokens ?? max_tokens, when the request names one. */
  maxTokens: number | undefined;
  /** Cheap estimate: chars/4 + 3 per message + 3. */
  promptTokens: number;
  /** the deprecated max_tokens was sent (reasoning models refuse it) */
  usedMaxTokens: boolean;
  tools: ToolDef[];
  toolChoice: 'none' | 'auto' | 'required' | { name: string };
  /** role of the last message: a tool result means the model now answers in text */
  lastRole: string;
  /** the prompt's identity for prompt-cache emulation, computed only when asked */
  promptKey(): string;
}

export interface ToolDef {
  name: string;
  parameters: unknown;
}

export type ParsedChat = { ok: true; req: ChatRequest } | { ok: false; status: number; error: ApiError };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

const fail = (message: string, param: string | null, code: string | null): ParsedChat => ({
  ok: false,
  status: 400,
  error: { message, param, code },
});
const missing = (param: string) => fail(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
const badType = (param: string, expected: string, v: unknown) =>
  fail(`Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(v)} instead.`, param, 'invalid_type');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Characters of text in a message content (string, or array of parts with `text`). */
function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  let n = 0;
  if (Array.isArray(content)) {
    for (const part of content) {
      if (isObject(part) && typeof part.text === 'string') n += part.text.length;
    }
  }
  return n;
}

function maxTokensField(body: Record<string, unknown>, name: string): number | undefined | ParsedChat {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return badType(name, 'an integer', v);
  if (v < 1) {
    return fail(
      `Invalid '${name}': integer below minimum value. Expected a value >= 1, but got ${v} instead.`,
      name,
      'integer_below_min_value',
    );
  }
  return v;
}

export function parseChatRequest(raw: string): ParsedChat {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(
      'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
      null,
      null,
    );
  }
  if (!isObject(body)) return fail(`Invalid body: expected a JSON object, but got ${jsonTypeName(body)} instead.`, null, 'invalid_type');

  const model = body.model;
  if (model === undefined || model === null) return missing('model');
  if (typeof model !== 'string') return badType('model', 'a string', model);
  if (model.length === 0) return fail("Invalid 'model': empty string.", 'model', 'invalid_value');

  const messages = body.messages;
  if (messages === undefined || messages === null) return missing('messages');
  if (!Array.isArray(messages)) return badType('messages', 'an array', messages);
  if (messages.length === 0) {
    return fail(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  let chars = 0;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    const at = `messages[${i}]`;
    if (!isObject(m)) return badType(at, 'an object', m);
    if (m.role === undefined) return missing(`${at}.role`);
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) {
      return fail(
        `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `${at}.role`,
        'invalid_value',
      );
    }
    const c = m.content;
    if (c === undefined || c === null) {
      // Only an assistant turn (e.g. one carrying tool_calls) may omit its content.
      if (m.role !== 'assistant') return missing(`${at}.content`);
    } else if (typeof c !== 'string' && !Array.isArray(c)) {
      return badType(`${at}.content`, 'one of a string or array of objects', c);
    }
    chars += contentChars(c) + (typeof m.name === 'string' ? m.name.length : 0);
  }

  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return badType('stream', 'a boolean', stream);
  const so = body.stream_options;
  let includeUsage = false;
  if (so !== undefined && so !== null) {
    if (stream !== true) {
      return fail("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null);
    }
    if (!isObject(so)) return badType('stream_options', 'an object', so);
    const iu = so.include_usage;
    if (iu !== undefined && iu !== null && typeof iu !== 'boolean') {
      return badType('stream_options.include_usage', 'a boolean', iu);
    }
    includeUsage = iu === true;
  }

  const n = body.n;
  if (n !== undefined && n !== null && n !== 1) {
    return fail('The mock server supports only n=1.', 'n', 'unsupported_value');
  }

  const mct = maxTokensField(body, 'max_completion_tokens');
  if (typeof mct === 'object') return mct;
  const mt = maxTokensField(body, 'max_tokens');
  if (typeof mt === 'object') return mt;

  const tools = parseTools(body.tools);
  if (!Array.isArray(tools)) return tools;
  const last = messages[messages.length - 1] as Record<string, unknown>;
  return {
    ok: true,
    req: {
      model,
      stream: stream === true,
      includeUsage,
      maxTokens: mct ?? mt,
      promptTokens: Math.ceil(chars / 4) + 3 * messages.length + 3,
      usedMaxTokens: mt !== undefined,
      tools,
      toolChoice: toolChoiceOf(body.tool_choice),
      lastRole: String(last.role),
      promptKey: () => `${chars}:${JSON.stringify(messages).slice(0, 256)}`,
    },
  };
}

/** Chat tools are nested: {type: 'function', function: {name, parameters}}. */
function parseTools(v: unknown): ToolDef[] | ParsedChat {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return badType('tools', 'an array', v);
  const out: ToolDef[] = [];
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    const fn = isObject(t) ? t.function : undefined;
    if (!isObject(fn)) return missing(`tools[${i}].function`);
    if (typeof fn.name !== 'string' || fn.name.length === 0) return missing(`tools[${i}].function.name`);
    out.push({ name: fn.name, parameters: fn.parameters });
  }
  return out;
}

function toolChoiceOf(v: unknown): ChatRequest['toolChoice'] {
  if (v === 'none' || v === 'required' || v === 'auto') return v;
  if (isObject(v) && isObject(v.function) && typeof v.function.name === 'string') return { name: v.function.name };
  return 'auto';
}
