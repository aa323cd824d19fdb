import { describe, it, expect } from 'vitest';
import { UserError } from '../errors.js';
import type { SyntheticSpec } from '../types.js';
import { countChatTokens } from './chat-tokens.js';
import { getEncoder } from './encoding.js';
import { generateSyntheticPrompts } from './synthetic.js';

const spec: SyntheticSpec = {
  inputTokens: { mean: 300, stddev: 150 },
  outputTokens: { mean: 64, stddev: 40 },
  count: 60,
};

describe('generateSyntheticPrompts', () => {
  it.each(['o200k_base', 'cl100k_base'])('hits every drawn input target exactly (%s)', async (encoding) => {
    const counter = await getEncoder(encoding);
    const prompts = generateSyntheticPrompts(spec, counter, 1234);
    expect(prompts).toHaveLength(60);
    for (const p of prompts) {
      expect(p.messages).toHaveLength(1);
      expect(p.messages[0]?.role).toBe('user');
      expect(countChatTokens(p.messages, counter)).toBe(p.inputTokens);
      expect(p.inputTokens).toBeGreaterThanOrEqual(8);
      expect(p.maxOutputTokens).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(p.maxOutputTokens)).toBe(true);
    }
    // The draw really varies (not clamped to one value) and follows the mean.
    const mean = prompts.reduce((s, p) => s + p.inputTokens, 0) / prompts.length;
    expect(new Set(prompts.map((p) => p.inputTokens)).size).toBeGreaterThan(30);
    expect(mean).toBeGreaterThan(240);
    expect(mean).toBeLessThan(360);
  });

  it('clamps tiny draws to 8 input and 1 output tokens, still exact', async () => {
    const counter = await getEncoder('o200k_base');
    const tiny: SyntheticSpec = { inputTokens: { mean: 2, stddev: 3 }, outputTokens: { mean: 0.2, stddev: 1 }, count: 40 };
    const prompts = generateSyntheticPrompts(tiny, counter, 7);
    expect(prompts.some((p) => p.inputTokens === 8)).toBe(true);
    expect(prompts.some((p) => p.maxOutputTokens === 1)).toBe(true);
    for (const p of prompts) {
      expect(p.inputTokens).toBeGreaterThanOrEqual(8);
      expect(countChatTokens(p.messages, counter)).toBe(p.inputTokens);
    }
  });

  it('hits long targets exactly', async () => {
    const counter = await getEncoder('o200k_base');
    const long: SyntheticSpec = { inputTokens: { mean: 4000, stddev: 0 }, outputTokens: { mean: 10, stddev: 0 }, count: 3 };
    for (const p of generateSyntheticPrompts(long, counter, 99)) {
      expect(p.inputTokens).toBe(4000);
      expect(countChatTokens(p.messages, counter)).toBe(4000);
      expect(p.maxOutputTokens).toBe(10);
    }
  });

  it('is deterministic for a seed and differs for another seed', async () => {
    const counter = await getEncoder('o200k_base');
    const a = generateSyntheticPrompts(spec, counter, 1);
    expect(generateSyntheticPrompts(spec, counter, 1)).toEqual(a);
    const b = generateSyntheticPrompts(spec, counter, 2);
    expect(b.map((p) => p.messages[0]?.content)).not.toEqual(a.map((p) => p.messages[0]?.content));
    expect(b.map((p) => p.inputTokens)).not.toEqual(a.map((p) => p.inputTokens));
  });

  it('writes readable word text with zero-padded ids', async () => {
    const counter = await getEncoder('o200k_base');
    const prompts = generateSyntheticPrompts(spec, counter, 5);
    expect(prompts[0]?.id).toBe('synthetic-01');
    expect(prompts[59]?.id).toBe('synthetic-60');
    expect(prompts[0]?.messages[0]?.content).toMatch(/^[A-Za-z][A-Za-z .]*$/);
  });

  it('rejects an invalid spec as a UserError with the field path', async () => {
    const counter = await getEncoder('o200k_base');
    const bad = { ...spec, count: 0 };
    expect(() => generateSyntheticPrompts(bad, counter, 1)).toThrow(UserError);
    const neg = { ...spec, inputTokens: { mean: 100, stddev: -1 } };
    try {
      generateSyntheticPrompts(neg, counter, 1);
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).where).toBe('dataset.synthetic.inputTokens.stddev');
    }
  });
});
