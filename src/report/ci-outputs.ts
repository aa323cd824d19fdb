/**
 * The files a CI job wants beside results.json: JUnit XML for test reporters, a Markdown
 * step summary, one .hgrm percentile distribution and one HdrHistogram interval log (.hlog) per
 * metric, and results.hlog with every metric tagged.
 */
import type { Results } from '../metrics/results.js';
import { hgrmFiles } from './hgrm.js';
import { hlogFiles, renderHlog } from './hlog.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

/** File name → content; hand it to writeOutputs(). */
export function ciOutputFiles(results: Results): Record<string, string> {
  return {
    'junit.xml': renderJUnit(results),
    'summary.md': renderSummaryMarkdown(results),
    ...hgrmFiles(results),
    'results.hlog': renderHlog(results),
    ...hlogFiles(results),
  };
}
