/**
 * Validates a Responses API request body (POST /v1/responses) into what the mock needs to
 * answer it, and the request fields the response object echoes back. Errors use the real
 * API's envelope: param is the JSON path, code says what was wrong.
 */
import { absent, badType, badValue, fail, invalidJson, isFail, isObject, missing, notAnObject, type Fail } from './request-errors.js';
import { chooseCall, parseFormat, parseTools, type FunctionTool, type TextFormat } from './responses-tools.js';

export type { FunctionTool, TextFormat } from './responses-tools.js';

export interface ResponsesRequest {
  model: string;
  stream: boolean;
  /** max_output_tokens, when the request names one */
  maxOutputTokens: number | undefined;
  /** Cheap estimate: chars/4 + 3 per input item + 3 (instructions and tool definitions included). */
  promptTokens: number;
  /** the function the answer calls; undefined = answer in text */
  call: FunctionTool | undefined;
  format: TextFormat;
  /** cheap identity of the prompt, for prompt-cache emulation */
  promptKey(): string;
  /** request fields the response object reports back */
  echo: {
    instructions: string | null;
    tools: Array<Record<string, unknown>>;
    tool_choice: unknown;
    temperature: number;
    top_p: number;
    parallel_tool_calls: boolean;
    previous_response_id: string | null;
    reasoning: { effort: string | null; summary: string | null };
    store: boolean;
    truncation: string;
    metadata: Record<string, unknown>;
    user: string | null;
  };
}

export type ParsedResponses = { ok: true; req: ResponsesRequest } | Fail;

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const ITEM_TYPES = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference']);
const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** Characters of text in a content value: a string or a list of parts with `text`. */
function textChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  let n = 0;
  if (Array.isArray(content)) for (const p of content) if (isObject(p) && typeof p.text === 'string') n += p.text.length;
  return n;
}

/** Checks one input item; returns its text length. */
function inputItem(item: unknown, at: string): number | Fail {
  if (!isObject(item)) return badType(at, 'an object', item);
  const type = item.type;
  if (type !== undefined && (typeof type !== 'string' || !ITEM_TYPES.has(type))) {
    return badValue(`${at}.type`, type, [...ITEM_TYPES]);
  }
  if (type === 'function_call_output') {
    if (absent(item.call_id)) return missing(`${at}.call_id`);
    if (typeof item.call_id !== 'string') return badType(`${at}.call_id`, 'a string', item.call_id);
    if (absent(item.output)) return missing(`${at}.output`);
    if (typeof item.output !== 'string' && !Array.isArray(item.output)) return badType(`${at}.output`, 'a string', item.output);
    return textChars(item.output);
  }
  if (type === 'function_call') {
    for (const f of ['call_id', 'name', 'arguments']) {
      if (absent(item[f])) return missing(`${at}.${f}`);
      if (typeof item[f] !== 'string') return badType(`${at}.${f}`, 'a string', item[f]);
    }
    return (item.name as string).length + (item.arguments as string).length;
  }
  if (type !== undefined && type !== 'message') return 0;
  if (absent(item.role)) return missing(`${at}.role`);
  if (!ROLES.includes(item.role as (typeof ROLES)[number])) return badValue(`${at}.role`, item.role, ROLES);
  if (absent(item.content)) return missing(`${at}.content`);
  if (typeof item.content !== 'string' && !Array.isArray(item.content)) {
    return badType(`${at}.content`, 'one of a string or array of input content parts', item.content);
  }
  return textChars(item.content);
}

function numberIn(body: Record<string, unknown>, name: string, max: number, dflt: number): number | Fail {
  const v = body[name];
  if (absent(v)) return dflt;
  if (typeof v !== 'number') return badType(name, 'a decimal', v);
  if (v < 0) return fail(`Invalid '${name}': decimal below minimum value. Expected a value >= 0, but got ${v} instead.`, name, 'decimal_below_min_value');
  if (v > max) return fail(`Invalid '${name}': decimal above maximum value. Expected a value <= ${max}, but got ${v} instead.`, name, 'decimal_above_max_value');
  return v;
}

