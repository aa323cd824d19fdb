import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import { ciOutputFiles } from './ci-outputs.js';
import { hgrmFiles } from './hgrm.js';
import { hlogFiles, renderHlog } from './hlog.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

describe('ciOutputFiles', () => {
  it('junit.xml, summary.md, one .hgrm and one .hlog per metric, and results.hlog', () => {
    const r = sampleResults();
    const files = ciOutputFiles(r);
    expect(files['junit.xml']).toBe(renderJUnit(r));
    expect(files['summary.md']).toBe(renderSummaryMarkdown(r));
    expect(files['results.hlog']).toBe(renderHlog(r));
    const hgrm = hgrmFiles(r);
    const hlog = hlogFiles(r);
    expect(Object.keys(files).sort()).toEqual(['junit.xml', 'results.hlog', 'summary.md', ...Object.keys(hgrm), ...Object.keys(hlog)].sort());
    expect(Object.keys(hgrm)).toContain('ttft.hgrm');
    expect(Object.keys(hlog)).toContain('ttft.hlog');
    expect(files['ttft.hlog']).toBe(renderHlog(r, 'ttft'));
  });
});
