import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../record.js';
import type { LoadSpec } from '../types.js';
import { plannedCounts } from './plan.js';
import { startRunLoop } from './run-loop.js';

/** A fake transport: completes each request after `latencyMs`, or never when null. */
function fakeTransport(latencyMs: number | null) {
  const inFlight = new Set<RequestRecord>();
  const sent: RequestRecord[] = [];
  return {
    sent,
    inFlight: () => inFlight.size,
    send(rec: RequestRecord, done: (rec: RequestRecord) => void) {
      rec.dispatched = performance.now();
      inFlight.add(rec);
      sent.push(rec);
      if (latencyMs !== null) {
        setTimeout(() => {
          inFlight.delete(rec);
          done(rec);
        }, latencyMs);
      }
    },
  };
}

const openLoad = (rate: number, duration: number, maxInFlight = 1000): LoadSpec => ({
  maxInFlight,
  phases: [{ kind: 'open', name: 'o', duration, arrival: 'poisson', rate, rampTo: rate, burstiness: 1 }],
});

describe('run loop', () => {
  it('dispatches every planned arrival at its intended time', async () => {
    const load = openLoad(200, 1000);
    const t = fakeTransport(5);
    const completed: RequestRecord[] = [];
    const loop = startRunLoop(
      { load, seed: 9, promptCount: 3 },
      { send: t.send, inFlight: t.inFlight, onComplete: (r) => completed.push(r), onDropped: () => expect.fail('dropped'), onSlip: () => undefined },
    );
    await loop.finished;
    await new Promise((r) => setTimeout(r, 20));
    expect(t.sent.length).toBe(plannedCounts(load, 9)[0]);
    expect(completed.length).toBe(t.sent.length);
    // never early; late only by timer granularity (generous for a shared 2-core machine)
    const lateness = t.sent.map((r) => r.dispatched - r.intended).sort((a, b) => a - b);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    expect(lateness[Math.floor(lateness.length / 2)]).toBeLessThan(5);
    // intended times follow the plan relative to the loop's time zero
    expect(t.sent.at(-1)!.intended - loop.t0).toBeLessThan(1000);
    // prompts are taken in order, cycling
    expect(t.sent.slice(0, 5).map((r) => r.promptIndex)).toEqual([0, 1, 2, 0, 1]);
  });

  it('counts arrivals as dropped when maxInFlight requests are out, never skipping silently', async () => {
    const load = openLoad(100, 500, 10);
    const t = fakeTransport(null); // nothing ever completes
    let dropped = 0;
    const loop = startRunLoop(
      { load, seed: 4, promptCount: 1 },
      { send: t.send, inFlight: t.inFlight, onComplete: () => undefined, onDropped: () => dropped++, onSlip: () => undefined },
    );
    await loop.finished;
    expect(t.sent.length).toBe(10);
    expect(t.sent.length + dropped).toBe(plannedCounts(load, 4)[0]);
  });

  it('keeps N in flight in a closed phase and stops at its end', async () => {
    const t = fakeTransport(10);
    let maxSeen = 0;
    const loop = startRunLoop(
      { load: { maxInFlight: 100, phases: [{ kind: 'closed', name: 'c', duration: 300, concurrency: 4 }] }, seed: 1, promptCount: 1 },
      {
        send: (rec, done) => {
          t.send(rec, done);
          maxSeen = Math.max(maxSeen, t.inFlight());
        },
        inFlight: t.inFlight,
        onComplete: () => undefined,
        onDropped: () => undefined,
        onSlip: () => undefined,
      },
    );
    await loop.finished;
    expect(maxSeen).toBe(4);
    expect(t.inFlight()).toBe(0);
    // ~300 ms / ~10 ms per request × 4 workers
    expect(t.sent.length).toBeGreaterThan(40);
    expect(t.sent.length).toBeLessThan(130);
    expect(t.sent.every((r) => r.intended - loop.t0 < 300)).toBe(true);
  });

  it('stop() abandons the rest of the plan', async () => {
    const t = fakeTransport(1);
    const loop = startRunLoop(
      { load: openLoad(100, 10_000), seed: 2, promptCount: 1 },
      { send: t.send, inFlight: t.inFlight, onComplete: () => undefined, onDropped: () => undefined, onSlip: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 100));
    loop.stop();
    await loop.finished;
    const n = t.sent.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(t.sent.length).toBe(n);
    expect(n).toBeLessThan(50);
  });
});

