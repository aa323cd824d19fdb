/**
 * POST /v1/embeddings: deterministic unit vectors seeded by each input's text (the same text
 * always gets the same vector), as float arrays or as base64 of little-endian float32 bytes
 * (what the SDKs ask for by default). Answered at once, through the same admission, faults
 * and truth log as the generating endpoints.
 */
import type { ServerResponse } from 'node:http';
import { admit } from './admission.js';
import type { MockContext } from './context.js';
import { answerWhole } from './generation.js';
import { sendError } from './http.js';
import { absent, badType, badValue, fail, invalidJson, isObject, missing, notAnObject, type Fail } from './request-errors.js';
import { mixSeed, mulberry32 } from '../random.js';

interface EmbeddingModel {
  dims: number;
  /** name the response reports */
  reported: string;
  /** accepts `dimensions` (text-embedding-3 models are trained to be shortened) */
  shortens: boolean;
}

const MODELS = new Map<string, EmbeddingModel>([
  ['text-embedding-3-small', { dims: 1536, reported: 'text-embedding-3-small', shortens: true }],
  ['text-embedding-3-large', { dims: 3072, reported: 'text-embedding-3-large', shortens: true }],
  ['text-embedding-ada-002', { dims: 1536, reported: 'text-embedding-ada-002-v2', shortens: false }],
]);

/** The API's own limits. */
export const MAX_INPUTS = 2048;
export const MAX_INPUT_TOKENS = 8192;
export const MAX_REQUEST_TOKENS = 300_000;

/** One input: its text (or token ids) and its token count. */
interface EmbeddingInput {
  key: string;
  tokens: number;
}

export interface EmbeddingsRequest {
  /** the model name as requested */
  name: string;
  model: EmbeddingModel;
  inputs: EmbeddingInput[];
  dims: number;
  base64: boolean;
  promptTokens: number;
}

type Parsed = { ok: true; req: EmbeddingsRequest } | Fail;

// The API answers any malformed `input` (empty, too many items, mixed types) with this one message.
const badInput = () => fail("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", null, null);
const isTokenId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Cheap token estimate of a text: chars / 4, at least one. */
const textTokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

function parseInputs(input: unknown): EmbeddingInput[] | null {
  if (typeof input === 'string') return input.length > 0 ? [{ key: 's' + input, tokens: textTokens(input) }] : null;
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return null;
  if (input.every(isTokenId)) return [{ key: 't' + input.join(','), tokens: input.length }];
  const out: EmbeddingInput[] = [];
  for (const item of input) {
    if (typeof item === 'string' && item.length > 0) out.push({ key: 's' + item, tokens: textTokens(item) });
    else if (Array.isArray(item) && item.length > 0 && item.every(isTokenId)) out.push({ key: 't' + item.join(','), tokens: item.length });
    else return null;
  }
  return out;
}

export function parseEmbeddingsRequest(raw: string): Parsed {
  let b: unknown;
  try {
    b = JSON.parse(raw);
  } catch {
    return invalidJson();
  }
  if (!isObject(b)) return notAnObject(b);
  if (absent(b.model)) return missing('model');
  if (typeof b.model !== 'string') return badType('model', 'a string', b.model);
  if (b.model.length === 0) return fail("Invalid 'model': empty string.", 'model', 'invalid_value');
  const model = MODELS.get(b.model) ?? { dims: 1536, reported: b.model, shortens: true };
  if (absent(b.input)) return missing('input');
  const inputs = parseInputs(b.input);
  if (!inputs) return badInput();

  const format = b.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') return badValue('encoding_format', format, ['float', 'base64']);
  let dims = model.dims;
  const d = b.dimensions;
  if (!absent(d)) {
    if (typeof d !== 'number' || !Number.isInteger(d)) return badType('dimensions', 'an integer', d);
    if (!model.shortens) return fail('This model does not support specifying dimensions.', 'dimensions', null);
    if (d < 1) return fail(`Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${d} instead.`, 'dimensions', 'integer_below_min_value');
    if (d > model.dims) {
      return fail(`Invalid 'dimensions': integer above maximum value. Expected a value <= ${model.dims}, but got ${d} instead.`, 'dimensions', 'integer_above_max_value');
    }
    dims = d;
  }
  let promptTokens = 0;
  for (const input of inputs) {
    if (input.tokens > MAX_INPUT_TOKENS) {
      return fail(
        `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${input.tokens} tokens ` +
          `(${input.tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        null,
        null,
      );
    }
    promptTokens += input.tokens;
  }
  if (promptTokens > MAX_REQUEST_TOKENS) {
    return fail(`Requested ${promptTokens} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`, null, 'max_tokens_per_request');
  }
  return { ok: true, req: { name: b.model, model, inputs, dims, base64: format === 'base64', promptTokens } };
}

/** 32-bit FNV-1a of a string's UTF-16 code units, from a given basis. */
function fnv1a(s: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The unit vector of `key` under a model of `fullDims` dimensions, cut to its first `dims`
 * components and renormalised (how text-embedding-3 `dimensions` behaves), as float32.
 */
export function embeddingVector(key: string, fullDims: number, dims: number): Float32Array {
  const next = mulberry32(mixSeed(fnv1a(key, 0x811c9dc5), fnv1a(key, 0x01000193 ^ 0x9e3779b9), fullDims));
  const v = new Float64Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const x = next() * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = v[i]! * scale;
  return out;
}

/** Base64 of the vector's little-endian float32 bytes. */
export function float32Base64(v: Float32Array): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i]!, i * 4);
  return buf.toString('base64');
}

export function embeddingsBody(r: EmbeddingsRequest): string {
  const data: string[] = new Array<string>(r.inputs.length);
  for (let i = 0; i < r.inputs.length; i++) {
    const v = embeddingVector(r.inputs[i]!.key, r.model.dims, r.dims);
    const value = r.base64 ? `"${float32Base64(v)}"` : `[${v.join(',')}]`;
    data[i] = `{"object":"embedding","index":${i},"embedding":${value}}`;
  }
  return (
    `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(r.model.reported)},` +
    `"usage":{"prompt_tokens":${r.promptTokens},"total_tokens":${r.promptTokens}}}`
  );
}

/** `raw` is the request body; `t0` (performance.now()) is when it was fully received. */
export function handleEmbeddings(ctx: MockContext, res: ServerResponse, raw: string, t0: number): void {
  const requestId = ctx.ids.requestId();
  const parsed = parseEmbeddingsRequest(raw);
  if (!parsed.ok) return sendError(res, parsed.status, parsed.error, requestId);
  const r = parsed.req;
  const model = r.name;
  const admitted = admit(ctx, res, { requestId, t0, api: 'embeddings', model, tokens: r.promptTokens });
  if (!admitted) return;
  const truth = { requestId, index: admitted.index, api: 'embeddings', model, t0 };
  answerWhole(ctx, res, admitted, truth, embeddingsBody(r), 0);
}
