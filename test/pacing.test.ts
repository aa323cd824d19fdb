/**
 * Pacing against the mock's rate limiter: offered twice the TPM limit, a paced client gets
 * ~the limit through with (almost) no 429s; an unpaced one meets the 429 storm.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';
import { ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/temp-dir.js';

async function run(file: string, overrides: { duration: number }) {
  const tmp = makeTempDir();
  try {
    const text = readFileSync(`${ROOT}/scenarios/${file}`, 'utf8');
    const scenario = parseScenario(text, `${ROOT}/scenarios/${file}`, { ...overrides, out: tmp.dir }, { cwd: ROOT, now: new Date() });
    return (await runScenario(scenario, {})).results;
  } finally {
    tmp.cleanup();
  }
}

// TPM 12 000 = 200 tokens/s. The limiter charges its own estimate of the input (reported back
// as usage.prompt_tokens) plus the 60 max output tokens each request asks for.
const MAX_OUTPUT = 60;
const LIMIT_PER_S = 200;

describe('pacing by tokens (scaled down: TPM 12 000, 5 s sub-minute buckets, 20 s)', () => {
  it('paced and adaptive: ≥ 90 % of the limit gets through and ≤ 1 % of requests see a 429', async () => {
    const r = await run('pacing.yaml', { duration: 20_000 });
    const seconds = r.meta.durationMs / 1000;
    const achieved = (r.tokens.input + r.counts.ok * MAX_OUTPUT) / seconds;
    expect(achieved).toBeGreaterThanOrEqual(0.9 * LIMIT_PER_S);
    const attempts = r.counts.requests + r.counts.retries;
    expect((r.counts.byClass.http_429 + r.counts.retriedByClass.http_429) / attempts).toBeLessThanOrEqual(0.01);
    // the offered excess waited in the client's queue instead
    expect(r.metrics.queue!.all!.p90).toBeGreaterThan(1000);
    // the pace the client kept: the limits × headroom 0.95
    expect(r.pacing?.limits).toEqual({ rpm: 570, tpm: 11400 });
  }, 60_000);

  it('without pacing the same load meets the 429 storm', async () => {
    const r = await run('pacing-off.yaml', { duration: 20_000 });
    expect(r.counts.byClass.http_429 / r.counts.requests).toBeGreaterThan(0.3);
  }, 60_000);
});
