/** One-line facts the console, summary.md and the report share: network baseline, how the run was split, saturation advice. */
import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import type { RttCalibration } from '../metrics/results.js';
import { renderConsole } from './console.js';
import { rttLine } from './format.js';
import { renderHtml } from './html.js';
import { renderSummaryMarkdown } from './summary-md.js';

const rtt = (o: Partial<RttCalibration> = {}): RttCalibration => ({
  url: 'https://api.example.test/v1',
  samples: 5,
  connectMs: { min: 11.2, median: 12.34, max: 15 },
  firstRequestMs: 80,
  requestMs: { min: 30, median: 31.5, max: 40 },
  path: '/v1/models',
  status: 200,
  ...o,
});

describe('network baseline in the reports', () => {
  it('one line: TCP connect and the warm request, medians', () => {
    expect(rttLine({ calibration: { rtt: rtt() } })).toBe('network baseline: TCP connect 12.3 ms, GET /v1/models 31.5 ms (HTTP 200), medians of 5');
    expect(rttLine({})).toBeNull();
  });

  it('says when calibration stopped early, with what it measured', () => {
    const line = rttLine({ calibration: { rtt: rtt({ requestMs: null, firstRequestMs: null, status: null, error: 'http: no answer within 3000 ms' }) } });
    expect(line).toBe('network baseline: TCP connect 12.3 ms, medians of 5; calibration stopped: http: no answer within 3000 ms');
  });

  it('appears in the console summary, summary.md and the HTML client section', () => {
    const r = sampleResults();
    r.calibration = { rtt: rtt() };
    for (const text of [renderConsole(r), renderSummaryMarkdown(r), renderHtml(r)]) expect(text).toMatch(/etwork baseline: TCP connect 12\.3 ms/);
    delete r.calibration;
    expect(renderConsole(r)).not.toMatch(/network baseline/);
  });
});

describe('how the run was split, in the headers', () => {
  it('shard, worker threads and merges are named in the console, summary.md and the report', async () => {
    const { splitNote } = await import('./format.js');
    const r = sampleResults();
    expect(splitNote(r.meta)).toBeNull();
    r.meta.shard = { index: 2, count: 4 };
    r.meta.workers = 2;
    expect(splitNote(r.meta)).toBe('shard 2/4, 2 worker threads');
    delete r.meta.shard;
    delete r.meta.workers;
    r.meta.mergedFrom = 4;
    r.meta.host = 'ci-1,ci-2';
    expect(splitNote(r.meta)).toBe('merged from 4 runs (2 hosts)');
    for (const text of [renderConsole(r), renderSummaryMarkdown(r), renderHtml(r)]) expect(text).toContain('merged from 4 runs (2 hosts)');
  });
});

describe('a saturated client', () => {
  it('the console warning says how to spread the load', () => {
    const r = sampleResults();
    r.client = { ...r.client, saturated: true, reasons: ['client event loop busy 97% of the time > 90%'] };
    const text = renderConsole(r);
    expect(text).toMatch(/WARNING: the client was the bottleneck — client event loop busy 97%/);
    expect(text).toMatch(/--workers <n>.*--shard i\/n/);
    r.client = { ...r.client, saturated: false, reasons: [] };
    expect(renderConsole(r)).not.toMatch(/--workers/);
  });
});
