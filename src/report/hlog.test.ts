import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import { decode } from '../metrics/hdr.js';
import { readHlog, renderHlog } from './hlog.js';

describe('interval log (1.3)', () => {
  const r = sampleResults();
  const text = renderHlog(r);
  const lines = text.trimEnd().split('\n');

  it('header: format version and start time', () => {
    expect(lines[0]).toBe('#[Histogram log format version 1.3]');
    expect(lines[1]).toBe('#[StartTime: 1740830400.250 (seconds since epoch), 2025-03-01T12:00:00.250Z]');
    expect(text).not.toMatch(/\n\n/);
  });

  it('one tagged interval per metric, covering the run', () => {
    const tagged = lines.filter((l) => l.startsWith('Tag='));
    const metrics = Object.keys(r.metrics).filter((m) => (r.metrics[m]!.all?.count ?? 0) > 0);
    expect(tagged.map((l) => l.slice(4, l.indexOf(',')))).toEqual(metrics);
    const ttft = tagged.find((l) => l.startsWith('Tag=ttft,'))!.split(',');
    // the max is the histogram's (its bucket's highest equivalent value), in ms, as HdrHistogram writes it
    const max = decode(r.metrics.ttft!.all!.hdr).maxValue / 1000;
    expect(ttft.slice(1, 4)).toEqual(['0.000', '10.000', max.toFixed(3)]);
    expect(Math.abs(max - r.metrics.ttft!.all!.max)).toBeLessThanOrEqual(r.metrics.ttft!.all!.max * 0.001);
    expect(ttft[4]).toMatch(/^HIST[A-Za-z0-9+/=]+$/);
  });

  it('reads back: same counts and p99 as results', () => {
    const read = readHlog(text);
    expect(read.map((x) => x.tag)).toEqual(Object.keys(r.metrics).filter((m) => (r.metrics[m]!.all?.count ?? 0) > 0));
    for (const { tag, histogram } of read) {
      const original = decode(r.metrics[tag]!.all!.hdr);
      expect(histogram.totalCount).toBe(original.totalCount);
      expect(histogram.totalCount).toBe(r.metrics[tag]!.all!.count);
      expect(histogram.getValueAtPercentile(99)).toBe(original.getValueAtPercentile(99));
      expect(histogram.maxValue).toBe(original.maxValue);
      // interval stamps: the run's start (epoch ms) and its length
      expect(histogram.startTimeStampMsec).toBeCloseTo(Date.parse(r.meta.startedAt), 0);
      expect(histogram.endTimeStampMsec - histogram.startTimeStampMsec).toBeCloseTo(r.meta.durationMs, 0);
      original.destroy();
    }
  });
});

describe('interval log with interval windows', () => {
  it('writes TTFT, E2E and ITL per window; a tag\'s intervals add up to the run', async () => {
    const { newHistogram, recordMs, summarize } = await import('../metrics/hdr.js');
    const r = sampleResults();
    const whole = { ttft: newHistogram(), e2e: newHistogram(), itl: newHistogram() };
    r.series = {
      intervalMs: 1000,
      windows: [0, 1, 2].map((i) => {
        const w = { ttft: newHistogram(), e2e: newHistogram(), itl: newHistogram() };
        for (let k = 1; k <= 50 + i * 10; k++) {
          // three token gaps per request
          for (const [m, v] of [['ttft', 100 * (i + 1) + k], ['e2e', 900 * (i + 1) + k], ['itl', 5 + i + k / 10], ['itl', 6 + i], ['itl', 40 + k]] as const) {
            recordMs(w[m], v);
            recordMs(whole[m], v);
          }
        }
        return { start: i, length: 1, requests: 0, ok: 0, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 0, outputTokensPerSecond: 0, inFlightMax: 0, rateLimitRemainingTokens: null, ttft: summarize(w.ttft), e2e: summarize(w.e2e), itl: summarize(w.itl) };
      }),
    };
    r.metrics.ttft!.all = summarize(whole.ttft);
    r.metrics.e2e!.all = summarize(whole.e2e);
    r.metrics.itl!.all = summarize(whole.itl);
    const read = readHlog(renderHlog(r));
    const counts = { ttft: [50, 60, 70], e2e: [50, 60, 70], itl: [150, 180, 210] };
    for (const m of ['ttft', 'e2e', 'itl'] as const) {
      const mine = read.filter((x) => x.tag === m);
      expect(mine.length).toBe(3);
      // each line is its window: its start offset and its own count
      expect(mine.map((x) => x.histogram.startTimeStampMsec - Date.parse(r.meta.startedAt))).toEqual([0, 1000, 2000]);
      expect(mine.map((x) => x.histogram.totalCount)).toEqual(counts[m]);
      const sum = newHistogram();
      for (const x of mine) sum.add(x.histogram);
      expect(sum.totalCount).toBe(whole[m].totalCount);
      for (const p of [50, 90, 99, 100]) expect(sum.getValueAtPercentile(p)).toBe(whole[m].getValueAtPercentile(p));
    }
    expect(whole.itl.totalCount).toBe(540);
    // metrics without windows keep one whole-run line
    expect(r.metrics.ttfb!.all!.count).toBeGreaterThan(0);
    expect(read.filter((x) => x.tag === 'ttfb').map((x) => x.histogram.totalCount)).toEqual([r.metrics.ttfb!.all!.count]);
  });

  it("falls back to one whole-run line for ITL when the windows do not hold all of the run's gaps", () => {
    const r = sampleResults();
    const all = r.metrics.itl!.all!;
    // one window holding all but one of the run's gaps
    const partOf = { ...all, count: all.count - 1 };
    r.series = { intervalMs: 1000, windows: [{ start: 0, length: 1, requests: 0, ok: 0, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 0, outputTokensPerSecond: 0, inFlightMax: 0, rateLimitRemainingTokens: null, ttft: null, e2e: null, itl: partOf }] };
    const itl = readHlog(renderHlog(r)).filter((x) => x.tag === 'itl');
    expect(itl.map((x) => x.histogram.totalCount)).toEqual([all.count]);
    expect(itl[0]!.histogram.endTimeStampMsec - itl[0]!.histogram.startTimeStampMsec).toBeCloseTo(r.meta.durationMs, 0);
  });
});

describe('one interval log per metric', () => {
  it('<metric>.hlog holds that metric alone, untagged, and reads back to its counts and percentiles', async () => {
    const { hlogFiles } = await import('./hlog.js');
    const r = sampleResults();
    const files = hlogFiles(r);
    const metrics = Object.keys(r.metrics).filter((m) => (r.metrics[m]!.all?.count ?? 0) > 0);
    expect(Object.keys(files).sort()).toEqual(metrics.map((m) => `${m}.hlog`).sort());
    for (const m of metrics) {
      const text = files[`${m}.hlog`]!;
      expect(text.startsWith('#[Histogram log format version 1.3]')).toBe(true);
      expect(text).not.toMatch(/^Tag=/m);
      const read = readHlog(text);
      const original = decode(r.metrics[m]!.all!.hdr);
      const sum = read.reduce((n, x) => n + x.histogram.totalCount, 0);
      expect(sum).toBe(original.totalCount);
      expect(read[0]!.histogram.getValueAtPercentile(99)).toBe(original.getValueAtPercentile(99));
      original.destroy();
    }
  });
});
