/**
 * The tools, tool_choice and text.format of a Responses request: Responses function tools are
 * flat ({type, name, parameters}), unlike Chat's nested {type, function: {...}}.
 */
import { absent, badType, badValue, fail, isObject, missing, type Fail } from './request-errors.js';

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

const FORMATS = ['text', 'json_object', 'json_schema'] as const;

/** Function tools checked and normalised for the echo; hosted tools pass through untouched. */
export function parseTools(v: unknown): Array<Record<string, unknown>> | Fail {
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
export function chooseCall(choice: unknown, tools: Array<Record<string, unknown>>, lastIsToolOutput: boolean): FunctionTool | undefined | Fail {
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

export function parseFormat(text: unknown): TextFormat | Fail {
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
