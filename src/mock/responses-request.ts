/**
 * Validates a Responses API request body (POST /v1/responses) into what the mock needs to
 * answer it, and the request fields the response object echoes back. Errors use the real
 * API's envelope: param is the JSON path, code says what was wrong.
 */
import { jsonTypeName, type ApiError } from './http.js';

export interface FunctionTool {
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean;
}

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict: boolean | null; description?: string };

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
  promptKey: string;
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

export type ParsedResponses = { ok: true; req: ResponsesRequest } | { ok: false; status: number; error: ApiError };
type Fail = { ok: false; status: number; error: ApiError };

const fail = (message: string, param: string | null, code: string | null): Fail => ({ ok: false, status: 400, error: { message, param, code } });
const missing = (param: string) => fail(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
const badType = (param: string, expected: string, v: unknown) =>
  fail(`Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(v)} instead.`, param, 'invalid_type');
const badValue = (param: string, v: unknown, allowed: readonly string[]) =>
  fail(
    `Invalid value: '${String(v)}'. Supported values are: ${allowed.slice(0, -1).map((a) => `'${a}'`).join(', ')}, and '${allowed.at(-1)}'.`,
    param,
    'invalid_value',
  );
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const isFail = (v: unknown): v is Fail => isObject(v) && v.ok === false;

const ROLES = ['user', 'assistant', 'system', 'developer'] as const;
const ITEM_TYPES = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference']);
const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const FORMATS = ['text', 'json_object', 'json_schema'] as const;

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

function parseTools(v: unknown): Array<Record<string, unknown>> | Fail {
  if (absent(v)) return [];
  if (!Array.isArray(v)) return badType('tools', 'an array', v);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    const at = `tools[${i}]`;
    if (!isObject(t)) return badType(at, 'an object', t);
    if (absent(t.type)) return missing(`${at}.type`);
    if (typeof t.type !== 'string') return badType(`${at}.type`, 'a string', t.type);
    if (t.type !== 'function') {
      out.push(t); // hosted tools (web_search, file_search, ...) are accepted and never called
      continue;
    }
    // Responses tools are flat; a Chat-style {type, function: {...}} lacks the top-level name.
    if (absent(t.name)) return missing(`${at}.name`);
    if (typeof t.name !== 'string') return badType(`${at}.name`, 'a string', t.name);
    if (!absent(t.parameters) && !isObject(t.parameters)) return badType(`${at}.parameters`, 'an object', t.parameters);
    if (!absent(t.strict) && typeof t.strict !== 'boolean') return badType(`${at}.strict`, 'a boolean', t.strict);
    const tool: FunctionTool = {
      name: t.name,
      description: typeof t.description === 'string' ? t.description : null,
      parameters: isObject(t.parameters) ? t.parameters : null,
      strict: t.strict !== false,
    };
    out.push({ type: 'function', ...tool });
  }
  return out;
}

/** The tool the answer calls: tool_choice's named function, else the first function tool. */
function chooseCall(choice: unknown, tools: Array<Record<string, unknown>>, lastIsToolOutput: boolean): FunctionTool | undefined | Fail {
  const fns = tools.filter((t) => t.type === 'function') as unknown as Array<FunctionTool & { type: string }>;
  if (absent(choice) || choice === 'auto' || choice === 'none' || choice === 'required') {
    if (choice === 'required' && tools.length === 0) {
      return fail("Tool choice 'required' must be specified with 'tools' parameter.", 'tool_choice', null);
    }
    return choice === 'none' || lastIsToolOutput ? undefined : fns[0];
  }
  if (typeof choice === 'string') return badValue('tool_choice', choice, ['none', 'auto', 'required']);
  if (!isObject(choice)) return badType('tool_choice', 'one of a string or object', choice);
  if (choice.type !== 'function') return lastIsToolOutput ? undefined : fns[0]; // hosted-tool choice
  if (typeof choice.name !== 'string') return missing('tool_choice.name');
  const named = fns.find((t) => t.name === choice.name);
  if (!named) return fail(`Tool choice '${choice.name}' not found in 'tools' parameter.`, 'tool_choice', null);
  return lastIsToolOutput ? undefined : named;
}

function parseFormat(text: unknown): TextFormat | Fail {
  if (absent(text)) return { type: 'text' };
  if (!isObject(text)) return badType('text', 'an object', text);
  const f = text.format;
  if (absent(f)) return { type: 'text' };
  if (!isObject(f)) return badType('text.format', 'an object', f);
  if (absent(f.type)) return missing('text.format.type');
  if (!FORMATS.includes(f.type as (typeof FORMATS)[number])) return badValue('text.format.type', f.type, FORMATS);
  if (f.type !== 'json_schema') return { type: f.type as 'text' | 'json_object' };
  if (absent(f.name)) return missing('text.format.name');
  if (typeof f.name !== 'string') return badType('text.format.name', 'a string', f.name);
  if (absent(f.schema)) return missing('text.format.schema');
  if (!isObject(f.schema)) return badType('text.format.schema', 'an object', f.schema);
  const out: TextFormat = { type: 'json_schema', name: f.name, schema: f.schema, strict: typeof f.strict === 'boolean' ? f.strict : null };
  if (typeof f.description === 'string') out.description = f.description;
  return out;
}

export function parseResponsesRequest(raw: string): ParsedResponses {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail('We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.', null, null);
  }
  if (!isObject(body)) return fail(`Invalid body: expected a JSON object, but got ${jsonTypeName(body)} instead.`, null, 'invalid_type');

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
      promptKey: `${chars}:${(typeof instructions === 'string' ? instructions : '').slice(0, 64)}:${JSON.stringify(input).slice(0, 256)}`,
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
