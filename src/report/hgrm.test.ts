import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import { decode } from '../metrics/hdr.js';
import { hgrmFiles, renderHgrm } from './hgrm.js';

/** The percentile rows of an .hgrm: value (ms), percentile (0..1), total count. */
function rows(hgrm: string): Array<{ value: number; percentile: number; total: number }> {
  return hgrm
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && /^\d/.test(f[0]!))
    .map(([v, p, t]) => ({ value: Number(v), percentile: Number(p), total: Number(t) }));
}

describe('.hgrm percentile distributions', () => {
  const r = sampleResults();

  it('one file per metric with data under `all`', () => {
    const files = hgrmFiles(r);
    const expected = Object.entries(r.metrics)
      .filter(([, byLabel]) => (byLabel.all?.count ?? 0) > 0)
      .map(([m]) => `${m}.hgrm`);
    expect(Object.keys(files).sort()).toEqual(expected.sort());
    expect(files).toHaveProperty('ttft.hgrm');
    expect(files).not.toHaveProperty('connect.hgrm'); // nothing recorded
  });

  for (const metric of ['ttft', 'e2e', 'itl']) {
    it(`${metric}: rows decode back to the histogram (ms)`, () => {
      const hdr = r.metrics[metric]!.all!.hdr;
      const h = decode(hdr);
      const text = renderHgrm(hdr);
      expect(text.split('\n')[0]!.trim().split(/\s+/)).toEqual(['Value', 'Percentile', 'TotalCount', '1/(1-Percentile)']);
      const rs = rows(text);
      const ms = (p: number) => Number((h.getValueAtPercentile(p) / 1000).toFixed(3));
      // 50 % is one of the distribution's ticks
      expect(rs.find((x) => x.percentile === 0.5)!.value).toBe(ms(50));
      // 99 % falls between ticks: the value is the first row holding 99 % of the count
      const at99 = Math.ceil(0.99 * h.totalCount);
      expect(rs.find((x) => x.total >= at99)!.value).toBe(ms(99));
      expect(rs.at(-1)).toMatchObject({ percentile: 1, total: h.totalCount });
      const footer = /#\[Max\s+=\s+([\d.]+), Total count\s+=\s+(\d+)\]/.exec(text)!;
      expect(Number(footer[2])).toBe(h.totalCount);
      expect(Number(footer[1])).toBe(Number((h.maxValue / 1000).toFixed(3)));
      h.destroy();
    });
  }
});
