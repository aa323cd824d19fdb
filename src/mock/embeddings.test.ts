import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { request } from 'undici';
import { clientFor, mockServers } from '../../test/helpers/mock-server.js';
import { embeddingVector, float32Base64 } from './embeddings.js';

const start = mockServers({});

async function client(): Promise<OpenAI> {
  return clientFor((await start()).url);
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));

describe('embeddings', () => {
  it('gives the same vectors as base64 (the SDK default) and as float, with usage', async () => {
    const c = await client();
    const input = ['The quick brown fox', 'jumps over the lazy dog'];
    const b64 = await c.embeddings.create({ model: 'text-embedding-3-small', input });
    const flt = await c.embeddings.create({ model: 'text-embedding-3-small', input, encoding_format: 'float' });
    expect(b64.object).toBe('list');
    expect(b64.model).toBe('text-embedding-3-small');
    expect(b64.data.map((d) => d.index)).toEqual([0, 1]);
    for (let i = 0; i < 2; i++) {
      expect(b64.data[i]!.object).toBe('embedding');
      expect(b64.data[i]!.embedding).toHaveLength(1536);
      expect(Array.from(b64.data[i]!.embedding)).toEqual(flt.data[i]!.embedding);
      expect(norm(flt.data[i]!.embedding)).toBeCloseTo(1, 5);
    }
    expect(flt.data[0]!.embedding).not.toEqual(flt.data[1]!.embedding);
    expect(b64.usage).toEqual({ prompt_tokens: 11, total_tokens: 11 });
    expect(flt.usage).toEqual(b64.usage);
  });

  it('sends base64 of little-endian float32 bytes on the wire', async () => {
    const s = await start();
    const res = await request(s.url + '/embeddings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'base64', dimensions: 4 }),
    });
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    expect(bytes).toHaveLength(16);
    const v = embeddingVector('shello', 1536, 4);
    for (let i = 0; i < 4; i++) expect(bytes.readFloatLE(i * 4)).toBe(v[i]);
    expect(float32Base64(v)).toBe(body.data[0]!.embedding);
  });

  it('has each model’s size, and `dimensions` keeps the renormalised prefix', async () => {
    const c = await client();
    const large = await c.embeddings.create({ model: 'text-embedding-3-large', input: 'x', encoding_format: 'float' });
    expect(large.data[0]!.embedding).toHaveLength(3072);
    const ada = await c.embeddings.create({ model: 'text-embedding-ada-002', input: 'x' });
    expect(ada.data[0]!.embedding).toHaveLength(1536);
    expect(ada.model).toBe('text-embedding-ada-002-v2');

    const full = (await c.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' })).data[0]!.embedding;
    const short = (await c.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 256 })).data[0]!.embedding;
    expect(short).toHaveLength(256);
    expect(norm(short)).toBeCloseTo(1, 5);
    const prefix = full.slice(0, 256);
    const scale = 1 / norm(prefix);
    short.forEach((x, i) => expect(x).toBeCloseTo(prefix[i]! * scale, 6));
  });

  it('keeps the order and index of batched inputs; the same text is the same vector in any request', async () => {
    const c = await client();
    const input = Array.from({ length: 50 }, (_, i) => `text ${i % 10}`);
    const r = await c.embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 64 });
    expect(r.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(r.data[13]!.embedding).toEqual(r.data[3]!.embedding);
    expect(r.data[13]!.embedding).not.toEqual(r.data[4]!.embedding);
    const again = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'text 3', dimensions: 64 });
    expect(again.data[0]!.embedding).toEqual(r.data[3]!.embedding);
  });

  it('accepts token ids, one list or a batch of lists', async () => {
    const c = await client();
    const one = await c.embeddings.create({ model: 'text-embedding-3-small', input: [1, 2, 3] });
    expect(one.data).toHaveLength(1);
    expect(one.usage.prompt_tokens).toBe(3);
    const batch = await c.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]] });
    expect(batch.data).toHaveLength(2);
    expect(batch.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(batch.data[0]!.embedding).toEqual(one.data[0]!.embedding);
  });
});

describe('embeddings, bad requests', () => {
  const INPUT_INVALID = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
  const cases: Array<[string, Record<string, unknown>, string | null, string | null, RegExp | string]> = [
    ['an empty string', { input: '' }, null, null, INPUT_INVALID],
    ['an empty list', { input: [] }, null, null, INPUT_INVALID],
    ['an empty string in a batch', { input: ['a', ''] }, null, null, INPUT_INVALID],
    ['more than 2048 inputs', { input: Array<string>(2049).fill('a') }, null, null, INPUT_INVALID],
    ['mixed input types', { input: ['a', 1] }, null, null, INPUT_INVALID],
    ['missing input', { input: undefined }, 'input', 'missing_required_parameter', /Missing required parameter/],
    ['missing model', { model: undefined }, 'model', 'missing_required_parameter', /Missing required parameter/],
    ['an unknown encoding_format', { encoding_format: 'int8' }, 'encoding_format', 'invalid_value', /Supported values are: 'float' and 'base64'/],
    ['dimensions on ada-002', { model: 'text-embedding-ada-002', dimensions: 256 }, 'dimensions', null, /does not support specifying dimensions/],
    ['dimensions above the model size', { dimensions: 4096 }, 'dimensions', 'integer_above_max_value', /Expected a value <= 1536/],
    ['an input over 8192 tokens', { input: 'x'.repeat(40_000) }, null, null, /maximum context length is 8192 tokens/],
  ];
  it.each(cases)('%s is a 400 BadRequestError', async (_name, extra, param, code, message) => {
    const c = await client();
    const body = { model: 'text-embedding-3-small', input: 'hi', ...extra };
    const err = await c.embeddings.create(body as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.param ?? null).toBe(param);
    expect(e.code ?? null).toBe(code);
    expect((e.error as { message: string }).message).toMatch(message);
  });
});
