/** The responses protocol's requests as the built-in mock takes them, and its answers as the parsers read them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMockServer, type MockServerHandle } from '../mock/server.js';
import { newRecord, type RequestRecord } from '../record.js';
import type { Prompt, TargetSpec } from '../types.js';
import { protocolFor } from './index.js';
import { urlTarget } from '../../test/helpers/target.js';

let mock: MockServerHandle;

beforeAll(async () => {
  mock = await startMockServer({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 });
});

afterAll(async () => {
  await mock.close();
});

const target = (stream: boolean, model = 'gpt-4o-mini'): TargetSpec =>
  urlTarget(mock.url, { api: 'responses', model, apiKeyEnv: 'OPENAI_API_KEY', timeout: 10_000, stream });

const prompt: Prompt = {
  id: 'p',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Say "hi"', name: 'ann' },
  ],
  maxOutputTokens: 20,
  inputTokens: 0,
};

async function send(t: TargetSpec): Promise<RequestRecord> {
  const protocol = protocolFor(t);
  const prepared = protocol.prepare(prompt);
  const res = await request(new URL(mock.url).origin + prepared.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: prepared.body,
  });
  const rec = newRecord(0, 0, 0, 0);
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${await res.body.text()}`);
  const parser = protocol.parser(rec);
  for await (const chunk of res.body) parser.onData(chunk as Buffer, performance.now());
  parser.onEnd(performance.now());
  return rec;
}

describe('responses protocol against the mock', () => {
  it('posts to <base>/responses: messages as input items, max_output_tokens, stream, store: false', () => {
    const prepared = protocolFor(target(true)).prepare({ ...prompt, messages: [...prompt.messages, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }] });
    expect(prepared.path).toBe('/v1/responses');
    expect(JSON.parse(prepared.body.toString())).toEqual({
      model: 'gpt-4o-mini',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say "hi"' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      max_output_tokens: 20,
      stream: true,
      store: false,
    });
    expect(protocolFor(target(false)).api).toBe('responses');
  });

  it.each([true, false])('stream %s: the answer fills max_output_tokens, so it is incomplete (length) with usage', async (stream) => {
    const rec = await send(target(stream));
    expect(rec.errorClass).toBeNull();
    expect(rec.finishReason).toBe('length');
    expect(rec.usageOutputTokens).toBe(20);
    expect(rec.usageInputTokens).toBeGreaterThan(0);
    // one content event per token when streamed; the whole text in one piece when not
    expect(rec.tokenTimes).toHaveLength(stream ? 20 : 0);
    expect(rec.contentPieces).toHaveLength(stream ? 20 : 1);
    const text = JSON.parse(`"${rec.contentPieces.join('')}"`) as string;
    expect(text.length).toBeGreaterThan(20);
    expect(rec.firstToken).toBeLessThanOrEqual(rec.lastToken);
    expect(rec.end).toBeGreaterThanOrEqual(rec.lastToken);
  });

  it('counts the reasoning model\'s hidden tokens from usage, not from the stream', async () => {
    const rec = await send(target(true, 'o4-mini'));
    expect(rec.errorClass).toBeNull();
    expect(rec.usageOutputTokens).toBe(20);
    expect(rec.tokenTimes.length).toBeGreaterThan(0);
    expect(rec.tokenTimes.length).toBeLessThan(20);
  });
});
