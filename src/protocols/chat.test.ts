/** The chat protocol's parsers against the built-in mock: usage, including prompt-cache hits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMockServer, type MockServerHandle } from '../mock/server.js';
import { newRecord, nextAttempt, type RequestRecord } from '../record.js';
import type { Prompt, TargetSpec } from '../types.js';
import { chatProtocol } from './chat.js';
import { urlTarget } from '../../test/helpers/target.js';

let mock: MockServerHandle;

beforeAll(async () => {
  mock = await startMockServer({ ttft: { median: 0, p99: 0 }, tokensPerSecond: 0 });
});

afterAll(async () => {
  await mock.close();
});

const target = (stream: boolean): TargetSpec => urlTarget(mock.url, { apiKeyEnv: 'OPENAI_API_KEY', timeout: 10_000, stream });

/** A prompt long enough (1024+ tokens) for the mock's prompt cache. */
const longPrompt = (tag: string): Prompt => ({
  id: tag,
  messages: [{ role: 'user', content: `${tag} ${'lorem ipsum dolor sit amet '.repeat(250)}` }],
  maxOutputTokens: 8,
  inputTokens: 0,
});

async function send(stream: boolean, prompt: Prompt, rec: RequestRecord = newRecord(0, 0, 0, 0)): Promise<RequestRecord> {
  const protocol = chatProtocol(target(stream));
  const prepared = protocol.prepare(prompt);
  const res = await request(new URL(mock.url).origin + prepared.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: prepared.body,
  });
  expect(res.statusCode).toBe(200);
  const parser = protocol.parser(rec);
  for await (const chunk of res.body) parser.onData(chunk as Buffer, performance.now());
  parser.onEnd(performance.now());
  expect(rec.errorClass).toBeNull();
  return rec;
}

describe('chat protocol usage', () => {
  it.each([true, false])('stream %s: reads cached_tokens of a repeated long prompt', async (stream) => {
    const prompt = longPrompt(`cache-${stream}`);
    const first = await send(stream, prompt);
    expect(first.usageInputTokens).toBeGreaterThanOrEqual(1024);
    expect(first.usageOutputTokens).toBe(8);
    expect(first.usageCachedInputTokens).toBe(0);
    const again = await send(stream, prompt);
    expect(again.usageInputTokens).toBe(first.usageInputTokens);
    // whole 128-token blocks of the prompt come from the cache
    expect(again.usageCachedInputTokens).toBe(Math.floor(first.usageInputTokens! / 128) * 128);
  });

  it('a retried attempt starts without the previous attempt\'s usage', async () => {
    const rec = await send(true, longPrompt('retry'));
    rec.usageCachedInputTokens = 5;
    const next = nextAttempt(rec);
    expect([next.usageInputTokens, next.usageOutputTokens, next.usageCachedInputTokens]).toEqual([null, null, null]);
  });
});
