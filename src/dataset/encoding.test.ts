import { describe, it, expect } from 'vitest';
import { get_encoding } from 'tiktoken';
import { UserError } from '../errors.js';
import { encodingForModel, getEncoder } from './encoding.js';

describe('encodingForModel', () => {
  it.each([
    'gpt-4o', 'gpt-4o-mini', 'gpt-4o-2024-08-06', 'chatgpt-4o-latest', 'gpt-4.1', 'gpt-4.1-nano',
    'gpt-4.5-preview', 'gpt-5', 'gpt-5-mini', 'o1', 'o1-pro', 'o3-mini', 'o4-mini', 'o4-mini-2025-04-16',
    'openai/gpt-4o', 'ft:gpt-4o-mini:acme::abc123', 'GPT-4o',
  ])('%s → o200k_base', (model) => {
    expect(encodingForModel(model)).toEqual({ encoding: 'o200k_base', guessed: false });
  });

  it.each([
    'gpt-4', 'gpt-4-turbo', 'gpt-4-0613', 'gpt-3.5-turbo', 'gpt-3.5-turbo-0125',
    'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
  ])('%s → cl100k_base', (model) => {
    expect(encodingForModel(model)).toEqual({ encoding: 'cl100k_base', guessed: false });
  });

  it.each(['llama-3.1-8b-instruct', 'mistral-large', 'my-model', ''])('unknown %j defaults to o200k_base as a guess', (model) => {
    expect(encodingForModel(model)).toEqual({ encoding: 'o200k_base', guessed: true });
  });
});

describe('getEncoder', () => {
  it('counts, encodes and decodes like tiktoken encode_ordinary', async () => {
    const counter = await getEncoder('o200k_base');
    const reference = get_encoding('o200k_base');
    try {
      const text = 'Hello world, naïve café — 東京 🚀';
      expect(Array.from(counter.encode(text))).toEqual(Array.from(reference.encode_ordinary(text)));
      expect(counter.count(text)).toBe(reference.encode_ordinary(text).length);
      expect(counter.decode(counter.encode(text))).toBe(text);
      expect(counter.encoding).toBe('o200k_base');
    } finally {
      reference.free();
    }
  });

  it('treats special-token strings as plain text', async () => {
    const counter = await getEncoder('cl100k_base');
    expect(counter.count('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('returns one cached encoder per encoding', async () => {
    const [a, b] = await Promise.all([getEncoder('cl100k_base'), getEncoder('cl100k_base')]);
    expect(a).toBe(b);
    expect(await getEncoder('o200k_base')).not.toBe(a);
  });

  it('rejects unknown encodings with a UserError', async () => {
    await expect(getEncoder('o300k_base')).rejects.toBeInstanceOf(UserError);
  });
});
