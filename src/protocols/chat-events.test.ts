import { describe, expect, it } from 'vitest';
import { chunkFacts, looksSpaced, newStreamFrame, usageCounts } from './chat-events.js';

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

  it('usage counts: Chat names with cached prompt tokens, or the Responses API names', () => {
    const chat = both(
      JSON.stringify({
        id: 'c',
        choices: [],
        usage: { prompt_tokens: 1400, completion_tokens: 7, total_tokens: 1407, prompt_tokens_details: { cached_tokens: 1280, audio_tokens: 0 } },
      }),
    );
    expect(usageCounts(chat.usage!)).toEqual({ input: 1400, cachedInput: 1280, output: 7 });
    expect(usageCounts({ input_tokens: 1500, output_tokens: 9, input_tokens_details: { cached_tokens: 1408 } })).toEqual({ input: 1500, cachedInput: 1408, output: 9 });
    // servers that say nothing (or null) about the cache: unknown, not 0
    expect(usageCounts({ prompt_tokens: 14, completion_tokens: 3 })).toEqual({ input: 14, cachedInput: null, output: 3 });
    expect(usageCounts({ prompt_tokens: 14, completion_tokens: 3, prompt_tokens_details: null })).toEqual({ input: 14, cachedInput: null, output: 3 });
    expect(usageCounts({ prompt_tokens: '14', completion_tokens: -1, prompt_tokens_details: { cached_tokens: 'x' } })).toEqual({ input: null, cachedInput: null, output: null });
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

describe("a stream's frame (the text its chunks share before the delta, checked once)", () => {
  const stream = [
    chunk({ role: 'assistant', content: '', refusal: null }),
    chunk({ content: 'Hi' }),
    chunk({ content: ' "quoted" {braces} [and] \\ more' }),
    chunk({ content: ' there' }),
    chunk({ content: 'ending' }, { choices: [{ index: 0, delta: { content: 'ending' }, logprobs: null, finish_reason: 'length' }] }),
    chunk({ content: ' after' }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }),
    chunk({}, { choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }),
    JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } }),
  ];

  it('gives every chunk the facts it has without one', () => {
    const frame = newStreamFrame();
    for (const data of stream) expect(chunkFacts(data, false, frame)).toEqual(chunkFacts(data, false));
    expect(frame.prefix).toBe(stream[0]!.slice(0, stream[0]!.indexOf('"delta":{') + 9));
    expect(frame.depth).toBe(4);
    // the text after a content string is remembered too (the plain content chunks' tail)
    expect(frame.suffix).toBe('},"logprobs":null,"finish_reason":null}],"usage":null}');
    expect(frame.suffixFinish).toBeNull();
  });

  it('still finds a chunk broken after the shared text malformed', () => {
    const frame = newStreamFrame();
    chunkFacts(stream[1]!, false, frame);
    const prefix = frame.prefix;
    expect(prefix.length).toBeGreaterThan(0);
    for (const tail of ['"content":"x}}]}', '"content":"x"}}]}}', '"content":"x"}', '"content":"x"}]}']) {
      const bad = prefix + tail;
      expect(chunkFacts(bad, false, frame).error, bad).toMatch(/^malformed/);
    }
    // and a good chunk after them is read as before
    expect(chunkFacts(stream[2]!, false, frame)).toEqual(chunkFacts(stream[2]!, false));
  });

  it('still finds a chunk broken inside its content string malformed, once the tail is remembered', () => {
    const frame = newStreamFrame();
    for (const data of stream.slice(0, 4)) chunkFacts(data, false, frame);
    expect(frame.suffix.length).toBeGreaterThan(0);
    const { prefix, suffix } = frame;
    for (const body of ['"content":"x', '"content":"x"y"', '"content":"x\\"', '"content":"x"}']) {
      const bad = prefix + body + suffix;
      expect(chunkFacts(bad, false, frame).error, bad).toMatch(/^malformed/);
    }
    // a tail that differs (finish_reason set, usage present) is read in full
    const last = prefix + '"content":"z"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":9}}';
    expect(chunkFacts(last, false, frame)).toEqual(chunkFacts(last, false));
    expect(chunkFacts(last, false, frame)).toMatchObject({ content: true, piece: 'z', finishReason: 'stop', usage: { completion_tokens: 9 } });
  });

  it('follows a stream whose shared text changes (a new created second, another id)', () => {
    const frame = newStreamFrame();
    chunkFacts(stream[1]!, false, frame);
    const moved = stream[1]!.replace('"created":1', '"created":12');
    expect(chunkFacts(moved, false, frame)).toEqual(chunkFacts(moved, false));
    expect(frame.prefix).toContain('"created":12');
    const broken = moved.replace('"id":"c"', '"id":"c').replace('}]}', ']}');
    expect(chunkFacts(broken, false, frame).error).toMatch(/^malformed/);
  });

  it('stops remembering tails that differ every time (per-chunk obfuscation padding), reading each chunk as before', () => {
    const frame = newStreamFrame();
    const padded = (i: number) => chunk({ content: `w${i}` }, { obfuscation: 'x'.repeat(i % 7) + String(i) });
    for (let i = 0; i < 20; i++) expect(chunkFacts(padded(i), false, frame)).toEqual(chunkFacts(padded(i), false));
    expect(frame.suffixMisses).toBe(4);
    // and a plain stream's tails are remembered (misses reset on a hit)
    const plain = newStreamFrame();
    for (let i = 0; i < 20; i++) chunkFacts(chunk({ content: `w${i}` }), false, plain);
    expect(plain.suffixMisses).toBe(0);
    expect(plain.suffix.length).toBeGreaterThan(0);
  });
});
