import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import { mdCell, renderSummaryMarkdown } from './summary-md.js';

/** The rows of the Markdown table under a heading, split into cells. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const raw: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) raw.push(line);
    else if (raw.length > 0) break;
  }
  const cells = (line: string) => line.slice(2, -2).split(/ (?<!\\)\| /);
  const [head, separator, ...body] = raw;
  expect(separator).toMatch(/^\|(:?-{3}:?\|)+$/);
  expect(separator!.split('|').length).toBe(cells(head!).length + 2);
  return [cells(head!), ...body.map(cells)];
}

describe('renderSummaryMarkdown', () => {
  const r = sampleResults();
  const md = renderSummaryMarkdown(r);

  it('starts with the verdict', () => {
    expect(md.split('\n')[0]).toBe('## ❌ llm-bench: steady &amp; "quoted" &lt;chat&gt; — 2 of 4 thresholds failed');
    const pass = renderSummaryMarkdown(sampleResults({ thresholds: { ttft: ['p95 < 10s'] } }));
    expect(pass.split('\n')[0]).toMatch(/^## ✅ .* the threshold passed$/);
    expect(renderSummaryMarkdown(sampleResults({ thresholds: {} })).split('\n')[0]).toMatch(/^## ✅ .*no thresholds/);
  });

  it('latency table: p50/p95/p99 of ttft, e2e, itl, tpot, ttfb in ms', () => {
    const [head, ...rows] = tableAfter(md, '### Latency (ms)');
    expect(head).toEqual(['metric', 'count', 'p50', 'p95', 'p99']);
    expect(rows.map((row) => row[0])).toEqual(['ttft', 'e2e', 'itl', 'tpot', 'ttfb']);
    const ttft = r.metrics.ttft!.all!;
    expect(rows[0]).toEqual(['ttft', String(ttft.count), ttft.p50.toFixed(1), ttft.p95.toFixed(1), ttft.p99.toFixed(1)]);
  });

  it('thresholds table with actual and verdict', () => {
    const [head, ...rows] = tableAfter(md, '### Thresholds');
    expect(head).toEqual(['metric', 'expression', 'actual', 'result']);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual(['e2e', 'p99 &lt; 50ms', `${r.thresholds[1]!.actual!.toFixed(1)} ms`, '❌ fail']);
    expect(rows[2]).toEqual(['connect', 'p95 &lt; 5ms', 'no data', '❌ fail']);
    expect(rows[3]).toEqual(['errorRate', '&lt; 50%', '1.48%', '✅ pass']);
  });

  it('counts and errors by class; messages cannot break the markup', () => {
    const [head, row] = tableAfter(md, '### Counts');
    expect(head).toEqual(['requests', 'ok', 'failed', 'dropped', 'error rate', 'req/s', 'output tok/s']);
    expect(row).toEqual(['203', '200', '3', '1', '1.48%', '20.30', '320.0']);
    const [, ...classes] = tableAfter(md, '### Errors');
    expect(classes).toEqual([['http\\_5xx', '2'], ['timeout', '1']]);
    expect(md).toContain('- 2× http\\_5xx (503): HTTP 503: overloaded \\| try "later" &lt;soon&gt; &amp; again');
    expect(md).toContain('at `http://127.0.0.1:8080/v1?a=1&b=2`');
    expect(mdCell('a|b\nc*d')).toBe('a\\|b c\\*d');
  });

  it('warns when the client was saturated or the run was partial, and only then', () => {
    expect(md).not.toContain('[!WARNING]');
    const warned = renderSummaryMarkdown(sampleResults({ saturated: true, partial: 'SIGTERM' }));
    expect(warned).toContain('> The client was the bottleneck: event-loop delay p99 120 ms &gt; 50 ms. Latencies include client delay.');
    expect(warned).toContain('> Partial run: it was interrupted (SIGTERM)');
  });
});
