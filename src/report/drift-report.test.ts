import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import type { Results } from '../metrics/results.js';
import { driftRows, formatActual } from './format.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

/** Sample results with a drift section and two drift verdicts (one failing, one without data). */
function withDrift(): Results {
  const r = sampleResults({ thresholds: {} });
  r.drift = {
    windowMs: 10_000,
    metrics: {
      'ttft.p95': { unit: 'ms', perHour: 36.5, relativePerHour: 7.3, start: 500, end: 573, windows: 720 },
      'e2e.p95': null,
      errorRate: { unit: 'fraction', perHour: 0.002, relativePerHour: null, start: 0, end: 0.004, windows: 720 },
    },
  };
  r.thresholds = [
    { metric: 'drift.ttft.p95', expr: '< 5%/h', actual: 7.3, pass: false, field: 'drift.ttft.p95' },
    { metric: 'drift.e2e.p95', expr: '< 200ms/h', actual: null, pass: false, field: 'drift.e2e.p95' },
    { metric: 'drift.errorRate', expr: '< 0.5pp/h', actual: 0.2, pass: true, field: 'drift.errorRate' },
  ];
  return r;
}

describe('drift in the reports', () => {
  it('formats a drift verdict in its expression unit', () => {
    expect(formatActual('drift.ttft.p95', 7.3, '< 5%/h')).toBe('+7.30 %/h');
    expect(formatActual('drift.e2e.p99', -120, '> -200ms/h')).toBe('-120 ms/h');
    expect(formatActual('drift.errorRate', 0.2, '< 0.5pp/h')).toBe('+0.20 pp/h');
    expect(formatActual('drift.e2e.p99', null, '< 1s/h')).toBe('no data');
  });

  it('drift rows: slope per hour, relative, start → end, windows', () => {
    expect(driftRows(withDrift())).toEqual([
      ['ttft.p95', '+36.5 ms/h', '+7.30 %/h', '500.0 ms → 573.0 ms', '720'],
      ['e2e.p95', 'no data', '–', '–', '0'],
      ['errorRate', '+0.20 pp/h', '–', '0.00% → 0.40%', '720'],
    ]);
    expect(driftRows(sampleResults())).toEqual([]);
  });

  it('JUnit keeps dotted metric names and explains the fit', () => {
    const xml = renderJUnit(withDrift());
    expect(xml).toContain('classname="thresholds.drift.ttft.p95" name="drift.ttft.p95: &lt; 5%/h"');
    expect(xml).toContain('message="actual +7.30 %/h vs expected &lt; 5%/h"');
    expect(xml).toContain('ttft.p95 over 720 windows: 500.0 ms → 573.0 ms, +36.5 ms/h');
    expect(xml).toContain('not enough interval windows to fit e2e.p95');
    expect(xml).toMatch(/tests="3" failures="2"/);
  });

  it('the Markdown summary lists verdicts and a drift table', () => {
    const md = renderSummaryMarkdown(withDrift());
    expect(md).toContain('| drift.ttft.p95 | &lt; 5%/h | +7.30 %/h | ❌ fail |');
    expect(md).toContain('### Drift (per hour)');
    expect(md).toContain('| ttft.p95 | +36.5 ms/h | +7.30 %/h | 500.0 ms → 573.0 ms | 720 |');
    expect(renderSummaryMarkdown(sampleResults())).not.toContain('Drift');
  });

  it('the HTML report has a Drift table only when results.drift has lines', () => {
    const html = renderHtml(withDrift());
    expect(html).toContain('<h2>Drift</h2>');
    expect(html).toContain('<td>+36.5 ms/h</td><td>+7.30 %/h</td>');
    expect(renderHtml(sampleResults())).not.toContain('<h2>Drift</h2>');
  });
});

describe('the p95 trend on the over-time charts', () => {
  it('is drawn over the windows the line was fitted on, at the fitted values', () => {
    const r = sampleResults({ thresholds: {} });
    const win = (start: number) => ({ start, length: 10, requests: 10, ok: 10, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 1, outputTokensPerSecond: 1, inFlightMax: 1, rateLimitRemainingTokens: null, ttft: r.metrics.ttft!.all!, e2e: null });
    r.series = { intervalMs: 10_000, windows: [0, 10, 20, 30].map(win) };
    r.drift = { windowMs: 10_000, metrics: { 'ttft.p95': { unit: 'ms', perHour: 3600, relativePerHour: 200, start: 500, end: 520, from: 5, to: 25, windows: 3 } } };
    const html = renderHtml(r);
    // midpoints 5, 15, 25 are on the line (500, 510, 520); 35 is past its end
    expect(html).toContain('"p95 trend"');
    expect(html).toMatch(/\[500,510,520,null\]/);
    delete r.drift.metrics['ttft.p95']!.from;
    expect(renderHtml(r)).not.toContain('"p95 trend"');
  });
});
