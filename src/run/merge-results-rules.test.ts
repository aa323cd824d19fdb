import { describe, expect, it } from 'vitest';
import { latencies, part, PERCENTILES, summaryOf, userError, win } from '../../test/helpers/merge-parts.js';
import { decode } from '../metrics/hdr.js';
import type { MetricSummary, ThresholdVerdict } from '../metrics/results.js';
import { deferredThresholds, mergeResults } from './merge-results.js';

describe('mergeResults: series', () => {
  it('aligns windows on absolute time when the parts started 1 s apart', () => {
    const a = part({
      startMs: 0,
      windows: [
        win(0, { ttftUs: [1000, 2000], rateLimitRemainingTokens: 900 }),
        win(1, { ttftUs: [3000], inFlightMax: 5 }),
        win(2, { ttftUs: [4000], rateLimitRemainingTokens: 500 }),
      ],
    });
    const b = part({
      startMs: 1000,
      windows: [win(0, { ttftUs: [10_000, 20_000], inFlightMax: 7, rateLimitRemainingTokens: 800 }), win(1, { ttftUs: [30_000], rateLimitRemainingTokens: 600 }), win(2)],
    });
    const merged = mergeResults([a, b]);
    const w = merged.series.windows;
    expect(merged.series.intervalMs).toBe(1000);
    expect(w.map((x) => x.start)).toEqual([0, 1, 2, 3]);
    expect(w.map((x) => x.requests)).toEqual([10, 20, 20, 10]);
    expect(w.map((x) => x.failed)).toEqual([1, 2, 2, 1]);
    expect(w.map((x) => x.byClass.http_5xx)).toEqual([1, 2, 2, 1]);
    expect(w.map((x) => x.requestsPerSecond)).toEqual([10, 20, 20, 10]);
    expect(w.map((x) => x.outputTokensPerSecond)).toEqual([180, 360, 360, 180]);
    expect(w.map((x) => x.inFlightMax)).toEqual([4, 12, 8, 4]);
    expect(w.map((x) => x.rateLimitRemainingTokens)).toEqual([900, 800, 500, null]);
    expect(w.map((x) => x.ttft?.count ?? 0)).toEqual([2, 3, 2, 0]);
    expect(w[1]!.ttft!.max).toBe(20);
    expect(w.every((x) => x.length === 1)).toBe(true);
  });

  it('rounds a window to the nearest bin of the merged grid', () => {
    const a = part({ startMs: 0, windows: [win(0), win(1), win(2)] });
    const early = part({ startMs: 1400, windows: [win(0)] });
    const late = part({ startMs: 1600, windows: [win(0)] });
    expect(mergeResults([a, early]).series.windows.map((x) => x.requests)).toEqual([10, 20, 10]);
    expect(mergeResults([a, late]).series.windows.map((x) => x.requests)).toEqual([10, 10, 20]);
  });

  it("adds the windows' TPOT and ITL histograms exactly: a merged window's ITL is the sum of its parts'", () => {
    const gaps = { a0: latencies(1, 400, 9_000, 0.3), a1: latencies(2, 500, 12_000, 0.5), b0: latencies(3, 700, 20_000, 0.8) };
    const tpot = { a1: latencies(4, 30, 11_000, 0.2), b0: latencies(5, 40, 18_000, 0.2) };
    const a = part({ startMs: 0, windows: [win(0, { itl: summaryOf(gaps.a0) }), win(1, { itl: summaryOf(gaps.a1), tpot: summaryOf(tpot.a1) })] });
    // b started 1 s later: its window 0 lands on a's window 1; its window 1 has no ITL
    const b = part({ startMs: 1000, windows: [win(0, { itl: summaryOf(gaps.b0), tpot: summaryOf(tpot.b0) }), win(1)] });
    const w = mergeResults([a, b]).series.windows;
    expect(w.map((x) => [x.start, x.itl?.count, x.tpot?.count])).toEqual([
      [0, 400, undefined],
      [1, 1200, 70],
      [2, undefined, undefined],
    ]);
    // summaries equal those of one histogram of all the values; the encoded histograms decode alike
    const same = (got: MetricSummary, values: number[]) => {
      const want = summaryOf(values);
      expect({ ...got, hdr: '' }).toEqual({ ...want, hdr: '' });
      const [g, h] = [decode(got.hdr), decode(want.hdr)];
      expect(g.totalCount).toBe(h.totalCount);
      for (const p of PERCENTILES) expect(g.getValueAtPercentile(p), `p${p}`).toBe(h.getValueAtPercentile(p));
      g.destroy();
      h.destroy();
    };
    same(w[1]!.itl!, [...gaps.a1, ...gaps.b0]);
    same(w[1]!.tpot!, [...tpot.a1, ...tpot.b0]);
    same(w[0]!.itl!, gaps.a0);
  });

  it('refuses parts with different intervals unless allowMismatch, then re-bins on the longest', () => {
    const a = part({ intervalMs: 1000, windows: [win(0), win(1), win(2)] });
    const b = part({ intervalMs: 2000, windows: [win(0, { length: 2, requestsPerSecond: 5 })] });
    const e = userError(() => mergeResults([a, b], { names: ['a.json', 'b.json'] }));
    expect(e.where).toBe('b.json');
    expect(e.message).toContain('2000 ms');
    const merged = mergeResults([a, b], { allowMismatch: true });
    expect(merged.series.intervalMs).toBe(2000);
    expect(merged.series.windows.map((x) => [x.start, x.requests, x.requestsPerSecond])).toEqual([
      [0, 30, 15],
      [2, 10, 5],
    ]);
  });
});

