/**
 * What the client makes of network toxics: each ends in a classified error, never a hang.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ToxiproxyControl } from '../src/chaos/toxiproxy-control.js';
import { startToxiproxyServer } from '../src/chaos/toxiproxy/server.js';
import { startMockServer } from '../src/mock/server.js';
import type { ToxicSpec } from '../src/types.js';
import { runCore } from './helpers/run-core.js';
import { urlTarget } from './helpers/target.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function throughToxic(toxic: ToxicSpec | null) {
  const mock = await startMockServer({ ttft: { median: 20, p99: 40 }, tokensPerSecond: 200, defaultOutputTokens: 10 });
  closers.push(() => mock.close());
  const server = await startToxiproxyServer({ port: 0, seed: 1 });
  closers.push(() => server.close());
  const control = await ToxiproxyControl.connect(server.url);
  closers.push(() => control.cleanup());
  const listen = await control.createProxy(`127.0.0.1:${mock.port}`);
  if (toxic) await control.addToxic('t', toxic);
  return runCore(urlTarget(`http://${listen.host}:${listen.port}/v1`, { timeout: 3000 }), {
    maxInFlight: 10,
    phases: [{ kind: 'open', name: 'o', duration: 500, arrival: 'constant', rate: 10, rampTo: 10, burstiness: 1 }],
  });
}

const toxic = (type: ToxicSpec['type'], attributes: Record<string, number>): ToxicSpec => ({ type, attributes, stream: 'downstream', toxicity: 1 });

describe('network toxics seen by the client', () => {
  it('no toxic: everything passes through the proxy', async () => {
    const { records } = await throughToxic(null);
    expect(records.length).toBe(5);
    expect(records.every((r) => r.errorClass === null)).toBe(true);
  });

  it('reset_peer: a network error (connection reset)', async () => {
    const { records } = await throughToxic(toxic('reset_peer', { timeout: 50 }));
    expect(records.every((r) => r.errorClass === 'network' || r.errorClass === 'stream_cut')).toBe(true);
    expect(records.some((r) => /ECONNRESET|other side closed/.test(r.errorMessage ?? ''))).toBe(true);
  });

  it('timeout: the connection closes with no answer — a network error, not a hang', async () => {
    const { records } = await throughToxic(toxic('timeout', { timeout: 200 }));
    expect(records.length).toBe(5);
    expect(records.every((r) => r.errorClass === 'network')).toBe(true);
  });

  it('limit_data: the stream is cut part way', async () => {
    const { records } = await throughToxic(toxic('limit_data', { bytes: 600 }));
    expect(records.some((r) => r.errorClass === 'stream_cut')).toBe(true);
  });
});