export function parseResponsesRequest(raw: string): ParsedResponses {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return invalidJson();
  }
  if (!isObject(body)) return notAnObject(body);

  const model = body.model;
  if (absent(model)) return missing('model');
  if (typeof model !== 'string') return badType('model', 'a string', model);
  if (model.length === 0) return fail("Invalid 'model': empty string.", 'model', 'invalid_value');

  const input = body.input;
  if (absent(input)) return missing('input');
  let chars = 0;
  let items = 1;
  let lastIsToolOutput = false;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const n = inputItem(input[i], `input[${i}]`);
      if (isFail(n)) return n;
      chars += n;
    }
    items = input.length;
    lastIsToolOutput = isObject(input.at(-1)) && (input.at(-1) as Record<string, unknown>).type === 'function_call_output';
  } else if (typeof input === 'string') {
    chars = input.length;
  } else {
    return badType('input', 'one of a string or array of input items', input);
  }

  const instructions = body.instructions;
  if (!absent(instructions) && typeof instructions !== 'string') return badType('instructions', 'a string', instructions);
  for (const flag of ['stream', 'store', 'parallel_tool_calls', 'background']) {
    if (!absent(body[flag]) && typeof body[flag] !== 'boolean') return badType(flag, 'a boolean', body[flag]);
  }
  if (!absent(body.stream_options) && body.stream !== true) {
    return fail("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null);
  }
  if (body.background === true) return fail('The mock server does not support background responses.', 'background', 'unsupported_value');

  let maxOutputTokens: number | undefined;
  const mot = body.max_output_tokens;
  if (!absent(mot)) {
    if (typeof mot !== 'number' || !Number.isInteger(mot)) return badType('max_output_tokens', 'an integer', mot);
    if (mot < 16) {
      return fail(`Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${mot} instead.`, 'max_output_tokens', 'integer_below_min_value');
    }
    maxOutputTokens = mot;
  }
  const temperature = numberIn(body, 'temperature', 2, 1);
  if (isFail(temperature)) return temperature;
  const topP = numberIn(body, 'top_p', 1, 1);
  if (isFail(topP)) return topP;

  const tools = parseTools(body.tools);
  if (isFail(tools)) return tools;
  const call = chooseCall(body.tool_choice, tools, lastIsToolOutput);
  if (isFail(call)) return call;
  const format = parseFormat(body.text);
  if (isFail(format)) return format;
  if (format.type === 'json_object' && !/json/i.test(JSON.stringify(input) + (typeof instructions === 'string' ? instructions : ''))) {
    return fail("Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.", 'input', null);
  }

  const reasoning = body.reasoning;
  let effort: string | null = null;
  let summary: string | null = null;
  if (!absent(reasoning)) {
    if (!isObject(reasoning)) return badType('reasoning', 'an object', reasoning);
    if (!absent(reasoning.effort) && !EFFORTS.includes(reasoning.effort as (typeof EFFORTS)[number])) {
      return badValue('reasoning.effort', reasoning.effort, EFFORTS);
    }
    effort = (reasoning.effort as string | undefined) ?? null;
    summary = typeof reasoning.summary === 'string' ? reasoning.summary : null;
  }
  const truncation = body.truncation;
  if (!absent(truncation) && truncation !== 'auto' && truncation !== 'disabled') return badValue('truncation', truncation, ['auto', 'disabled']);
  if (!absent(body.metadata) && !isObject(body.metadata)) return badType('metadata', 'an object', body.metadata);
  if (!absent(body.previous_response_id) && typeof body.previous_response_id !== 'string') {
    return badType('previous_response_id', 'a string', body.previous_response_id);
  }

  const toolChars = tools.length > 0 ? JSON.stringify(tools).length : 0;
  chars += (typeof instructions === 'string' ? instructions.length : 0) + toolChars;
  return {
    ok: true,
    req: {
      model,
      stream: body.stream === true,
      maxOutputTokens,
      promptTokens: Math.ceil(chars / 4) + 3 * items + (typeof instructions === 'string' ? 3 : 0) + 3,
      call,
      format,
      promptKey: () => `${chars}:${(typeof instructions === 'string' ? instructions : '').slice(0, 64)}:${JSON.stringify(input).slice(0, 256)}`,
      echo: {
        instructions: typeof instructions === 'string' ? instructions : null,
        tools,
        tool_choice: absent(body.tool_choice) ? 'auto' : body.tool_choice,
        temperature,
        top_p: topP,
        parallel_tool_calls: body.parallel_tool_calls !== false,
        previous_response_id: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
        reasoning: { effort, summary },
        store: body.store !== false,
        truncation: typeof truncation === 'string' ? truncation : 'disabled',
        metadata: isObject(body.metadata) ? body.metadata : {},
        user: typeof body.user === 'string' ? body.user : null,
      },
    },
  };
}
