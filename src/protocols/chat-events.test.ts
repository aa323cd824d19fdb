import { describe, expect, it } from 'vitest';
import { chunkFacts, looksSpaced } from './chat-events.js';

const chunk = (delta: object, extra: object = {}) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], usage: null, ...extra });

const both = (data: string) => {
  const fast = chunkFacts(data, false);
  const slow = chunkFacts(data, true);
  expect(fast).toEqual(slow);
  return fast;
};

describe('chat chunk facts', () => {
  it('a role-only opening chunk carries no content', () => {
    expect(both(chunk({ role: 'assistant', content: '', refusal: null })).content).toBe(false);
    expect(both(chunk({ role: 'assistant', content: null })).content).toBe(false);
  });

  it('content, reasoning and tool-call deltas are content', () => {
    expect(both(chunk({ content: 'Hi "there"\\n' }))).toMatchObject({ content: true, piece: 'Hi \\"there\\"\\\\n' });
    expect(both(chunk({ reasoning_content: 'think' }))).toMatchObject({ content: true, piece: 'think' });
    expect(
      both(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
    ).toMatchObject({ content: true, piece: '{\\"city\\":' });
  });

  it('text that looks like JSON keys inside content does not confuse the fast path', () => {
    const data = chunk({ content: '"delta":{"content":"x"} "usage":{ "error":{' });
    expect(both(data)).toMatchObject({ content: true, usage: null, error: null });
  });

  it('reads finish_reason, usage and mid-stream errors', () => {
    const fin = both(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'length' }], usage: null }));
    expect(fin).toMatchObject({ content: false, finishReason: 'length' });
    const usage = both(JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 14, completion_tokens: 3, total_tokens: 17 } }));
    expect(usage.usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 3 });
    const err = both(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
    expect(err.error).toBe('overloaded');
  });

  it('spaced JSON (Python json.dumps style) is detected and parsed fully', () => {
    const spaced = '{"id": "c", "choices": [{"index": 0, "delta": {"content": "yo"}, "finish_reason": null}]}';
    expect(looksSpaced(spaced)).toBe(true);
    expect(chunkFacts(spaced, true)).toMatchObject({ content: true, piece: 'yo' });
    expect(looksSpaced(chunk({ content: 'x' }))).toBe(false);
  });
});

describe('malformed events', () => {
  it('a truncated or garbled chunk is malformed on both paths', () => {
    for (const bad of [
      '{"choices":[{"delta":{"content":"x"}',
      '{"choices":[{"delta":{"content":"x"}}]}}',
      '{"choices":[{"delta":{"content":"x}}]}',
      'not json',
    ]) {
      expect(chunkFacts(bad, false).error, bad).toMatch(/^malformed/);
      expect(chunkFacts(bad, true).error, bad).toMatch(/^malformed/);
    }
  });
});
