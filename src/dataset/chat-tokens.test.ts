import { describe, it, expect } from 'vitest';
import { get_encoding } from 'tiktoken';
import { countChatTokens } from './chat-tokens.js';
import { getEncoder } from './encoding.js';

describe('countChatTokens', () => {
  it('counts "Hello world" as a single user message (o200k_base)', async () => {
    const counter = await getEncoder('o200k_base');
    const reference = get_encoding('o200k_base');
    const contentTokens = reference.encode_ordinary('Hello world').length;
    const roleTokens = reference.encode_ordinary('user').length;
    reference.free();
    // Pinned values so a tokenizer change is noticed, not silently absorbed.
    expect(contentTokens).toBe(2);
    expect(roleTokens).toBe(1);
    // 3 per message + role + content, plus 3 for reply priming.
    expect(countChatTokens([{ role: 'user', content: 'Hello world' }], counter)).toBe(3 + 1 + 2 + 3);
  });

  it('adds per-message framing, name tokens + 1, and priming once', async () => {
    const counter = await getEncoder('o200k_base');
    const messages = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'What is 2+2?', name: 'alice' },
      { role: 'assistant' as const, content: '4' },
    ];
    const expected =
      messages.reduce((sum, m) => sum + 3 + counter.count(m.role) + counter.count(m.content), 0) +
      counter.count('alice') + 1 +
      3;
    expect(countChatTokens(messages, counter)).toBe(expected);
  });

  it('prices a system + user conversation the same in both encodings when words are common', async () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: 'Hello world' },
    ];
    for (const encoding of ['o200k_base', 'cl100k_base']) {
      const counter = await getEncoder(encoding);
      // system(1) + "Be brief."(3) and user(1) + "Hello world"(2): 2×3 framing + 7 + 3 priming.
      expect(countChatTokens(messages, counter)).toBe(16);
    }
  });
});
