/**
 * The official SDK against the mock: it must not be able to tell the difference.
 */
import OpenAI, { InternalServerError, RateLimitError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle, type MockServerOptions } from './server.js';

const FAST: MockServerOptions = { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 };
let mock: MockServerHandle | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function client(opts: MockServerOptions = FAST, maxRetries = 0): Promise<OpenAI> {
  mock = await startMockServer(opts);
  return new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries });
}

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
};

describe('chat completions through the SDK', () => {
  it('non-streamed: content, finish reason and usage', async () => {
    const c = await client();
    const r = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 7 });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBe(7);
    expect(r.model).toBe('gpt-4o-mini-2024-07-18');
  });

  it('streamed: the SDK assembles the text and reads the usage chunk', async () => {
    const c = await client();
    const stream = await c.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('length');
    expect(usage!.completion_tokens).toBe(12);
  });

  it('tool calls stream as fragments the SDK helper reassembles, then a tool result gets text', async () => {
    const c = await client();
    const runner = c.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather] });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);

    const after = await c.chat.completions.create({
      model: 'gpt-4o-mini',
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 18}' },
      ],
    });
    expect(after.choices[0]!.finish_reason).toBe('stop');
    expect(after.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('reasoning models report reasoning tokens and refuse max_tokens; o1-pro refuses to stream', async () => {
    const c = await client({ defaultOutputTokens: 10, models: { o3: { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 } } });
    const r = await c.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'think' }], max_completion_tokens: 30 });
    expect(r.usage!.completion_tokens).toBe(30);
    expect(r.usage!.completion_tokens_details!.reasoning_tokens).toBe(20); // ratio 2: 20 thinking + 10 visible
    const refused = await c.chat.completions.create({ model: 'o3', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 }).catch((e) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused.param).toBe('max_tokens');
    const noStream = await c.chat.completions.create({ model: 'o1-pro', messages: [{ role: 'user', content: 'x' }], stream: true }).catch((e) => e);
    expect(noStream).toBeInstanceOf(OpenAI.BadRequestError);
    expect(noStream.param).toBe('stream');
  });
});

describe('errors and retries through the SDK', () => {
  it('a forced 429 is a RateLimitError with its headers readable; a 5xx is an InternalServerError', async () => {
    const c = await client({ ...FAST, faults: [{ type: 'status', status: 429, to: 60_000 }] });
    const e = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((err) => err);
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.headers.get('retry-after-ms')).toBe('1000');
    expect(e.headers.get('x-request-id')).toMatch(/^req_/);
    expect(e.code).toBe('rate_limit_exceeded');
    await mock!.close();

    const c5 = await client({ ...FAST, faults: [{ type: 'status', status: 503, rate: 1 }] });
    const e5 = await c5.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((err) => err);
    expect(e5).toBeInstanceOf(InternalServerError);
    expect(e5.status).toBe(503);
  });

  it('the SDK\'s own retry waits retry-after-ms and then succeeds', async () => {
    // 429s during the mock's first 300 ms, each saying retry-after-ms: 1000. The SDK's own
    // backoff for a first retry is under 0.5 s, so a wait of about 1 s shows it obeyed the header.
    const c = await client({ ...FAST, faults: [{ type: 'status', status: 429, to: 300 }] }, 2);
    const t0 = performance.now();
    const { data, response } = await c.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 3 })
      .withResponse();
    const waited = performance.now() - t0;
    expect(response.status).toBe(200);
    expect(data.usage!.completion_tokens).toBe(3);
    expect(waited).toBeGreaterThan(950);
    expect(waited).toBeLessThan(3000);
  });
});
