/**
 * A whole run against the mock with repeated long prompts (its prompt cache answers with
 * cached_tokens): results.tokens.cachedInput, results.cost at the scenario's prices, and
 * cost thresholds evaluated on them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const yaml = (dir: string, pricing: string): string => `
name: cost
seed: 3
target: { kind: mock, model: gpt-4o-mini, timeout: 10s }
dataset:
  synthetic: { inputTokens: { mean: 1500 }, outputTokens: { mean: 4 }, count: 2 }
  maxOutputTokens: 4
load:
  phases:
    - { name: steady, duration: 1s, arrival: constant, rate: 10 }
mock: { ttft: { median: 1ms, p99: 2ms }, tokensPerSecond: 0 }
${pricing}
thresholds:
  cost: ["< $1", "< $0.000001"]
  costPerRequest: ["<= $0.01"]
output: { dir: ${JSON.stringify(dir)} }
`;

describe('cost of a run', () => {
  it('prices cached input at the cached price, from the scenario pricing section', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-cost-'));
    try {
      const scenario = parseScenario(yaml(path.join(tmp, 'run'), 'pricing: { input: 10, cachedInput: 1, output: 100 }'), '<inline>', {}, { cwd: ROOT, now: new Date() });
      const { results } = await runScenario(scenario, {});
      const { tokens, counts, cost } = results;
      expect(counts.ok).toBe(10);
      // two distinct prompts sent in turn: all but the first of each hit the cache
      expect(tokens.cachedInput).toBeGreaterThan(0);
      expect(tokens.cachedInput).toBeLessThan(tokens.input);
      expect(cost).toBeDefined();
      const usd = (n: number, price: number) => (n * price) / 1e6;
      expect(cost).toMatchObject({ currency: 'USD', source: 'scenario', model: 'gpt-4o-mini', prices: { input: 10, cachedInput: 1, output: 100 } });
      expect(cost!.input).toBeCloseTo(usd(tokens.input - tokens.cachedInput, 10), 6);
      expect(cost!.cachedInput).toBeCloseTo(usd(tokens.cachedInput, 1), 6);
      expect(cost!.output).toBeCloseTo(usd(tokens.output, 100), 6);
      expect(cost!.total).toBeCloseTo(cost!.input + cost!.cachedInput + cost!.output, 5);
      expect(cost!.perRequest).toBeCloseTo(cost!.total / counts.ok, 6);
      expect(results.thresholds.map((t) => [t.metric, t.expr, t.actual, t.pass])).toEqual([
        ['cost', '< $1', cost!.total, true],
        ['cost', '< $0.000001', cost!.total, false],
        ['costPerRequest', '<= $0.01', cost!.perRequest, true],
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an unknown model without pricing has no cost; its cost thresholds fail with no data', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-cost-'));
    try {
      const text = yaml(path.join(tmp, 'run'), '').replace('model: gpt-4o-mini', 'model: my-local-model');
      const { results } = await runScenario(parseScenario(text, '<inline>', {}, { cwd: ROOT, now: new Date() }), {});
      expect(results.cost).toBeUndefined();
      expect(results.thresholds.map((t) => [t.actual, t.pass])).toEqual([
        [null, false],
        [null, false],
        [null, false],
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('bills streams cut part way: their tokens join the cost and are also given apart', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-cost-'));
    try {
      const text = yaml(path.join(tmp, 'run'), 'pricing: { input: 10, cachedInput: 1, output: 100 }')
        .replace('outputTokens: { mean: 4 }, count: 2 }\n  maxOutputTokens: 4', 'outputTokens: { mean: 8 }, count: 2 }\n  maxOutputTokens: 8')
        .replace('rate: 10 }', 'rate: 20 }')
        .replace('tokensPerSecond: 0 }', 'tokensPerSecond: 0, faults: [{ type: cut, afterEvents: 3, rate: 0.5 }] }');
      const { results } = await runScenario(parseScenario(text, '<inline>', {}, { cwd: ROOT, now: new Date() }), {});
      const { tokens, counts, cost } = results;
      const cut = counts.byClass.stream_cut;
      expect(cut).toBeGreaterThan(0);
      expect(counts.ok).toBeGreaterThan(0);
      // no retry section: every cut stream is one partial attempt, with its prompt and what the 3
      // events it got carried (the role chunk, then two content events of a token or more)
      expect(tokens.partialAttempts).toBe(cut);
      expect(tokens.partialInput).toBeGreaterThanOrEqual(cut * 1400);
      expect(tokens.partialOutput).toBeGreaterThanOrEqual(cut * 2);
      expect(tokens.partialOutput).toBeLessThan(cut * 8);
      const usd = (n: number, price: number) => (n * price) / 1e6;
      expect(cost!.partial).toBeCloseTo(usd(tokens.partialInput!, 10) + usd(tokens.partialOutput!, 100), 6);
      expect(cost!.input).toBeCloseTo(usd(tokens.input - tokens.cachedInput + tokens.partialInput!, 10), 6);
      expect(cost!.output).toBeCloseTo(usd(tokens.output + tokens.partialOutput!, 100), 6);
      expect(cost!.total).toBeCloseTo(cost!.input + cost!.cachedInput + cost!.output, 5);
      expect(cost!.total).toBeGreaterThan(cost!.partial!);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