describe('plan slices (shards, worker threads)', () => {
  it('slices together send every planned arrival exactly once, at the same intended offset and prompt', async () => {
    const load = openLoad(300, 600);
    const whole = fakeTransport(1);
    const one = startRunLoop(
      { load, seed: 4, promptCount: 7 },
      { send: whole.send, inFlight: whole.inFlight, onComplete: () => undefined, onDropped: () => expect.fail('dropped'), onSlip: () => undefined },
    );
    await one.finished;
    const parts = [0, 1, 2].map(() => fakeTransport(1));
    const loops = parts.map((t, index) =>
      startRunLoop(
        { load, seed: 4, promptCount: 7, slice: { index, count: 3 } },
        { send: t.send, inFlight: t.inFlight, onComplete: () => undefined, onDropped: () => expect.fail('dropped'), onSlip: () => undefined },
      ),
    );
    await Promise.all(loops.map((l) => l.finished));
    const key = (r: RequestRecord, t0: number): string => `${r.seq}|${r.promptIndex}|${(r.intended - t0).toFixed(6)}`;
    const sliced = parts.flatMap((t, i) => t.sent.map((r) => key(r, loops[i]!.t0))).sort();
    expect(sliced).toEqual(whole.sent.map((r) => key(r, one.t0)).sort());
    // each slice takes every third arrival of the plan
    for (const [i, t] of parts.entries()) expect(t.sent.every((r) => r.seq % 3 === i)).toBe(true);
    expect(Math.abs(parts[0]!.sent.length - parts[2]!.sent.length)).toBeLessThanOrEqual(1);
  });

  it('with a rate tenant, slices still partition the merged plan exactly, each arrival keeping its tenant', async () => {
    const load: LoadSpec = { ...openLoad(150, 600), tenantStreams: [{ tenant: 1, name: 'own', rate: 120 }] };
    const run = async (slice?: { index: number; count: number }) => {
      const t = fakeTransport(1);
      const loop = startRunLoop(
        { load, seed: 8, promptCount: 5, ...(slice ? { slice } : {}) },
        { send: t.send, inFlight: t.inFlight, onComplete: () => undefined, onDropped: () => expect.fail('dropped'), onSlip: () => undefined },
      );
      await loop.finished;
      return t.sent.map((r) => `${r.seq}|${r.promptIndex}|${r.planTenant ?? '-'}|${r.tenant}|${(r.intended - loop.t0).toFixed(6)}`);
    };
    const whole = await run();
    const parts = await Promise.all([0, 1, 2].map((index) => run({ index, count: 3 })));
    expect(parts.flat().sort()).toEqual([...whole].sort());
    expect(whole.length).toBe(plannedCounts(load, 8)[0]);
    // the tenant's own arrivals are fixed to it; the phase's are left to the dispatcher's draw
    const own = whole.filter((k) => k.split('|')[2] === '1');
    expect(own.every((k) => k.split('|')[3] === '1')).toBe(true);
    expect(own.length).toBeGreaterThan(40);
    expect(whole.length - own.length).toBeGreaterThan(50);
    for (const [i, part] of parts.entries()) expect(part.every((k) => Number(k.split('|')[0]) % 3 === i)).toBe(true);
  });

  it('splits a closed phase\'s concurrency across slices', async () => {
    const load: LoadSpec = { maxInFlight: 100, phases: [{ kind: 'closed', name: 'c', duration: 200, concurrency: 5 }] };
    const peaks = await Promise.all(
      [0, 1].map(async (index) => {
        const t = fakeTransport(20);
        let peak = 0;
        const loop = startRunLoop(
          { load, seed: 1, promptCount: 3, slice: { index, count: 2 } },
          {
            send: (rec, done) => {
              t.send(rec, done);
              peak = Math.max(peak, t.inFlight());
            },
            inFlight: t.inFlight,
            onComplete: () => undefined,
            onDropped: () => undefined,
            onSlip: () => undefined,
          },
        );
        await loop.finished;
        return peak;
      }),
    );
    expect(peaks).toEqual([3, 2]);
  });
});
