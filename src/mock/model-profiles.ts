/**
 * How each model behaves in the mock. Built-in profiles give the families their character
 * (mini fast, 4o/4.1 steadier, o-series slow to start because they reason first, o1-pro
 * unable to stream); the mock options override them globally, then per model.
 */
import type { MockOptions, ModelProfileOverride, TtftSpec } from '../types.js';

export interface ModelProfile {
  ttft: TtftSpec;
  prefillPerToken: number;
  tokensPerSecond: number;
  jitter: number;
  tokensPerChunk: number;
  reasoningRatio: number;
  stream: boolean;
  /** o-series: reject max_tokens (they want max_completion_tokens), as the real API does */
  rejectsMaxTokens: boolean;
}

const BASE: ModelProfile = {
  ttft: { median: 200, p99: 600 },
  prefillPerToken: 0,
  tokensPerSecond: 80,
  jitter: 0,
  tokensPerChunk: 1,
  reasoningRatio: 0,
  stream: true,
  rejectsMaxTokens: false,
};

const reasoning = (over: Partial<ModelProfile>): Partial<ModelProfile> => ({ rejectsMaxTokens: true, ...over });

/** Longest prefix first. */
const BUILT_IN: Array<[string, Partial<ModelProfile>]> = [
  ['gpt-4o-mini', { ttft: { median: 250, p99: 700 }, prefillPerToken: 0.02, tokensPerSecond: 90, jitter: 0.15 }],
  ['gpt-4o', { ttft: { median: 400, p99: 1200 }, prefillPerToken: 0.05, tokensPerSecond: 60, jitter: 0.15 }],
  ['gpt-4.1-nano', { ttft: { median: 150, p99: 450 }, prefillPerToken: 0.01, tokensPerSecond: 140, jitter: 0.15 }],
  ['gpt-4.1-mini', { ttft: { median: 250, p99: 750 }, prefillPerToken: 0.02, tokensPerSecond: 90, jitter: 0.15 }],
  ['gpt-4.1', { ttft: { median: 450, p99: 1300 }, prefillPerToken: 0.04, tokensPerSecond: 65, jitter: 0.15 }],
  ['o1-pro', reasoning({ ttft: { median: 8000, p99: 25000 }, prefillPerToken: 0.1, tokensPerSecond: 25, reasoningRatio: 4, stream: false })],
  ['o3-mini', reasoning({ ttft: { median: 1200, p99: 4000 }, prefillPerToken: 0.02, tokensPerSecond: 110, reasoningRatio: 1.5 })],
  ['o4-mini', reasoning({ ttft: { median: 1200, p99: 4000 }, prefillPerToken: 0.02, tokensPerSecond: 110, reasoningRatio: 1.5 })],
  ['o3', reasoning({ ttft: { median: 2000, p99: 6000 }, prefillPerToken: 0.05, tokensPerSecond: 50, reasoningRatio: 2 })],
  ['o1', reasoning({ ttft: { median: 3000, p99: 9000 }, prefillPerToken: 0.05, tokensPerSecond: 40, reasoningRatio: 3 })],
];

function builtIn(model: string): Partial<ModelProfile> {
  for (const [prefix, p] of BUILT_IN) if (model.startsWith(prefix)) return p;
  return {};
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** built-in < global mock options < mock.models[model]. */
export function resolveProfile(model: string, opts: Pick<MockOptions, 'ttft' | 'tokensPerSecond' | 'tokensPerChunk' | 'models'>): ModelProfile {
  const global: ModelProfileOverride = defined({ ttft: opts.ttft, tokensPerSecond: opts.tokensPerSecond, tokensPerChunk: opts.tokensPerChunk });
  // A global TTFT or rate is a statement about latency: it also drops the built-in prefill and jitter.
  const plain: Partial<ModelProfile> = opts.ttft !== undefined || opts.tokensPerSecond !== undefined ? { prefillPerToken: 0, jitter: 0 } : {};
  return { ...BASE, ...builtIn(model), ...plain, ...global, ...defined(opts.models?.[model]) } as ModelProfile;
}
