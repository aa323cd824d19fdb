import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRICES, builtInPrices, costOf, priceFor, roundUsd } from './pricing.js';

describe('builtInPrices', () => {
  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['gpt-4.1-mini', 'gpt-4.1-mini'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o4-mini', 'o4-mini'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['GPT-4o-Mini', 'gpt-4o-mini'],
    ['openai/gpt-4.1', 'gpt-4.1'],
    // a suffix that is not another tier keeps the model's price
    ['gpt-5-chat-latest', 'gpt-5'],
    ['o1-preview', 'o1'],
  ])('%s is priced as %s', (model, entry) => {
    expect(builtInPrices(model)).toEqual({ model: entry, prices: BUILT_IN_PRICES[entry] });
  });

  it('a snapshot with a price of its own is not stripped to the base model', () => {
    expect(builtInPrices('gpt-4o-2024-05-13')?.model).toBe('gpt-4o-2024-05-13');
    expect(builtInPrices('gpt-3.5-turbo-1106')?.prices.input).toBe(1);
  });

  it('never mistakes one tier for another', () => {
    expect(builtInPrices('gpt-4o-mini')!.prices.input).toBe(0.15);
    expect(builtInPrices('gpt-4o')!.prices.input).toBe(2.5);
    expect(builtInPrices('gpt-4o-mini-2024-07-18')!.prices.output).toBe(0.6);
    expect(builtInPrices('gpt-4.1-nano-foo')!.model).toBe('gpt-4.1-nano');
  });

  it.each(['o1-pro', 'o1-mini', 'o3-pro-2025-06-10', 'gpt-4o-realtime-preview', 'gpt-4o-mini-search-preview', 'gpt-4o-audio-preview', 'gpt-3.5-turbo-instruct', 'gpt-4', 'gpt-4o2', 'llama-3.1-8b', 'my-gpt-4o', ''])(
    '%j is unknown: no guess',
    (model) => {
      expect(builtInPrices(model)).toBeNull();
    },
  );

  it('every entry is a sane price per 1M tokens', () => {
    for (const [model, p] of Object.entries(BUILT_IN_PRICES)) {
      expect(p.input, model).toBeGreaterThan(0);
      expect(p.cachedInput, model).toBeLessThanOrEqual(p.input);
      expect(p.output, model).toBeGreaterThanOrEqual(p.input);
    }
  });
});

describe('priceFor', () => {
  it('scenario prices win, and keep the target model name', () => {
    expect(priceFor('gpt-4o-mini', { input: 1, cachedInput: 0.5, output: 2 })).toEqual({
      source: 'scenario',
      model: 'gpt-4o-mini',
      prices: { input: 1, cachedInput: 0.5, output: 2 },
    });
    expect(priceFor('my-local-llama', { input: 0, cachedInput: 0, output: 0 })?.source).toBe('scenario');
  });

  it('falls back to the built-in list price, else null', () => {
    expect(priceFor('gpt-4o-mini-2024-07-18')).toEqual({ source: 'built-in', model: 'gpt-4o-mini', prices: BUILT_IN_PRICES['gpt-4o-mini'] });
    expect(priceFor('my-local-llama')).toBeNull();
  });
});

describe('costOf', () => {
  const quote = { source: 'built-in' as const, model: 'gpt-4o-mini', prices: { input: 0.15, cachedInput: 0.075, output: 0.6 } };

  it('charges cached input at the cached price only, the rest at the input price', () => {
    const c = costOf({ input: 1_000_000, cachedInput: 400_000, output: 500_000 }, quote, 100);
    expect(c).toEqual({
      currency: 'USD',
      source: 'built-in',
      model: 'gpt-4o-mini',
      prices: { input: 0.15, cachedInput: 0.075, output: 0.6 },
      input: 0.09, // 600k uncached × $0.15/M
      cachedInput: 0.03, // 400k × $0.075/M
      output: 0.3,
      total: 0.42,
      perRequest: 0.0042,
      partial: 0,
    });
  });

  it('adds partial attempts at the input and output prices, and gives their share apart', () => {
    const c = costOf({ input: 1_000_000, cachedInput: 400_000, output: 500_000 }, quote, 100, { input: 200_000, output: 100_000 });
    expect(c.partial).toBeCloseTo(0.03 + 0.06, 9); // 200k × $0.15/M + 100k × $0.6/M
    expect(c.input).toBeCloseTo(0.09 + 0.03, 9);
    expect(c.cachedInput).toBeCloseTo(0.03, 9);
    expect(c.output).toBeCloseTo(0.3 + 0.06, 9);
    expect(c.total).toBeCloseTo(0.51, 9);
    expect(c.perRequest).toBeCloseTo(0.0051, 9);
  });

  it('rounds to a millionth of a dollar; no successful requests: no per-request cost', () => {
    const c = costOf({ input: 7, cachedInput: 0, output: 3 }, quote, 0);
    expect(c.input).toBe(0.000001); // 7 × 0.15e-6 = 1.05e-6
    expect(c.output).toBe(0.000002); // 1.8e-6
    expect(c.total).toBe(0.000003); // 2.85e-6, rounded from the unrounded parts
    expect(c.perRequest).toBeNull();
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
  });

  it('never counts more cached tokens than input tokens, nor negative ones', () => {
    const c = costOf({ input: 100, cachedInput: 1_000, output: 0 }, { ...quote, prices: { input: 10_000, cachedInput: 1_000, output: 0 } }, 1);
    expect(c).toMatchObject({ input: 0, cachedInput: 0.1, total: 0.1 });
    expect(costOf({ input: 0, cachedInput: 0, output: 0 }, quote, 5)).toMatchObject({ total: 0, perRequest: 0 });
  });
});