describe('mergeResults: thresholds', () => {
  const verdict = (metric: string, expr: string, pass: boolean, field = `thresholds.${metric}[0]`): ThresholdVerdict => ({ metric, expr, actual: null, pass, field });

  it('re-evaluates the parts\' thresholds on the merged results', () => {
    const thresholds = [verdict('errorRate', '< 10%', false), verdict('ttft', 'p95 < 250ms', true), verdict('drift.ttft.p95', '< 10%/h', true)];
    const a = part({ ttft: Array(100).fill(100_000), requests: 100, failed: 0, thresholds });
    const b = part({ ttft: Array(100).fill(400_000), requests: 100, failed: 15, thresholds });
    const merged = mergeResults([a, b]);
    expect(merged.thresholds).toEqual([
      { metric: 'errorRate', expr: '< 10%', actual: 0.075, pass: true, field: 'thresholds.errorRate[0]' },
      { metric: 'ttft', expr: 'p95 < 250ms', actual: expect.closeTo(400, 0) as unknown as number, pass: false, field: 'thresholds.ttft[0]' },
      // drift is fitted again on the merged series; these parts have no windows, so no data
      { metric: 'drift.ttft.p95', expr: '< 10%/h', actual: null, pass: false, field: 'thresholds.drift.ttft.p95[0]' },
    ]);
    expect(deferredThresholds([a, b])).toEqual([]);
  });

  it('evaluates label selectors too', () => {
    const thresholds = [verdict('ttft{phase=steady}', 'p50 < 1s', true)];
    const a = part({ thresholds });
    a.metrics.ttft!['phase=steady'] = summaryOf([2_000_000]);
    const merged = mergeResults([a, part({ thresholds })]);
    expect(merged.thresholds).toEqual([{ metric: 'ttft{phase=steady}', expr: 'p50 < 1s', actual: expect.any(Number) as unknown as number, pass: false, field: 'thresholds.ttft{phase=steady}[0]' }]);
    // the one 2 s value (read at its bucket's upper edge, as for any run)
    expect(Math.abs(merged.thresholds[0]!.actual! - 2000)).toBeLessThan(2);
  });
});

describe('mergeResults: validation', () => {
  const names = ['s1.json', 's2.json', 's3.json', 's4.json'];

  it('needs two parts', () => {
    expect(userError(() => mergeResults([part()])).message).toContain('at least two');
    userError(() => mergeResults([]));
  });

  it('refuses parts of different runs unless allowMismatch', () => {
    for (const [spec, field] of [
      [{ scenarioHash: 'other' }, 'scenarioHash'],
      [{ seed: 7 }, 'seed'],
      [{ model: 'gpt-4o' }, 'target.model'],
    ] as const) {
      const e = userError(() => mergeResults([part(), part(spec)], { names }));
      expect(e.where).toBe('s2.json');
      expect(e.message).toContain(field);
      expect(e.message).toContain('s1.json');
      expect(e.hint).toContain('--allow-mismatch');
      expect(mergeResults([part(), part(spec)], { allowMismatch: true }).counts.requests).toBe(6);
    }
  });

  it('refuses the same shard twice and shards of different splits, even with allowMismatch', () => {
    const dup = userError(() => mergeResults([part({ shard: { index: 1, count: 2 } }), part({ shard: { index: 1, count: 2 } })], { names, allowMismatch: true }));
    expect(dup.where).toBe('s2.json');
    expect(dup.message).toContain('shard 1/2 is given twice');
    const counts = userError(() => mergeResults([part({ shard: { index: 1, count: 2 } }), part({ shard: { index: 2, count: 4 } })], { names, allowMismatch: true }));
    expect(counts.where).toBe('s2.json');
    expect(counts.message).toContain('split into 4');
  });

  it('names the missing shards of an incomplete set; allowMismatch merges it as partial', () => {
    const parts = [1, 2, 4].map((index) => part({ shard: { index, count: 4 } }));
    const e = userError(() => mergeResults(parts, { names }));
    expect(e.message).toBe('incomplete shard set: missing 3/4 (got 1/4, 2/4, 4/4)');
    expect(e.hint).toContain('--allow-mismatch');
    const merged = mergeResults(parts, { allowMismatch: true });
    expect(merged.meta.partial).toBe(true);
    expect(merged.meta.partialReason).toBe('merged 3 of 4 shards (missing 3/4)');
    expect(merged.meta.mergedFrom).toBe(3);
  });

  it('accepts a complete set in any order, and shards mixed with merged results', () => {
    const parts = [3, 1, 2].map((index) => part({ shard: { index, count: 3 } }));
    const merged = mergeResults(parts);
    expect(merged.meta.partial).toBe(false);
    expect(merged.meta.partialReason).toBeUndefined();
    expect(mergeResults([merged, part({ shard: { index: 1, count: 3 } })]).meta.mergedFrom).toBe(4);
  });

  it('refuses a damaged timestamp', () => {
    const b = part();
    b.meta.startedAt = 'yesterday';
    const e = userError(() => mergeResults([part(), b], { names }));
    expect(e.where).toBe('s2.json');
    expect(e.message).toContain('meta.startedAt');
  });
});
