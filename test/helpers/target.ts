import type { TargetSpec } from '../../src/types.js';

export function urlTarget(url: string, over: Partial<TargetSpec> = {}): TargetSpec {
  return {
    kind: 'url',
    url,
    api: 'chat',
    model: 'gpt-4o-mini',
    apiKeyEnv: 'LLM_BENCH_TEST_KEY',
    timeout: 30_000,
    stream: true,
    streamUsage: true,
    http: { h2: false },
    headers: {},
    ...over,
  };
}
