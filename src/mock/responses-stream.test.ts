import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { request } from 'undici';
import { clientFor, mockServers, WEATHER_TOOL } from '../../test/helpers/mock-server.js';
import type { MockServerOptions } from './options.js';

const FAST: MockServerOptions = { ttft: { median: 0, p99: 0 }, tokensPerSecond: 0, defaultOutputTokens: 24 };
const start = mockServers(FAST);
const WEATHER = WEATHER_TOOL;

/** Raw SSE events, checking the framing: `event: T` then `data: {...}` with type T, nothing else. */
async function rawEvents(url: string, body: Record<string, unknown>): Promise<Array<Record<string, any>>> {
  const res = await request(url + '/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    body: JSON.stringify({ stream: true, ...body }),
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  const text = await res.body.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^event: response\.[a-z_.]+$/);
      expect(lines[1]!.startsWith('data: ')).toBe(true);
      const data = JSON.parse(lines[1]!.slice(6)) as Record<string, any>;
      expect(data.type).toBe(lines[0]!.slice(7));
      return data;
    });
}

describe('responses, streamed', () => {
  it('sends the real event sequence with sequence_number 0..n and no [DONE]', async () => {
    const s = await start({ ...FAST, defaultOutputTokens: 10 });
    const events = await rawEvents(s.url, { model: 'gpt-4.1-mini', input: 'Say hi' });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(10).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const created = events[0]!.response;
    expect(created).toMatchObject({ object: 'response', status: 'in_progress', output: [], usage: null, model: 'gpt-4.1-mini-2025-04-14' });
    const itemId = events[2]!.item.id as string;
    expect(events[2]!.item).toEqual({ id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' });
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    for (const d of deltas) {
      expect(d).toEqual({ type: d.type, sequence_number: d.sequence_number, item_id: itemId, output_index: 0, content_index: 0, delta: d.delta, logprobs: [] });
    }
    const text = deltas.map((d) => d.delta as string).join('');
    expect(events.at(-4)!.text).toBe(text);
    const done = events.at(-1)!.response;
    expect(done.id).toBe(created.id);
    expect(done.status).toBe('completed');
    expect(done.output[0].content[0].text).toBe(text);
    expect(done.usage.output_tokens).toBe(10);
    expect(done.usage.total_tokens).toBe(done.usage.input_tokens + 10);
  });

  it('groups tokensPerChunk tokens per delta', async () => {
    const s = await start({ ...FAST, defaultOutputTokens: 10, tokensPerChunk: 3 });
    const events = await rawEvents(s.url, { model: 'gpt-4.1-mini', input: 'x' });
    expect(events.filter((e) => e.type === 'response.output_text.delta')).toHaveLength(4);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.at(-1)!.response.usage.output_tokens).toBe(10);
  });

  it('works with the SDK stream helper, and ends with response.incomplete when max_output_tokens cuts it', async () => {
    const s = await start({ ...FAST, ttft: { median: 20, p99: 20 }, tokensPerSecond: 2000 });
    const client = clientFor(s.url);

    const full = client.responses.stream({ model: 'gpt-4.1-mini', input: 'Say hi' });
    let text = '';
    full.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await full.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.usage!.output_tokens).toBe(24);
    const msg = final.output[0]!;
    expect(msg.type === 'message' && msg.content[0]!.type === 'output_text' ? msg.content[0]!.text : null).toBe(text);

    const cut = client.responses.stream({ model: 'gpt-4.1-mini', input: 'Say hi', max_output_tokens: 32 });
    const seqs: number[] = [];
    let incomplete: OpenAI.Responses.Response | undefined;
    let deltas = '';
    for await (const e of cut) {
      seqs.push(e.sequence_number);
      if (e.type === 'response.output_text.delta') deltas += e.delta;
      if (e.type === 'response.incomplete') incomplete = e.response;
    }
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(incomplete?.status).toBe('incomplete');
    expect(incomplete?.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(incomplete?.usage?.output_tokens).toBe(32);
    // SDK 6.30.1 only takes the terminal snapshot from response.completed; after
    // response.incomplete finalResponse() is the accumulated snapshot (text, but no usage).
    const snapshot = await cut.finalResponse();
    const item = snapshot.output[0]!;
    expect(item.type === 'message' && item.content[0]!.type === 'output_text' ? item.content[0]!.text : null).toBe(deltas);
  });

  it('streams a function call that the SDK accumulates', async () => {
    const s = await start();
    const stream = clientFor(s.url).responses.stream({ model: 'gpt-4.1', input: 'Weather?', tools: [WEATHER], tool_choice: { type: 'function', name: 'get_weather' } });
    const pieces: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => pieces.push(e.delta));
    const final = await stream.finalResponse();
    const call = final.output[0]!;
    if (call.type !== 'function_call') throw new Error('expected a function call');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(call.arguments);
    expect(JSON.parse(call.arguments)).toHaveProperty('city');
    expect(final.usage!.output_tokens).toBe(pieces.length);

    const events = await rawEvents(s.url, { model: 'gpt-4.1', input: 'Weather?', tools: [WEATHER] });
    expect(events.map((e) => e.type).filter((t) => !t.endsWith('.delta'))).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]!.item).toMatchObject({ type: 'function_call', arguments: '', status: 'in_progress', name: 'get_weather' });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });
});

describe('responses stream timing', () => {
  it('keeps the TTFT and token pacing of the latency profile, measured from the body', async () => {
    const s = await start({ ttft: { median: 150, p99: 150 }, tokensPerSecond: 100, defaultOutputTokens: 10 });
    const client = clientFor(s.url);
    const t0 = performance.now();
    const stream = client.responses.stream({ model: 'gpt-4.1-mini', input: 'Count' });
    let first = 0;
    let created = 0;
    stream.on('response.created', () => (created ||= performance.now() - t0));
    stream.on('response.output_text.delta', () => (first ||= performance.now() - t0));
    await stream.finalResponse();
    const end = performance.now() - t0;
    expect(created).toBeLessThan(100);
    expect(first).toBeGreaterThanOrEqual(145);
    expect(first).toBeLessThan(250);
    expect(end).toBeGreaterThanOrEqual(150 + 9 * 10 - 5);

    const t1 = performance.now();
    await client.responses.create({ model: 'gpt-4.1-mini', input: 'Count' });
    expect(performance.now() - t1).toBeGreaterThanOrEqual(150 + 9 * 10 - 5);
  });
});
