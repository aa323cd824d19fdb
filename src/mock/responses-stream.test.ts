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

describe('responses, multi-byte text on the wire', () => {
  const INSTRUCTIONS = 'Réponds en français, s’il te plaît.';
  const post = (url: string, body: Record<string, unknown>) =>
    request(url + '/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** Events of a streamed body read as UTF-8, by `event:` line; every data line's type matches it. */
  function eventsOf(bytes: Buffer): Array<Record<string, any>> {
    const text = bytes.toString('utf8');
    expect(text.endsWith('\n\n')).toBe(true);
    return text
      .slice(0, -2)
      .split('\n\n')
      .map((block) => {
        const [event, data, ...rest] = block.split('\n');
        expect(rest).toHaveLength(0);
        const json = JSON.parse(data!.slice('data: '.length)) as Record<string, any>;
        expect(event).toBe(`event: ${json.type}`);
        return json;
      });
  }

  /** The streamed body, checking its framing: one Content-Length equal to the bytes when sent whole, else chunked. */
  async function streamed(url: string, body: Record<string, unknown>, whole: boolean) {
    const res = await post(url, { ...body, stream: true });
    expect(res.statusCode).toBe(200);
    const bytes = Buffer.from(await res.body.arrayBuffer());
    if (whole) expect(Number(res.headers['content-length'])).toBe(bytes.length);
    else {
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers['transfer-encoding']).toBe('chunked');
    }
    return eventsOf(bytes);
  }

  const cases: Array<[name: string, opts: MockServerOptions, whole: boolean]> = [
    ['all at once (zero latency)', { ...FAST, seed: 5 }, true],
    ['on a schedule', { ttft: { median: 5, p99: 5 }, tokensPerSecond: 4000, seed: 5 }, false],
    ['on a schedule, three tokens per delta', { ttft: { median: 5, p99: 5 }, tokensPerSecond: 4000, seed: 5, tokensPerChunk: 3 }, false],
  ];
  for (const [name, opts, whole] of cases) {
    it(`streamed ${name}: the deltas, every .done text and the non-streamed answer are the same UTF-8 text`, async () => {
      // one request per server, so both answers are request 0 of the same seed
      const [a, b] = await Promise.all([start(opts), start(opts)]);
      const body = { model: 'gpt-4.1-mini', input: 'Tell a long story', instructions: INSTRUCTIONS, max_output_tokens: 400 };
      const [events, plain] = await Promise.all([streamed(a.url, body, whole), post(b.url, body).then((r) => r.body.json() as Promise<Record<string, any>>)]);

      const wholeText = plain.output[0].content[0].text as string;
      expect(wholeText).toMatch(/café|naïve/);
      expect(wholeText).not.toMatch(/Ã/);
      const deltas = events.filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.length).toBe(Math.ceil(400 / (opts.tokensPerChunk ?? 1)));
      const text = deltas.map((e) => e.delta as string).join('');
      expect(text).toBe(wholeText);

      const one = (type: string) => {
        const found = events.filter((e) => e.type === type);
        expect(found, type).toHaveLength(1);
        return found[0]!;
      };
      expect(one('response.output_text.done').text).toBe(text);
      expect(one('response.content_part.done').part.text).toBe(text);
      expect(one('response.output_item.done').item.content[0].text).toBe(text);
      const final = one('response.incomplete').response;
      expect(final.output[0].content[0].text).toBe(text);
      expect(final.instructions).toBe(INSTRUCTIONS);
      expect(one('response.created').response.instructions).toBe(INSTRUCTIONS);
      expect(final.usage).toEqual(plain.usage);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    });
  }

  it('streams function-call arguments with accented values intact, in a body of the length it declares', async () => {
    const tool = { ...WEATHER, parameters: { ...WEATHER.parameters, properties: { ...WEATHER.parameters.properties, city: { type: 'string', enum: ['Zürich', 'Köln', 'São Paulo'] } } } };
    const [a, b] = await Promise.all([start({ ...FAST, seed: 3 }), start({ ...FAST, seed: 3 })]);
    const body = { model: 'gpt-4.1', input: 'Weather?', tools: [tool], tool_choice: { type: 'function', name: 'get_weather' } };
    const [events, plain] = await Promise.all([streamed(a.url, body, true), post(b.url, body).then((r) => r.body.json() as Promise<Record<string, any>>)]);
    const args = events
      .filter((e) => e.type === 'response.function_call_arguments.delta')
      .map((e) => e.delta as string)
      .join('');
    expect(['Zürich', 'Köln', 'São Paulo']).toContain(JSON.parse(args).city);
    expect(args).toBe(plain.output[0].arguments);
    expect(events.find((e) => e.type === 'response.function_call_arguments.done')!.arguments).toBe(args);
    expect(events.at(-1)!.response.output[0].arguments).toBe(args);
  });
});
