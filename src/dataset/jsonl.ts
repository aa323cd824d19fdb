/**
 * JSONL dataset parsing. Every problem is reported as a UserError pointing at
 * `file:line:col`, because a dataset is usually hand-edited and a bare "invalid JSON"
 * in a 500-line file is useless.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { ChatMessage, Prompt } from '../types.js';

/** A prompt as written in the file, before its input tokens are counted. */
export type ParsedPrompt = Omit<Prompt, 'inputTokens'>;

const ROLES: readonly ChatMessage['role'][] = ['system', 'developer', 'user', 'assistant', 'tool'];
const LINE_KEYS = ['id', 'messages', 'prompt', 'maxOutputTokens'];
const MESSAGE_KEYS = ['role', 'content', 'name', 'tool_call_id'];

const LINE_HINT =
  'each line is one JSON object, e.g. {"id":"q1","messages":[{"role":"user","content":"Hi"}],"maxOutputTokens":64} ' +
  'or the shorthand {"prompt":"Hi"}';

/** Reads the dataset file as raw bytes (the token cache hashes the exact bytes). */
export async function readDatasetFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'dataset file not found'
      : code === 'EISDIR' ? 'dataset path is a directory, not a file'
      : code === 'EACCES' ? 'dataset file is not readable (permission denied)'
      : `cannot read dataset file (${code ?? String(err)})`;
    throw new UserError(reason, {
      where: file,
      hint: 'check dataset.file in the scenario; a relative path is resolved against the scenario file, not the working directory',
    });
  }
}

/** Best column for a JSON.parse failure: V8 reports "position N" for most errors (0-based). */
function syntaxErrorColumn(err: unknown): number {
  const message = err instanceof Error ? err.message : '';
  const lineCol = /line \d+ column (\d+)/.exec(message);
  if (lineCol) return Number(lineCol[1]);
  const position = /at position (\d+)/.exec(message);
  return position ? Number(position[1]) + 1 : 1;
}

/** V8 quotes the whole offending source in some messages; the line can be paragraphs long. */
function shortSyntaxMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, ".*" is not valid JSON$/s, '').replace(/ at position \d+.*$/s, '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseMessage(value: unknown, index: number, fail: (msg: string) => never): ChatMessage {
  const at = `messages[${index}]`;
  if (!isPlainObject(value)) fail(`${at} must be an object like {"role":"user","content":"..."}`);
  const unknownKey = Object.keys(value).find((k) => !MESSAGE_KEYS.includes(k));
  if (unknownKey !== undefined) fail(`${at} has unknown field "${unknownKey}" (allowed: ${MESSAGE_KEYS.join(', ')})`);
  const { role, content, name, tool_call_id: toolCallId } = value;
  if (typeof role !== 'string' || !ROLES.includes(role as ChatMessage['role'])) {
    fail(`${at}.role must be one of ${ROLES.join(', ')}; got ${JSON.stringify(role)}`);
  }
  if (typeof content !== 'string') fail(`${at}.content must be a string; got ${JSON.stringify(content) ?? 'nothing'}`);
  const message: ChatMessage = { role: role as ChatMessage['role'], content };
  if (name !== undefined) {
    if (typeof name !== 'string' || name === '') fail(`${at}.name must be a non-empty string`);
    message.name = name;
  }
  if (toolCallId !== undefined) {
    if (typeof toolCallId !== 'string') fail(`${at}.tool_call_id must be a string`);
    message.tool_call_id = toolCallId;
  }
  return message;
}

function parseLine(value: unknown, lineNo: number, defaultMaxOutputTokens: number, fail: (msg: string) => never): ParsedPrompt {
  if (!isPlainObject(value)) fail('a line must be a JSON object');
  const unknownKey = Object.keys(value).find((k) => !LINE_KEYS.includes(k));
  if (unknownKey !== undefined) fail(`unknown field "${unknownKey}" (allowed: ${LINE_KEYS.join(', ')})`);

  let id = `line-${lineNo}`;
  if (value.id !== undefined) {
    if (typeof value.id === 'number' && Number.isFinite(value.id)) id = String(value.id);
    else if (typeof value.id === 'string' && value.id.trim() !== '') id = value.id;
    else fail('"id" must be a non-empty string');
  }

  let messages: ChatMessage[];
  if (value.prompt !== undefined && value.messages !== undefined) fail('use either "prompt" or "messages", not both');
  if (value.prompt !== undefined) {
    if (typeof value.prompt !== 'string') fail('"prompt" must be a string');
    messages = [{ role: 'user', content: value.prompt }];
  } else if (value.messages !== undefined) {
    if (!Array.isArray(value.messages)) fail('"messages" must be an array of {"role","content"} objects');
    if (value.messages.length === 0) fail('"messages" must not be empty');
    messages = value.messages.map((m, i) => parseMessage(m, i, fail));
  } else {
    fail('missing "messages" (or the shorthand "prompt")');
  }

  let maxOutputTokens = defaultMaxOutputTokens;
  if (value.maxOutputTokens !== undefined) {
    const n = value.maxOutputTokens;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
      fail(`"maxOutputTokens" must be a positive integer; got ${JSON.stringify(n)}`);
    }
    maxOutputTokens = n;
  }
  return { id, messages, maxOutputTokens };
}

/**
 * Parses dataset text. `file` is only used in error locations. Blank lines are skipped;
 * line numbers in errors and default ids count every physical line.
 */
export function parseJsonlDataset(text: string, file: string, defaultMaxOutputTokens: number): ParsedPrompt[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const prompts: ParsedPrompt[] = [];
  const seenIds = new Map<string, number>();

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    const fail = (message: string, col = 1): never => {
      throw new UserError(message, { where: `${file}:${lineNo}:${col}`, hint: LINE_HINT });
    };

    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      fail(`invalid JSON: ${shortSyntaxMessage(err)}`, syntaxErrorColumn(err));
    }
    const prompt = parseLine(value, lineNo, defaultMaxOutputTokens, fail);
    const firstLine = seenIds.get(prompt.id);
    if (firstLine !== undefined) fail(`duplicate id "${prompt.id}" (first used on line ${firstLine})`);
    seenIds.set(prompt.id, lineNo);
    prompts.push(prompt);
  });

  if (prompts.length === 0) {
    throw new UserError('dataset file has no prompts', { where: file, hint: LINE_HINT });
  }
  return prompts;
}
