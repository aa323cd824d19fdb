/**
 * What a run's tokens cost: a built-in table of list prices and a pure cost calculation.
 *
 * The table holds OpenAI's public list prices (standard tier, USD per 1M tokens) as of
 * August 2025. Prices change, and other providers, discounts, Batch and Flex tiers differ:
 * a scenario's `pricing:` section overrides the table and is the way to get a figure you can
 * rely on. A model the table does not know gets no cost at all rather than a guess.
 */
import type { CostSummary } from './results.js';

/** USD per 1M tokens. */
export interface Prices {
  input: number;
  cachedInput: number;
  output: number;
}

/** The prices a run is costed at, and where they came from. */
export interface PriceQuote {
  source: CostSummary['source'];
  /** the table entry used (built-in), or the target model (scenario) */
  model: string;
  prices: Prices;
}

const p = (input: number, cachedInput: number, output: number): Prices => ({ input, cachedInput, output });

/** List prices as of 2025-08 (USD per 1M tokens: input, cached input, output). */
export const BUILT_IN_PRICES: Readonly<Record<string, Prices>> = {
  'gpt-5': p(1.25, 0.125, 10),
  'gpt-5-mini': p(0.25, 0.025, 2),
  'gpt-5-nano': p(0.05, 0.005, 0.4),
  'gpt-4.1': p(2, 0.5, 8),
  'gpt-4.1-mini': p(0.4, 0.1, 1.6),
  'gpt-4.1-nano': p(0.1, 0.025, 0.4),
  'gpt-4o': p(2.5, 1.25, 10),
  // the first gpt-4o snapshot kept its launch price, with no cached-input discount
  'gpt-4o-2024-05-13': p(5, 5, 15),
  'gpt-4o-mini': p(0.15, 0.075, 0.6),
  o1: p(15, 7.5, 60),
  o3: p(2, 0.5, 8),
  'o3-mini': p(1.1, 0.55, 4.4),
  'o4-mini': p(1.1, 0.275, 4.4),
  // no prompt caching: cached input is billed as input
  'gpt-3.5-turbo': p(0.5, 0.5, 1.5),
  'gpt-3.5-turbo-1106': p(1, 1, 2),
  'gpt-3.5-turbo-0613': p(1.5, 1.5, 2),
};

/** A dated snapshot suffix: -2024-07-18 or -0125. */
const SNAPSHOT = /-(?:\d{4}-\d{2}-\d{2}|\d{4})$/;

/**
 * Words that name a differently priced variant of a model (o1-pro, gpt-4o-realtime-preview,
 * gpt-4o-mini-search-preview, gpt-3.5-turbo-instruct): a name holding one after a known model's
 * name is not priced as that model.
 */
const OTHER_TIER = /(?:^|-)(?:pro|mini|nano|realtime|audio|search|research|transcribe|tts|image|instruct|16k|32k)(?:-|$)/;

/**
 * The built-in prices for a model name: the exact name, else without its snapshot date, else
 * the longest known name it starts with (at a `-`), unless the rest names another tier.
 * A leading `openai/` (as gateways write it) is ignored. Unknown: null.
 */
export function builtInPrices(model: string): { model: string; prices: Prices } | null {
  const name = model.trim().toLowerCase().replace(/^openai\//, '');
  const exact = (n: string) => (Object.hasOwn(BUILT_IN_PRICES, n) ? { model: n, prices: BUILT_IN_PRICES[n]! } : null);
  const hit = exact(name) ?? exact(name.replace(SNAPSHOT, ''));
  if (hit) return hit;
  let best: string | null = null;
  for (const key of Object.keys(BUILT_IN_PRICES)) {
    if (!name.startsWith(`${key}-`) || (best !== null && best.length >= key.length)) continue;
    if (OTHER_TIER.test(name.slice(key.length + 1))) continue;
    best = key;
  }
  return best === null ? null : { model: best, prices: BUILT_IN_PRICES[best]! };
}

/** Scenario prices win over the table; null when neither knows the model. */
export function priceFor(model: string, scenarioPrices?: Prices): PriceQuote | null {
  if (scenarioPrices) return { source: 'scenario', model, prices: { ...scenarioPrices } };
  const b = builtInPrices(model);
  return b ? { source: 'built-in', model: b.model, prices: { ...b.prices } } : null;
}

/** USD to 6 decimals (a millionth of a dollar). */
export const roundUsd = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * What the tokens cost. `tokens.input` includes the cached ones (as usage.prompt_tokens does):
 * those are charged at the cached price only, the rest at the input price. `partial` are the
 * tokens of attempts cut off part way (their cached input, when usage said, at the cached price); they join
 * the amounts and are also given apart. `okRequests` divides the total into `perRequest`
 * (null without any).
 */
export function costOf(
  tokens: { input: number; cachedInput: number; output: number },
  quote: PriceQuote,
  okRequests = 0,
  partial: { input: number; cachedInput?: number; output: number } = { input: 0, output: 0 },
): CostSummary {
  const { prices } = quote;
  const cachedOf = (t: { input: number; cachedInput?: number }) => Math.min(Math.max(0, t.cachedInput ?? 0), Math.max(0, t.input));
  const cached = cachedOf(tokens);
  const partialCached = cachedOf(partial);
  const partialInput = ((Math.max(0, partial.input) - partialCached) * prices.input) / 1e6;
  const partialCachedInput = (partialCached * prices.cachedInput) / 1e6;
  const partialOutput = (Math.max(0, partial.output) * prices.output) / 1e6;
  const input = ((Math.max(0, tokens.input) - cached) * prices.input) / 1e6 + partialInput;
  const cachedInput = (cached * prices.cachedInput) / 1e6 + partialCachedInput;
  const output = (Math.max(0, tokens.output) * prices.output) / 1e6 + partialOutput;
  const total = input + cachedInput + output;
  return {
    currency: 'USD',
    source: quote.source,
    model: quote.model,
    prices: { ...prices },
    input: roundUsd(input),
    cachedInput: roundUsd(cachedInput),
    output: roundUsd(output),
    total: roundUsd(total),
    perRequest: okRequests > 0 ? roundUsd(total / okRequests) : null,
    partial: roundUsd(partialInput + partialCachedInput + partialOutput),
  };
}
