/**
 * Model → tiktoken encoding, and a lazily loaded, cached token counter per encoding.
 * tiktoken's WASM module takes ~0.5 s to load, so commands that never count tokens
 * (or hit the token cache) must not pay for it: it is imported on first use only.
 */
import type { Tiktoken } from 'tiktoken';
import { UserError } from '../errors.js';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Encodings the bundled tiktoken ships ranks for (offline). */
const SUPPORTED_ENCODINGS: readonly string[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base', 'gpt2'];

export const DEFAULT_ENCODING: EncodingName = 'o200k_base';

export interface TokenCounter {
  encoding: string;
  /** Tokens of plain text; special-token strings count as ordinary text. */
  count(text: string): number;
  encode(text: string): Uint32Array;
  decode(tokens: Uint32Array): string;
}

export interface ModelEncoding {
  encoding: EncodingName;
  /** True when the model was not recognised and the default encoding was assumed. */
  guessed: boolean;
}

// Order matters: the gpt-4o / gpt-4.1 / gpt-4.5 prefixes must win over plain gpt-4.
const O200K_PREFIXES = ['gpt-4o', 'chatgpt-4o', 'gpt-4.1', 'gpt-4.5', 'gpt-5', 'o1', 'o3', 'o4-mini'];
const CL100K_PATTERNS = [/^gpt-4(-|$)/, /^gpt-3\.5-turbo/, /^text-embedding-3-/, /^text-embedding-ada-002$/];

/**
 * Normalises names as they appear in real deployments: provider prefixes
 * ("openai/gpt-4o") and fine-tune ids ("ft:gpt-4o-mini:acme::abc") still name the base model.
 */
function baseModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0] ?? '';
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  return name;
}

export function encodingForModel(model: string): ModelEncoding {
  const name = baseModelName(model);
  if (O200K_PREFIXES.some((p) => name.startsWith(p))) return { encoding: 'o200k_base', guessed: false };
  if (CL100K_PATTERNS.some((re) => re.test(name))) return { encoding: 'cl100k_base', guessed: false };
  return { encoding: DEFAULT_ENCODING, guessed: true };
}

type TiktokenModule = typeof import('tiktoken');

let tiktokenModule: Promise<TiktokenModule> | undefined;
// Promises (not instances) are cached so concurrent first calls share one load.
const encoders = new Map<string, Promise<TokenCounter>>();

function loadTiktoken(): Promise<TiktokenModule> {
  tiktokenModule ??= import('tiktoken');
  return tiktokenModule;
}

function wrap(encoding: string, tiktoken: Tiktoken): TokenCounter {
  const utf8 = new TextDecoder();
  return {
    encoding,
    count: (text) => tiktoken.encode_ordinary(text).length,
    encode: (text) => tiktoken.encode_ordinary(text),
    decode: (tokens) => utf8.decode(tiktoken.decode(tokens)),
  };
}

/**
 * The Tiktoken instances live for the whole process (they are never freed): there are
 * at most a couple of encodings per run and re-creating them costs far more than the memory.
 */
export function getEncoder(encodingName: string): Promise<TokenCounter> {
  if (!SUPPORTED_ENCODINGS.includes(encodingName)) {
    return Promise.reject(
      new UserError(`unknown tokenizer encoding "${encodingName}"`, {
        hint: `supported encodings: ${SUPPORTED_ENCODINGS.join(', ')}`,
      }),
    );
  }
  let encoder = encoders.get(encodingName);
  if (!encoder) {
    encoder = loadTiktoken().then((mod) =>
      wrap(encodingName, mod.get_encoding(encodingName as Parameters<TiktokenModule['get_encoding']>[0])),
    );
    // A failed load must not poison the cache for later attempts.
    encoder.catch(() => encoders.delete(encodingName));
    encoders.set(encodingName, encoder);
  }
  return encoder;
}
