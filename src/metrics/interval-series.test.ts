import { describe, expect, it } from 'vitest';
import { newRecord, type RequestRecord } from '../record.js';
import { decode } from './hdr.js';
import { MetricsRecorder } from './recorder.js';

/** A successful request sent at `sent` whose tokens arrive at `sent + 50 + offsets[i]` (ms). */
function streamed(seq: number, sent: number, offsets: number[]): RequestRecord {
  const r = newRecord(seq, 0, 0, sent - 1);
  r.dispatched = sent - 0.5;
  r.sent = sent;
  r.headers = sent + 10;
  r.tokenTimes = offsets.map((o) => sent + 50 + o);
  r.firstToken = r.tokenTimes[0]!;
  r.lastToken = r.tokenTimes[r.tokenTimes.length - 1]!;
  r.end = r.lastToken + 1;
  r.status = 200;
  r.usageOutputTokens = offsets.length;
  return r;
}

/** Token offsets whose consecutive gaps are `gaps` (ms). */
const offsetsOf = (gaps: number[]): number[] => gaps.reduce((acc, g) => [...acc, acc[acc.length - 1]! + g], [0]);

/** HDR keeps 3 significant digits: equal within 0.1 %. */
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe('interval windows: ITL', () => {
  it('the windows hold every gap the run does: their ITL counts add up to the whole-run itl', () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], series: { intervalMs: 100, t0: 0 } });
    // 40 requests ending across ~12 windows of 100 ms (older windows close while newer ones fill)
    for (let i = 0; i < 40; i++) {
      const gaps = Array.from({ length: 3 + (i % 9) }, (_, k) => 1 + ((i * 7 + k * 3) % 11));
      r.recordRequest(streamed(i, i * 30, offsetsOf(gaps)));
    }
    // stamps the recorder skips (NaN from a missing stamp, a negative gap) are skipped by the windows too
    const odd = streamed(100, 2000, [0, 4, 9, 20]);
    odd.tokenTimes = [odd.sent + 50, NaN, odd.sent + 59, odd.sent + 57, odd.sent + 70];
    r.recordRequest(odd);
    // a failed request's tokens are not latency
    const failed = streamed(101, 2200, [0, 5, 10]);
    failed.errorClass = 'stream_cut';
    r.recordRequest(failed);

    const windows = r.series!.finish();
    expect(windows.filter((w) => w.itl).length).toBeGreaterThanOrEqual(10);
    const whole = r.histogram('itl')!;
    const sum = windows.reduce((n, w) => n + (w.itl?.count ?? 0), 0);
    expect(sum).toBe(whole.totalCount);
    expect(r.metrics().itl!.all!.count).toBe(sum);
    // only the odd request's 59 → 70 gap lies between its valid neighbours; 50 → NaN, NaN → 59 and 59 → 57 are out
    const oddWindow = windows.find((w) => w.start === 2)!; // alone there: it ends at 2000 + 50 + 20 + 1 ms
    expect(oddWindow.requests).toBe(1);
    expect(oddWindow.itl!.count).toBe(1);
    near(oddWindow.itl!.max, 13);
  });

  it("a window's ITL percentiles are those of the gaps that ended in it, histogram included", () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], series: { intervalMs: 1000, t0: 0 } });
    // window 0: one request with gaps 1 … 99 ms (p50 50 ms), ending at 50 + 4950 + 1 ms → window 5
    r.recordRequest(streamed(0, 0, offsetsOf(Array.from({ length: 99 }, (_, k) => k + 1))));
    // window 7: two requests with gaps of 30 ms and 10 ms, three of each
    r.recordRequest(streamed(1, 7000, offsetsOf([30, 30, 30])));
    r.recordRequest(streamed(2, 7100, offsetsOf([10, 10, 10])));
    const windows = r.series!.finish();
    expect(windows.map((w) => [w.start, w.itl?.count])).toEqual([
      [5, 99],
      [7, 6],
    ]);
    const [a, b] = windows as [(typeof windows)[number], (typeof windows)[number]];
    near(a.itl!.p50, 50);
    near(a.itl!.min, 1);
    near(a.itl!.max, 99);
    near(a.itl!.p99, 99);
    near(b.itl!.p50, 10);
    near(b.itl!.max, 30);
    near(b.itl!.mean, 20);
    // the encoded histogram is the window's own
    const h = decode(b.itl!.hdr);
    expect(h.totalCount).toBe(6);
    h.destroy();
  });

  it('a window of requests with one token each (no gaps) has no ITL', () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], series: { intervalMs: 1000, t0: 0 } });
    r.recordRequest(streamed(0, 0, [0]));
    const [w] = r.series!.finish();
    expect(w!.ok).toBe(1);
    expect(w!.ttft).not.toBeNull();
    expect(w!.itl).toBeNull();
  });
});

describe('interval windows: a record later than the closed windows', () => {
  it('joins the oldest open window: no window appears twice, and every request is counted once', () => {
    const r = new MetricsRecorder({ model: 'm', phaseNames: ['a'], series: { intervalMs: 100, t0: 0 } });
    for (let i = 0; i < 10; i++) r.recordRequest(streamed(i, i * 100 + 10, [0, 5]));
    // a retry left waiting at stop comes back with its end ~850 ms in the past
    r.recordRequest(streamed(99, 60, [0, 5]));
    const windows = r.series!.finish();
    const starts = windows.map((w) => w.start);
    expect(new Set(starts).size).toBe(starts.length);
    expect(windows.reduce((n, w) => n + w.requests, 0)).toBe(11);
    expect(windows.reduce((n, w) => n + (w.itl?.count ?? 0), 0)).toBe(r.histogram('itl')!.totalCount);
  });
});
