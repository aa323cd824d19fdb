/**
 * An HdrHistogram interval log (format 1.3), readable by HistogramLogProcessor, the
 * HdrHistogram log analyzers and hdr-histogram-js. One tagged line per metric (label `all`);
 * for now each covers the whole run (start 0, length = the run's duration). Later, per-window
 * lines can be added under the same tags: readers sum a tag's intervals.
 */
import { HistogramLogReader, HistogramLogWriter } from 'hdr-histogram-js';
import { decode, type Histogram } from '../metrics/hdr.js';
import type { Results } from '../metrics/results.js';

/** Recorded in µs; the interval max is written in ms. */
const MAX_VALUE_UNIT_RATIO = 1000;

/** Tags end at a comma and cannot hold whitespace. */
const tagOf = (metric: string): string => metric.replace(/[,\s]/g, '_');

export function renderHlog(results: Results): string {
  const chunks: string[] = [];
  const writer = new HistogramLogWriter((s) => chunks.push(s));
  const startMs = Date.parse(results.meta.startedAt);
  const startSec = Number.isFinite(startMs) ? (startMs / 1000).toFixed(3) : '0.000';
  const startIso = Number.isFinite(startMs) ? new Date(startMs).toISOString() : results.meta.startedAt;

  writer.outputLogFormatVersion();
  // Written here rather than by outputStartTime(), which appends a blank line and a locale date.
  chunks.push(`#[StartTime: ${startSec} (seconds since epoch), ${startIso}]\n`);
  // Interval timestamps are relative to the run's start.
  chunks.push(`#[BaseTime: ${startSec} (seconds since epoch)]\n`);
  writer.outputLegend();

  const lengthSec = Math.max(0, results.meta.durationMs) / 1000;
  for (const [metric, byLabel] of Object.entries(results.metrics)) {
    const s = byLabel.all;
    if (!s || s.count <= 0 || !s.hdr) continue;
    const h = decode(s.hdr);
    try {
      h.tag = tagOf(metric);
      writer.outputIntervalHistogram(h, 0, lengthSec, MAX_VALUE_UNIT_RATIO);
    } finally {
      h.destroy();
    }
  }
  return chunks.join('');
}

/** Every interval of an interval log, in file order (histograms in µs, as recorded). */
export function readHlog(text: string): Array<{ tag: string; histogram: Histogram }> {
  const reader = new HistogramLogReader(text, 32, false);
  const out: Array<{ tag: string; histogram: Histogram }> = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    out.push({ tag: h.tag, histogram: h });
  }
  return out;
}
