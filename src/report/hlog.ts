/**
 * HdrHistogram interval logs (format 1.3), readable by HistogramLogProcessor, the
 * HdrHistogram log analyzers and hdr-histogram-js: results.hlog holds every metric (label
 * `all`) under its tag; `<metric>.hlog` holds one metric untagged, for tools that ignore tags.
 * Metrics the interval windows keep (TTFT, E2E, TPOT, ITL) get one line per window, so the tools
 * can plot them over time; the others one line covering the run. A metric's lines add up to the run.
 */
import { HistogramLogReader, HistogramLogWriter } from 'hdr-histogram-js';
import { decode, type Histogram } from '../metrics/hdr.js';
import { WINDOW_METRICS, type Results, type WindowMetric } from '../metrics/results.js';
import { fileSafe } from './hgrm.js';

/** Recorded in µs; the interval max is written in ms. */
const MAX_VALUE_UNIT_RATIO = 1000;

/** Tags end at a comma and cannot hold whitespace. */
const tagOf = (metric: string): string => metric.replace(/[,\s]/g, '_');

/** Every metric under its tag; with `only`, that metric alone and untagged. */
export function renderHlog(results: Results, only?: string): string {
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
  const write = (metric: string, hdr: string, start: number, end: number): void => {
    const h = decode(hdr);
    try {
      if (only === undefined) h.tag = tagOf(metric);
      writer.outputIntervalHistogram(h, start, end, MAX_VALUE_UNIT_RATIO);
    } finally {
      h.destroy();
    }
  };
  for (const [metric, byLabel] of Object.entries(results.metrics)) {
    if (only !== undefined && metric !== only) continue;
    const s = byLabel.all;
    if (!s || s.count <= 0 || !s.hdr) continue;
    const windows = windowsOf(results, metric);
    if (windows) for (const w of windows) write(metric, w.hdr, w.start, w.start + w.length);
    else write(metric, s.hdr, 0, lengthSec);
  }
  return chunks.join('');
}

/** The metric's per-window histograms, when the windows hold exactly what the run's histogram holds. */
function windowsOf(results: Results, metric: string): Array<{ start: number; length: number; hdr: string }> | null {
  if (!(WINDOW_METRICS as readonly string[]).includes(metric)) return null;
  const out: Array<{ start: number; length: number; hdr: string }> = [];
  let count = 0;
  for (const w of results.series?.windows ?? []) {
    const s = w[metric as WindowMetric];
    if (!s || s.count <= 0 || !s.hdr) continue;
    out.push({ start: w.start, length: w.length, hdr: s.hdr });
    count += s.count;
  }
  return out.length > 0 && count === results.metrics[metric]?.all?.count ? out : null;
}

/** `<metric>.hlog` for every metric with data under the `all` label. */
export function hlogFiles(results: Results): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [metric, byLabel] of Object.entries(results.metrics)) {
    if ((byLabel.all?.count ?? 0) > 0 && byLabel.all?.hdr) files[`${fileSafe(metric)}.hlog`] = renderHlog(results, metric);
  }
  return files;
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
