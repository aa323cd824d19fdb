import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { clientFor, mockServers, WEATHER_TOOL } from '../../test/helpers/mock-server.js';
import type { MockServerOptions } from './options.js';

const FAST: MockServerOptions = { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, defaultOutputTokens: 24 };
const start = mockServers(FAST);
const WEATHER = WEATHER_TOOL;

describe('responses, not streamed', () => {
  it('returns the response object with output_text, resolved model and usage', async () => {
    const s = await start();
    const r = await clientFor(s.url).responses.create({ model: 'gpt-4.1-mini', input: 'Say hi', instructions: 'Be brief.' });
    expect(r.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(r.incomplete_details).toBeNull();
    expect(r.model).toBe('gpt-4.1-mini-2025-04-14');
    expect(r.instructions).toBe('Be brief.');
    expect(r.output).toHaveLength(1);
    const item = r.output[0]!;
    expect(item.type).toBe('message');
    if (item.type !== 'message') throw new Error('not a message');
    expect(item.id).toMatch(/^msg_/);
    expect(item.status).toBe('completed');
    const part = item.content[0]!;
    expect(part.type).toBe('output_text');
    expect(r.output_text.length).toBeGreaterThan(10);
    expect(r.output_text).toBe(part.type === 'output_text' ? part.text : '');
    expect(r.usage).toEqual({
      input_tokens: r.usage!.input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 24,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: r.usage!.input_tokens + 24,
    });
    expect(r.usage!.input_tokens).toBeGreaterThan(3);
  });

  it('is incomplete with max_output_tokens, and the same text for the same seed', async () => {
    const a = await start({ ...FAST, seed: 7 });
    const b = await start({ ...FAST, seed: 7 });
    const body = { model: 'gpt-4o', input: [{ role: 'user' as const, content: 'Tell a story' }], max_output_tokens: 40 };
    const [ra, rb] = await Promise.all([clientFor(a.url).responses.create(body), clientFor(b.url).responses.create(body)]);
    expect(ra.status).toBe('incomplete');
    expect(ra.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(ra.usage!.output_tokens).toBe(40);
    expect(ra.max_output_tokens).toBe(40);
    expect((ra.output[0] as { status: string }).status).toBe('incomplete');
    expect(rb.output_text).toBe(ra.output_text);
  });

  it('answers with a function call built from the tool schema, and in text after the tool result', async () => {
    const s = await start();
    const client = clientFor(s.url);
    const r = await client.responses.create({ model: 'gpt-4.1', input: 'Weather in Paris?', tools: [WEATHER] });
    const call = r.output[0]!;
    if (call.type !== 'function_call') throw new Error(`expected a function call, got ${call.type}`);
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_[0-9a-z]{24}$/);
    expect(call.name).toBe('get_weather');
    const args = JSON.parse(call.arguments) as Record<string, unknown>;
    expect(typeof args.city).toBe('string');
    expect(['c', 'f']).toContain(args.unit);
    expect(Number.isInteger(args.days)).toBe(true);
    expect(r.output_text).toBe('');
    expect(r.tools[0]).toMatchObject({ type: 'function', name: 'get_weather', strict: true });

    const next = await client.responses.create({
      model: 'gpt-4.1',
      tools: [WEATHER],
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"temp":21}' },
      ],
    });
    expect(next.output[0]!.type).toBe('message');
    expect(next.output_text.length).toBeGreaterThan(0);

    const none = await client.responses.create({ model: 'gpt-4.1', input: 'hi', tools: [WEATHER], tool_choice: 'none' });
    expect(none.output[0]!.type).toBe('message');
  });

  it('answers JSON that matches text.format json_schema', async () => {
    const s = await start();
    const r = await clientFor(s.url).responses.create({
      model: 'gpt-4o-mini',
      input: 'Give a city',
      text: { format: { type: 'json_schema', name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, pop: { type: 'number' } }, required: ['name', 'pop'], additionalProperties: false } } },
    });
    const parsed = JSON.parse(r.output_text) as Record<string, unknown>;
    expect(typeof parsed.name).toBe('string');
    expect(typeof parsed.pop).toBe('number');
    expect(r.text?.format).toMatchObject({ type: 'json_schema', name: 'city' });
  });

  it('puts a reasoning item first for reasoning models and counts its tokens', async () => {
    const s = await start();
    const r = await clientFor(s.url).responses.create({ model: 'o4-mini', input: 'Think', reasoning: { effort: 'low' } });
    expect(r.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(r.output[0]!.id).toMatch(/^rs_/);
    const reasoning = r.usage!.output_tokens_details.reasoning_tokens;
    expect(reasoning).toBeGreaterThan(0);
    expect(r.usage!.output_tokens).toBe(24 + reasoning);
    expect(r.reasoning).toEqual({ effort: 'low', summary: null });
  });
});

describe('responses, bad requests', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['missing input', { model: 'gpt-4o' }, 'input', 'missing_required_parameter'],
    ['missing model', { input: 'hi' }, 'model', 'missing_required_parameter'],
    ['input of the wrong type', { model: 'gpt-4o', input: 42 }, 'input', 'invalid_type'],
    ['an unknown role', { model: 'gpt-4o', input: [{ role: 'robot', content: 'hi' }] }, 'input[0].role', 'invalid_value'],
    ['a Chat-style nested tool', { model: 'gpt-4o', input: 'hi', tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools[0].name', 'missing_required_parameter'],
    ['max_output_tokens below 16', { model: 'gpt-4o', input: 'hi', max_output_tokens: 8 }, 'max_output_tokens', 'integer_below_min_value'],
    ['temperature above 2', { model: 'gpt-4o', input: 'hi', temperature: 3 }, 'temperature', 'decimal_above_max_value'],
    ['a json_schema format without a schema', { model: 'gpt-4o', input: 'hi', text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', 'missing_required_parameter'],
  ];
  it.each(cases)('%s is a 400 BadRequestError naming the param', async (_name, body, param, code) => {
    const s = await start();
    const err = await clientFor(s.url).responses.create(body as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.param).toBe(param);
    expect(e.code).toBe(code);
    expect(e.type).toBe('invalid_request_error');
    expect(e.requestID).toMatch(/^req_/);
  });

  it('a status fault answers before streaming starts, as JSON', async () => {
    const s = await start({ ...FAST, faults: [{ type: 'status', status: 500 }] });
    const err = await clientFor(s.url).responses.create({ model: 'gpt-4o', input: 'hi', stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('responses, streamed: when the output item opens', () => {
  it('created and in_progress come with the headers; the item opens with the first delta, after the TTFT', async () => {
    const s = await start({ ttft: { median: 300, p99: 300 }, tokensPerSecond: 100, defaultOutputTokens: 5 });
    const t0 = performance.now();
    const stream = await clientFor(s.url).responses.create({ model: 'gpt-4.1-mini', input: 'Say hi', stream: true });
    const seen: Array<{ type: string; at: number; seq: number }> = [];
    for await (const e of stream) seen.push({ type: e.type, at: performance.now() - t0, seq: e.sequence_number });
    const at = (type: string): number => seen.find((e) => e.type === type)!.at;
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i));
    expect(seen.slice(0, 4).map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    // the opening events arrive with the first delta, not with the headers
    expect(at('response.output_item.added') - at('response.created')).toBeGreaterThanOrEqual(200);
    expect(at('response.output_text.delta') - at('response.output_item.added')).toBeLessThan(30);
  });
});
