/**
 * The measured numbers against a server whose schedule the test controls. The server runs
 * in its own thread and logs when it really wrote each event; the client must agree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { epoch, median, startScheduledServer, type ScheduledServer } from './helpers/scheduled-server.js';
import { runCore } from './helpers/run-core.js';
import { urlTarget } from './helpers/target.js';

let server: ScheduledServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('stream timing against a known schedule', () => {
  it('TTFT, E2E and ITL medians match the server at 100 concurrent streams; the client stamps within 2 ms of each write', async () => {
    // 100 ms to the first content write, then a write every 10 ms carrying 2 events each.
    server = await startScheduledServer({ ttftMs: 100, intervalMs: 10, events: 20, eventsPerWrite: 2 });
    const { recorder, records } = await runCore(urlTarget(server.url), {
      maxInFlight: 200,
      phases: [{ kind: 'closed', name: 'c', duration: 3000, concurrency: 100 }],
    });
    const truth = new Map((await server.truth()).map((t) => [String(t.id), t]));
    expect(records.length).toBeGreaterThan(300);
    expect(records.every((r) => r.errorClass === null)).toBe(true);

    const ms = (metric: 'ttft' | 'e2e' | 'itl') => recorder.histogram(metric)!.getValueAtPercentile(50) / 1000;
    const serverTtft: number[] = [];
    const serverE2e: number[] = [];
    const serverItl: number[] = [];
    const firstTokenLag: number[] = [];
    const lastTokenLag: number[] = [];
    for (const r of records) {
      const t = truth.get(r.requestId!)!;
      const writes = t.writes;
      serverTtft.push(writes[0]!.at - t.received);
      serverE2e.push(writes[writes.length - 1]!.at - t.received);
      for (let i = 0; i < writes.length; i++) {
        // events that share a write arrive together: gap 0 inside a write, the write gap between
        for (let e = i === 0 ? 1 : 0; e < writes[i]!.events; e++) serverItl.push(e === 0 ? writes[i]!.at - writes[i - 1]!.at : 0);
      }
      firstTokenLag.push(epoch(r.firstToken) - writes[0]!.at);
      lastTokenLag.push(epoch(r.lastToken) - writes[writes.length - 1]!.at);
      expect(r.tokenTimes.length).toBe(20);
    }
    // The client's own error: from the server handing a write to the kernel to the client's stamp
    // of it. Never before the write, and within 2 ms at the median, first token and last.
    for (const lag of [median(firstTokenLag), median(lastTokenLag)]) {
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(2);
    }
    expect(Math.abs(ms('itl') - median(serverItl))).toBeLessThan(2);
    // Half the gaps are 0 (two events per write), so the median alone says little: the gaps
    // between writes (10 ms) are the upper half, read at p90.
    const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
    expect(p90(serverItl)).toBeGreaterThan(9);
    expect(Math.abs(recorder.histogram('itl')!.getValueAtPercentile(90) / 1000 - p90(serverItl))).toBeLessThan(2);
    // TTFT and E2E run from the client's send, the server's from when it read the request: the
    // client's figure also holds the request's way in (loopback, and the server's event loop
    // noticing it, as on any server). So the client reads longer, by a round trip on loopback
    // with two busy event loops sharing 2 cores: measured 0.9–2.5 ms here, up to 4 ms with other
    // work on the machine. The request's way in is checked apart: at the median the server reads
    // a request after the client stamped it sent, or at most a moment before (the stamp is taken
    // when the write completes; the server's thread can be quicker). A stamp taken too early —
    // at dispatch, say — would show here as milliseconds.
    const wayIn = records.map((r) => truth.get(r.requestId!)!.received - epoch(r.sent));
    expect(median(wayIn)).toBeGreaterThan(-0.5);
    expect(median(wayIn)).toBeLessThan(3);
    for (const [metric, server] of [['ttft', serverTtft], ['e2e', serverE2e]] as const) {
      expect(ms(metric) - median(server)).toBeGreaterThan(-0.5);
      expect(ms(metric) - median(server)).toBeLessThan(5);
    }
    // the schedule itself: ~100 ms TTFT and ~190 ms to the last write
    expect(median(serverTtft)).toBeGreaterThan(99);
    expect(ms('ttft')).toBeGreaterThan(99);
  });

  it('a role-only opening chunk is not the first token', async () => {
    // The role chunk goes out with the headers; content only after 150 ms.
    server = await startScheduledServer({ ttftMs: 150, intervalMs: 5, events: 3 });
    const { records } = await runCore(urlTarget(server.url), {
      maxInFlight: 10,
      phases: [{ kind: 'closed', name: 'c', duration: 300, concurrency: 1 }],
    });
    for (const r of records) {
      expect(r.headers - r.sent).toBeLessThan(50);
      expect(r.firstToken - r.sent).toBeGreaterThan(140);
    }
  });
});

describe('coordinated omission', () => {
  it('a 1 s stall shows in *_from_intended for the requests queued behind it, not in from-sent figures', async () => {
    // One connection, so requests behind the stalled one wait in the client's queue.
    server = await startScheduledServer({ ttftMs: 2, intervalMs: 1, events: 2, stallSeq: 50, stallMs: 1000 });
    const { recorder, records } = await runCore(
      urlTarget(server.url),
      { maxInFlight: 500, phases: [{ kind: 'open', name: 'o', duration: 3000, arrival: 'constant', rate: 50, rampTo: 50, burstiness: 1 }] },
      1,
    );
    expect(records.length).toBe(150);
    const p = (metric: 'e2e' | 'e2e_from_intended' | 'ttft' | 'ttft_from_intended', q: number) =>
      recorder.histogram(metric)!.getValueAtPercentile(q) / 1000;
    // from-sent: only the stalled request itself is slow
    expect(p('e2e', 90)).toBeLessThan(50);
    expect(p('ttft', 90)).toBeLessThan(50);
    expect(p('e2e', 100)).toBeGreaterThan(950);
    // from intended: ~50 requests arrived during the stall and waited for it
    expect(p('e2e_from_intended', 90)).toBeGreaterThan(300);
    expect(p('ttft_from_intended', 90)).toBeGreaterThan(300);
    expect(p('e2e_from_intended', 100)).toBeGreaterThan(950);
    const waited = records.filter((r) => r.lastToken - r.intended > 200 && r.lastToken - r.sent < 100);
    expect(waited.length).toBeGreaterThanOrEqual(30);
  });
});
