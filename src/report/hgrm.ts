/**
 * HdrHistogram percentile distributions (.hgrm), the text `outputPercentileDistribution`
 * writes and the public HdrHistogram plotter reads. Histograms hold microseconds; the files
 * show milliseconds.
 */
import { decode } from '../metrics/hdr.js';
import type { Results } from '../metrics/results.js';

/** Recorded in µs, written in ms. */
export const HGRM_UNIT_RATIO = 1000;
/** Percentile ticks per half distance, the HdrHistogram default. */
const TICKS_PER_HALF_DISTANCE = 5;

/** The percentile distribution of one metric summary's `hdr` (values in milliseconds). */
export function renderHgrm(summaryHdr: string): string {
  const h = decode(summaryHdr);
  try {
    return h.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, HGRM_UNIT_RATIO);
  } finally {
    h.destroy();
  }
}

/** A name safe as a file name (metric names already are; this only guards). */
export const fileSafe = (name: string): string => name.replace(/[^\w.-]/g, '_');

/** `<metric>.hgrm` for every metric with data under the `all` label. */
export function hgrmFiles(results: Results): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [metric, byLabel] of Object.entries(results.metrics)) {
    const s = byLabel.all;
    if (s && s.count > 0 && s.hdr) files[`${fileSafe(metric)}.hgrm`] = renderHgrm(s.hdr);
  }
  return files;
}
