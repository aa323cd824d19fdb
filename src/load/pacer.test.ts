import { describe, expect, it } from 'vitest';
import { Pacer, type PacerItem, type PacingSpec, type Priority } from './pacer.js';

/** A fake clock whose timers fire only when advanced; it counts how many are armed at once. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const c = {
    maxActive: 0,
    active: () => timers.size,
    now: () => now,
    setTimeout(fn: () => void, ms: number): unknown {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      c.maxActive = Math.max(c.maxActive, timers.size);
      return id;
    },
    clearTimeout: (t: unknown) => void timers.delete(t as number),
    /** Fire every timer due by `t` in time order, then stand at `t`. */
    advanceTo(t: number) {
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        for (const e of timers) if (e[1].at <= t && (!due || e[1].at < due[1].at)) due = e;
        if (!due) break;
        const [id, { at, fn }] = due;
        timers.delete(id);
        now = Math.max(now, at);
        fn();
      }
      now = Math.max(now, t);
    },
  };
  return c;
}

type Released = { id: string; at: number; tokens: number };

function harness(spec: Partial<PacingSpec>) {
  const clock = fakeClock();
  const pacer = new Pacer({ headroom: 0.9, burst: 1000, adaptive: false, ...spec }, clock);
  const released: Released[] = [];
  const submit = (id: string, tokens = 1, priority: Priority = 'interactive'): PacerItem => {
    const item = { tokens, priority, release: () => released.push({ id, at: clock.now(), tokens }) };
    pacer.submit(item);
    return item;
  };
  const many = (n: number, prefix: string, tokens = 1, priority: Priority = 'interactive') => {
    for (let i = 0; i < n; i++) submit(`${prefix}${i}`, tokens, priority);
  };
  return { clock, pacer, released, submit, many };
}

const times = (r: Released[]) => r.map((x) => x.at);

