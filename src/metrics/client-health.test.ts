import { describe, expect, it } from 'vitest';
import { ClientMonitor } from './client-health.js';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('client self-watch', () => {
  it('an idle client is not saturated', async () => {
    const m = new ClientMonitor();
    m.start();
    for (let i = 0; i < 10; i++) {
      m.recordSlip(0.5);
      await tick(20);
    }
    const h = m.stop();
    expect(h.saturated).toBe(false);
    expect(h.scheduleSlipP99Ms).toBeLessThan(1);
  });

  it('a blocked event loop and late dispatches are reported, with reasons', async () => {
    const m = new ClientMonitor();
    m.start();
    for (let i = 0; i < 6; i++) {
      busy(120);
      m.recordSlip(100);
      await tick(1);
    }
    const h = m.stop();
    expect(h.saturated).toBe(true);
    expect(h.eventLoopDelayP99Ms).toBeGreaterThan(50);
    expect(h.scheduleSlipP99Ms).toBeGreaterThan(90);
    expect(h.reasons.join(' ')).toMatch(/event-loop delay/);
    expect(h.reasons.join(' ')).toMatch(/dispatched late/);
  });
});
