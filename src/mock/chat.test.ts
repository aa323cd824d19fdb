import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { AddressInfo } from 'node:net';
import { createMockServer, startMockServer, type MockServerHandle, type MockServerOptions } from './server.js';

const FAST: MockServerOptions = { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 };
const open: MockServerHandle[] = [];

async function start(opts: MockServerOptions = FAST): Promise<MockServerHandle> {
  const s = await startMockServer(opts);
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
  ...extra,
});

async function post(url: string, body: unknown, path = '/chat/completions') {
  const res = await request(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** Splits an SSE body into `data:` payloads, checking the framing exactly. */
function sseData(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((ev) => {
      expect(ev.startsWith('data: ')).toBe(true);
      expect(ev.includes('\n')).toBe(false);
      return ev.slice('data: '.length);
    });
}

type Chunk = Record<string, any>;

function chunksOf(text: string): Chunk[] {
  const data = sseData(text);
  expect(data.at(-1)).toBe('[DONE]');
  expect(data.filter((d) => d === '[DONE]')).toHaveLength(1);
  return data.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
}

function contentOf(chunks: Chunk[]): string {
  return chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
}

describe('chat completions stream', () => {
  it('matches the wire format chunk by chunk, with include_usage', async () => {
    const s = await start();
    const res = await post(s.url, chatBody({ stream: true, stream_options: { include_usage: true }, max_completion_tokens: 12 }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers['openai-version']).toBe('2020-10-01');
    expect(res.headers['openai-processing-ms']).toMatch(/^\d+$/);

    const chunks = chunksOf(res.text);
    // role chunk + 12 content + finish + usage
    expect(chunks).toHaveLength(15);
    const first = chunks[0]!;
    for (const c of chunks) {
      expect(c.id).toBe(first.id);
      expect(c.created).toBe(first.created);
      expect(c.model).toBe('gpt-4o-mini-2024-07-18');
      expect(c.system_fingerprint).toBe(first.system_fingerprint);
      expect(c.object).toBe('chat.completion.chunk');
    }
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    expect(first.choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
    ]);
    expect(first.usage).toBeNull();
    const content = chunks.slice(1, 13);
    for (const c of content) {
      expect(Object.keys(c.choices[0].delta)).toEqual(['content']);
      expect(typeof c.choices[0].delta.content).toBe('string');
      expect(c.choices[0].delta.content.length).toBeGreaterThan(0);
      expect(c.choices[0].finish_reason).toBeNull();
      expect(c.choices[0].logprobs).toBeNull();
      expect(c.usage).toBeNull();
    }
    expect(chunks[13]!.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]);
    expect(chunks[13]!.usage).toBeNull();
    const last = chunks[14]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: last.usage.prompt_tokens,
      completion_tokens: 12,
      total_tokens: last.usage.prompt_tokens + 12,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    // chars/4 + 3 per message + 3: 27 chars -> 7 + 3 + 3
    expect(last.usage.prompt_tokens).toBe(13);
  });

  it('omits usage entirely without include_usage; max_tokens works too', async () => {
    const s = await start();
    const chunks = chunksOf((await post(s.url, chatBody({ stream: true, max_tokens: 7 }))).text);
    expect(chunks).toHaveLength(1 + 7 + 1);
    for (const c of chunks) expect('usage' in c).toBe(false);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('length');
  });

  it('uses defaultOutputTokens and finish_reason stop when no max is given', async () => {
    const s = await start({ ...FAST, defaultOutputTokens: 20 });
    const chunks = chunksOf((await post(s.url, chatBody({ stream: true, stream_options: { include_usage: true } }))).text);
    expect(chunks.filter((c) => c.choices[0]?.delta?.content !== undefined && !('role' in c.choices[0].delta))).toHaveLength(20);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)!.usage.completion_tokens).toBe(20);
  });

  it('groups tokensPerChunk tokens per chunk with the same text', async () => {
    const a = await start({ ...FAST, seed: 5 });
    const b = await start({ ...FAST, seed: 5, tokensPerChunk: 3 });
    const body = chatBody({ stream: true, max_completion_tokens: 10 });
    const ca = chunksOf((await post(a.url, body)).text);
    const cb = chunksOf((await post(b.url, body)).text);
    expect(cb).toHaveLength(1 + 4 + 1);
    expect(contentOf(cb)).toBe(contentOf(ca));
  });

  it('writes a zero-latency 64-token stream in at most two writes', async () => {
    const server = createMockServer(FAST);
    let writes = 0;
    server.prependListener('request', (_req, res) => {
      const w = res.write.bind(res);
      const e = res.end.bind(res);
      res.write = ((...args: Parameters<typeof w>) => (writes++, w(...args))) as typeof res.write;
      res.end = ((...args: Parameters<typeof e>) => (writes++, e(...args))) as typeof res.end;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const chunks = chunksOf((await post(url, chatBody({ stream: true, max_completion_tokens: 64 }))).text);
      expect(chunks).toHaveLength(66);
      expect(writes).toBeLessThanOrEqual(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('chat completions non-stream', () => {
  it('returns a chat.completion object', async () => {
    const s = await start();
    const res = await post(s.url, chatBody({ model: 'some-unknown-model', max_completion_tokens: 9 }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    const body = JSON.parse(res.text);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('some-unknown-model');
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: expect.any(String), refusal: null, annotations: [] });
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(9);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 9);
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(0);
  });
});

describe('determinism', () => {
  it('same seed gives the same text, another seed different text', async () => {
    const a = await start({ ...FAST, seed: 42 });
    const b = await start({ ...FAST, seed: 42 });
    const c = await start({ ...FAST, seed: 43 });
    const body = chatBody({ stream: true, max_completion_tokens: 40 });
    for (let i = 0; i < 3; i++) {
      const [ta, tb, tc] = await Promise.all([a, b, c].map(async (s) => contentOf(chunksOf((await post(s.url, body)).text))));
      expect(ta).toBe(tb);
      expect(ta).not.toBe(tc);
      expect(ta!.length).toBeGreaterThan(40);
    }
    const ns = JSON.parse((await post(a.url, chatBody({ max_completion_tokens: 40 }))).text);
    const ns2 = JSON.parse((await post(b.url, chatBody({ max_completion_tokens: 40 }))).text);
    expect(ns.choices[0].message.content).toBe(ns2.choices[0].message.content);
  });
});

describe('errors and routes', () => {
  const envelope = (text: string) => {
    const body = JSON.parse(text);
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
    expect(typeof body.error.message).toBe('string');
    return body.error;
  };

  it('answers bad bodies with 400 and the real envelope', async () => {
    const s = await start();
    const cases: [unknown, string | null, string | null][] = [
      ['{not json', null, null],
      [[1, 2], null, 'invalid_type'],
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model', 'missing_required_parameter'],
      [{ model: 'gpt-4o' }, 'messages', 'missing_required_parameter'],
      [{ model: 'gpt-4o', messages: [] }, 'messages', 'empty_array'],
      [{ model: 'gpt-4o', messages: 'hi' }, 'messages', 'invalid_type'],
      [{ model: 'gpt-4o', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
      [chatBody({ max_completion_tokens: 0 }), 'max_completion_tokens', 'integer_below_min_value'],
      [chatBody({ max_tokens: 'many' }), 'max_tokens', 'invalid_type'],
      [chatBody({ stream_options: { include_usage: true } }), 'stream_options', null],
    ];
    for (const [body, param, code] of cases) {
      const res = await post(s.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      const err = envelope(res.text);
      expect(err.type).toBe('invalid_request_error');
      expect(err.param).toBe(param);
      expect(err.code).toBe(code);
    }
  });

  it('404 for unknown paths, 405 for wrong methods, GET /v1/models lists models', async () => {
    const s = await start();
    const nf = await post(s.url, {}, '/nope');
    expect(nf.status).toBe(404);
    expect(envelope(nf.text).message).toBe('Invalid URL (POST /v1/nope)');

    const wrong = await request(s.url + '/chat/completions');
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(envelope(await wrong.body.text()).type).toBe('invalid_request_error');

    const models = await request(s.url + '/models');
    expect(models.statusCode).toBe(200);
    const list = (await models.body.json()) as { object: string; data: { id: string; object: string }[] };
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect(list.data.every((m) => m.object === 'model')).toBe(true);
  });
});

describe('multi-byte text on the wire', () => {
  const body = (stream: boolean, model = 'gpt-4o-mini') =>
    JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell a long story' }], max_tokens: 400, stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
  const streamedText = (raw: string): string =>
    raw
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => (JSON.parse(e.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
      .join('');

  for (const [name, opts] of [
    ['all at once (zero latency)', { ...FAST, seed: 5 }],
    ['on a schedule', { ttft: { median: 5, p99: 5 }, tokensPerSecond: 4000, seed: 5 }],
  ] as const) {
    it(`streamed ${name}: the same UTF-8 text as the non-streamed answer, with a correct Content-Length`, async () => {
      const a = await start(opts);
      const b = await start(opts);
      const [s, w] = await Promise.all([
        request(`${a.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(true) }),
        request(`${b.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(false) }),
      ]);
      const bytes = Buffer.from(await s.body.arrayBuffer());
      // sent whole at zero latency (Content-Length), chunked on a schedule
      if (name.startsWith('all at once')) expect(Number(s.headers['content-length'])).toBe(bytes.length);
      else expect(s.headers['content-length']).toBeUndefined();
      const text = streamedText(bytes.toString('utf8'));
      const whole = ((await w.body.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
      expect(text).toBe(whole);
      expect(text).toMatch(/café|naïve/);
      expect(text).not.toMatch(/Ã/);
    });
  }

  it('a model name with non-ASCII characters comes back intact', async () => {
    const a = await start({ ...FAST, seed: 1 });
    const r = await request(`${a.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(true, 'modèle-local') });
    const first = (await r.body.text()).split('\n\n')[0]!;
    expect((JSON.parse(first.slice(6)) as { model: string }).model).toBe('modèle-local');
  });
});