describe('Pacer', () => {
  it('rpm 600 at headroom 1: the full bucket (10) goes at once, then one per 100 ms', () => {
    const h = harness({ rpm: 600, headroom: 1 });
    h.many(30, 'r');
    expect(h.released).toHaveLength(10);
    h.clock.advanceTo(10_000);
    expect(h.released.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
    const expected = [...Array<number>(10).fill(0), ...Array.from({ length: 20 }, (_, k) => (k + 1) * 100)];
    times(h.released).forEach((t, i) => expect(t).toBeCloseTo(expected[i]!, 6));
    expect(h.pacer.limits()).toEqual({ rpm: 600, tpm: null });
  });

  it('rpm 600 at headroom 0.9: 9 at once (capacity 540/min × 1 s), then one per 111.1 ms', () => {
    const h = harness({ rpm: 600 });
    h.many(20, 'r');
    expect(h.released).toHaveLength(9);
    h.clock.advanceTo(10_000);
    times(h.released).forEach((t, i) => expect(t).toBeCloseTo(i < 9 ? 0 : ((i - 8) * 1000) / 9, 6));
    expect(h.pacer.limits().rpm).toBeCloseTo(540, 9);
  });

  it('tpm pacing with 1000-token items, inside and beyond the bucket size', () => {
    // tpm 600k × 0.9: 9 tokens/ms, capacity 9000 → 9 items at once, then one per 111.1 ms.
    const a = harness({ tpm: 600_000 });
    a.many(20, 't', 1000);
    a.clock.advanceTo(5000);
    times(a.released).forEach((t, i) => expect(t).toBeCloseTo(i < 9 ? 0 : ((i - 8) * 1000) / 9, 6));
    // tpm 60k × 0.9: 0.9 tokens/ms, capacity 900 < 1000: each item goes from a full bucket
    // and leaves 100 of debt → one per 1000/0.9 ms, still 54 000 tokens/min.
    const b = harness({ tpm: 60_000 });
    b.many(5, 't', 1000);
    b.clock.advanceTo(10_000);
    times(b.released).forEach((t, i) => expect(t).toBeCloseTo((i * 1000) / 0.9, 6));
  });

  it('with both limits the tighter one decides', () => {
    // tokens bind: 100-token items, tpm 30k → 0.45/ms, cap 450 → 4 at once (level 50), then
    // (100 − 50)/0.45 = 111.1 ms, then every 222.2 ms; rpm 600 alone would allow 9 at once.
    const t = harness({ rpm: 600, tpm: 30_000 });
    t.many(8, 'x', 100);
    t.clock.advanceTo(5000);
    const expT = [0, 0, 0, 0, 1000 / 9, 1000 / 9 + 2000 / 9, 1000 / 9 + 4000 / 9, 1000 / 9 + 6000 / 9];
    times(t.released).forEach((x, i) => expect(x).toBeCloseTo(expT[i]!, 6));
    // requests bind: 10-token items, tpm 60k would allow 90 at once; rpm 600 gives 9, then 111.1 ms.
    const r = harness({ rpm: 600, tpm: 60_000 });
    r.many(12, 'x', 10);
    expect(r.released).toHaveLength(9);
    r.clock.advanceTo(5000);
    times(r.released).forEach((x, i) => expect(x).toBeCloseTo(i < 9 ? 0 : ((i - 8) * 1000) / 9, 6));
  });

  it('interactive goes before batch; FIFO within a priority', () => {
    const h = harness({ rpm: 600, headroom: 1 });
    h.many(10, 'fill');
    h.submit('b0', 1, 'batch');
    h.submit('i0');
    h.submit('b1', 1, 'batch');
    h.submit('i1');
    expect(h.pacer.queuedByPriority).toEqual({ interactive: 2, batch: 2 });
    h.clock.advanceTo(1000);
    expect(h.released.slice(10).map((r) => `${r.id}@${Math.round(r.at)}`)).toEqual(['i0@100', 'i1@200', 'b0@300', 'b1@400']);
    expect(h.pacer.queued).toBe(0);
  });

  it('reserve 0.5: batch never takes the reserved half, interactive can', () => {
    // tpm 60k at headroom 1: 1 token/ms, capacity 1000 tokens, 500 of them kept from batch.
    const h = harness({ tpm: 60_000, headroom: 1, reserve: 0.5 });
    h.many(200, 'b', 100, 'batch');
    expect(h.released).toHaveLength(5); // 1000 → 500, then batch stops
    h.clock.advanceTo(5000);
    // batch went on at the refill rate (one per 100 ms) without ever dipping into the reserve
    expect(h.released).toHaveLength(55);
    expect(h.released.at(-1)!.at).toBeCloseTo(5000, 6);
    h.many(5, 'i', 100); // the reserved 500 tokens are there for interactive, right now
    expect(h.released.slice(55).map((r) => [r.id, r.at])).toEqual([0, 1, 2, 3, 4].map((i) => [`i${i}`, 5000]));
    // now the bucket is empty: the next batch item needs level 600 → 600 ms
    h.clock.advanceTo(5599);
    expect(h.released).toHaveLength(60);
    h.clock.advanceTo(5600);
    expect(h.released).toHaveLength(61);
  });

  it('pauseUntil holds everything, then resumes in order', () => {
    const h = harness({ rpm: 600, headroom: 1 });
    h.many(11, 'a'); // 10 at 0, the 11th armed for 100
    h.pacer.pauseUntil(1000);
    h.clock.advanceTo(10);
    h.submit('b0', 1, 'batch');
    h.submit('i0');
    h.clock.advanceTo(999);
    expect(h.released).toHaveLength(10);
    expect(h.clock.active()).toBe(1);
    h.clock.advanceTo(1000);
    expect(h.released.slice(10).map((r) => [r.id, r.at])).toEqual([['a10', 1000], ['i0', 1000], ['b0', 1000]]);
    h.pacer.pauseUntil(500); // a pause already over changes nothing
    h.submit('late');
    expect(h.released.at(-1)).toEqual({ id: 'late', at: 1000, tokens: 1 });
  });

  it('adaptive: learns limits from headers when none are configured', () => {
    const h = harness({ adaptive: true });
    h.many(50, 'u', 100);
    expect(h.released).toHaveLength(50); // unknown limits: nothing constrains yet
    expect(h.pacer.limits()).toEqual({ rpm: null, tpm: null });
    h.pacer.observe({ limitRequests: 600, remainingRequests: 600, limitTokens: 60_000, remainingTokens: 60_000 });
    expect(h.pacer.limits()).toEqual({ rpm: 540, tpm: 54_000 });
    h.many(20, 'p', 100); // buckets start full: 9 requests / 900 tokens, then one per 111.1 ms
    expect(h.released).toHaveLength(59);
    h.clock.advanceTo(10_000);
    times(h.released.slice(50)).forEach((t, i) => expect(t).toBeCloseTo(i < 9 ? 0 : ((i - 8) * 1000) / 9, 6));
    // a configured limit wins over the header; a non-adaptive pacer ignores headers entirely
    const c = harness({ adaptive: true, tpm: 100_000 });
    c.pacer.observe({ limitTokens: 60_000 });
    expect(c.pacer.limits()).toEqual({ rpm: null, tpm: 90_000 });
    const n = harness({ adaptive: false });
    n.pacer.observe({ limitTokens: 60_000, remainingTokens: 0 });
    expect(n.pacer.limits()).toEqual({ rpm: null, tpm: null });
  });

  it('a low remainingTokens observation drains the bucket and slows the release', () => {
    // tpm 60k × 0.9: 0.9 tokens/ms, capacity 900; 100-token items.
    const control = harness({ tpm: 60_000, adaptive: true });
    control.many(9, 'c', 100);
    expect(control.released).toHaveLength(9);
    const h = harness({ tpm: 60_000, adaptive: true });
    // the server has 10% left → our bucket drops to 10% of 900 = 90 tokens
    h.pacer.observe({ limitTokens: 60_000, remainingTokens: 6000 });
    h.many(9, 'c', 100);
    expect(h.released).toHaveLength(0);
    h.clock.advanceTo(1000);
    times(h.released).forEach((t, i) => expect(t).toBeCloseTo((10 + 100 * i) / 0.9, 6));
    // a remaining above what we believe never refills the bucket
    h.pacer.observe({ limitTokens: 60_000, remainingTokens: 60_000 });
    h.submit('next', 100);
    expect(h.released).toHaveLength(9);
  });

  it('stop() clears the timer, returns the dropped items and ignores later submits', () => {
    const h = harness({ rpm: 600, headroom: 1 });
    h.many(12, 'r');
    const late = h.submit('z', 1, 'batch');
    expect(h.clock.active()).toBe(1);
    const dropped = h.pacer.stop();
    expect(dropped.map((d) => d.priority)).toEqual(['interactive', 'interactive', 'batch']);
    expect(dropped[2]).toBe(late);
    expect(h.clock.active()).toBe(0);
    expect(h.pacer.queued).toBe(0);
    h.submit('after');
    h.clock.advanceTo(60_000);
    expect(h.released).toHaveLength(10);
  });

  it('never arms more than one timer, and none when idle', () => {
    const h = harness({ rpm: 1200, tpm: 100_000, adaptive: true, reserve: 0.2 });
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += (i * 7919) % 97;
      h.clock.advanceTo(t);
      h.submit(`x${i}`, 50 + ((i * 31) % 400), i % 3 === 0 ? 'interactive' : 'batch');
      if (i % 50 === 0) h.pacer.observe({ remainingTokens: 40_000 + ((i * 13) % 60_000), limitTokens: 100_000 });
      if (i % 400 === 0) h.pacer.pauseUntil(t + 300);
      expect(h.clock.active()).toBeLessThanOrEqual(1);
    }
    h.clock.advanceTo(t + 3_600_000);
    expect(h.released).toHaveLength(2000);
    expect(h.clock.maxActive).toBe(1);
    expect(h.clock.active()).toBe(0);
  });

  it('release() may submit re-entrantly; order and single timer hold', () => {
    const clock = fakeClock();
    const pacer = new Pacer({ rpm: 600, headroom: 1, burst: 1000, adaptive: false }, clock);
    const order: number[] = [];
    const chain = (n: number): PacerItem => ({
      tokens: 1,
      priority: 'interactive',
      release: () => {
        order.push(n);
        if (n < 15) pacer.submit(chain(n + 1));
      },
    });
    pacer.submit(chain(0));
    expect(order).toHaveLength(10);
    clock.advanceTo(1000);
    expect(order).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(clock.maxActive).toBe(1);
  });

  it('offered 2× tpm for 5 min of 500-token items, each minute after the first releases 0.85–0.9 × tpm', () => {
    const tpm = 100_000;
    const h = harness({ tpm });
    const offeredPerMs = (2 * tpm) / 60_000 / 500; // items per ms
    const gap = 1 / offeredPerMs; // 150 ms
    // Offered from t = 37 ms so that no release sits exactly on a minute boundary (the steady
    // release grid has period 333.3 ms, which divides a minute: a tie there is a float coin flip).
    for (let i = 0; 37 + i * gap < 300_000; i++) {
      h.clock.advanceTo(37 + i * gap);
      h.submit(`o${i}`, 500);
    }
    h.clock.advanceTo(300_000);
    const perMinute = [0, 0, 0, 0, 0];
    for (const r of h.released) if (r.at < 300_000) perMinute[Math.floor(r.at / 60_000)]! += r.tokens;
    expect(perMinute[0]).toBe(91_000); // the full bucket's 1500 tokens lead the first minute
    for (const m of [1, 2, 3, 4]) {
      expect(perMinute[m]).toBeGreaterThanOrEqual(0.85 * tpm);
      expect(perMinute[m]).toBeLessThanOrEqual(0.9 * tpm);
    }
    expect(h.pacer.queued).toBeGreaterThan(0); // the excess waits; nothing is dropped
    expect(h.clock.maxActive).toBe(1);
  });

  it('rejects invalid specs and items', () => {
    const clock = fakeClock();
    const base = { headroom: 0.9, burst: 1000, adaptive: false };
    for (const bad of [{ headroom: 0 }, { headroom: 1.1 }, { burst: 0 }, { reserve: 1 }, { rpm: -5 }, { tpm: Number.NaN }]) {
      expect(() => new Pacer({ ...base, ...bad }, clock)).toThrow(RangeError);
    }
    const p = new Pacer(base, clock);
    expect(() => p.submit({ tokens: Number.NaN, priority: 'batch', release: () => undefined })).toThrow(RangeError);
  });
});
