import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../types.js';
import { sliceShare } from './slice-runner.js';

const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00Z') };
const scenario = (pacing: string): Scenario =>
  parseScenario(
    `name: t
dataset: { file: prompts.jsonl }
load:
  maxInFlight: 100
  phases:
    - { duration: 5s, rate: 10 }
${pacing}tenants:
  - { name: chat, share: 1, rpm: 600, tpm: 60000, dailyRequests: 1000 }
`,
    '/proj/s.yaml',
    {},
    env,
  );

/** requests/minute a tenant's pacer works to: its rpm × the headroom its pacer gets (dispatcher.ts) */
const tenantRpm = (s: Scenario): number => s.tenants![0]!.rpm! * (s.pacing?.headroom ?? 0.9);

describe('a slice\'s share of the budgets', () => {
  for (const [name, pacing] of [
    ['with a pacing section', 'pacing: { rpm: 3000, headroom: 0.8 }\n'],
    ['without one', ''],
  ] as const) {
    it(`${name}: each of 4 slices paces a tenant at a quarter of its rate, once`, () => {
      const whole = scenario(pacing);
      const part = sliceShare(whole, { index: 1, count: 4 });
      expect(tenantRpm(part)).toBeCloseTo(tenantRpm(whole) / 4, 9);
      expect(part.tenants![0]!.dailyRequests).toBe(250);
      expect(part.load.maxInFlight).toBe(25);
      if (whole.pacing) expect(part.pacing!.headroom * part.pacing!.rpm!).toBeCloseTo((whole.pacing.headroom * whole.pacing.rpm!) / 4, 9);
    });
  }

  it('one slice is the whole scenario', () => {
    const whole = scenario('');
    expect(sliceShare(whole, { index: 0, count: 1 })).toBe(whole);
  });
});
