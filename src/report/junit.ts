/**
 * JUnit XML for CI test reporters: one test suite per run, one test case per threshold verdict.
 * A run without thresholds still yields one passing case ("run completed"), so a reporter
 * always has a test to show.
 */
import type { Results, ThresholdVerdict } from '../metrics/results.js';
import { classesSeen, driftLevel, driftSlope, formatActual, msNumber, pct, runSeconds } from './format.js';

// Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/FFFF).
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape text for element content. */
export function xmlText(s: string): string {
  return s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape text for a double-quoted attribute value (whitespace kept, not normalised away). */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => `${k}="${xmlAttr(String(v))}"`)
    .join(' ');

/** The JUnit schema's timestamp: ISO 8601 without a zone (the run's start, UTC). */
const junitTimestamp = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 19) : iso;
};

function properties(results: Results): string[] {
  const m = results.meta;
  const props: Array<[string, string | number]> = [
    ['scenario', m.scenario],
    ['scenario.file', m.scenarioFile],
    ['seed', m.seed],
    ['target.kind', m.target.kind],
    ['target.api', m.target.api],
    ['target.model', m.target.model],
    ['target.url', m.target.url],
    ['tool', m.tool],
    ['tool.version', m.version],
    ['node', m.node],
    ['startedAt', m.startedAt],
    ['endedAt', m.endedAt],
  ];
  if (m.partial) {
    props.push(['partial', 'true']);
    if (m.partialReason) props.push(['partial.reason', m.partialReason]);
  }
  return ['    <properties>', ...props.map(([name, value]) => `      <property ${attrs({ name, value })}/>`), '    </properties>'];
}

/** What a failing verdict's body says: the metric's distribution when it is a latency. */
function failureDetail(v: ThresholdVerdict, results: Results): string {
  const lines = [`${v.metric}: ${formatActual(v.metric, v.actual, v.expr)}; threshold ${v.expr}${v.field ? ` (${v.field})` : ''}`];
  if (v.metric.startsWith('drift.')) {
    const key = v.metric.slice('drift.'.length);
    const line = results.drift?.metrics[key];
    lines.push(
      line
        ? `${key} over ${line.windows} windows: ${driftLevel(key, line, line.start)} → ${driftLevel(key, line, line.end)}, ${driftSlope(key, line)}`
        : `not enough interval windows to fit ${key} (needs 3 with data, spanning 3 intervals)`,
    );
    return lines.join('\n');
  }
  const s = results.metrics[v.metric]?.all;
  if (s && s.count > 0) {
    lines.push(`${v.metric} (all, n=${s.count}): p50 ${msNumber(s.p50)} ms, p95 ${msNumber(s.p95)} ms, p99 ${msNumber(s.p99)} ms, max ${msNumber(s.max)} ms`);
  } else if (v.actual === null) {
    lines.push(`no ${v.metric} data was recorded in this run`);
  }
  return lines.join('\n');
}

function testcase(v: ThresholdVerdict, results: Results, time: string): string[] {
  const head = `    <testcase ${attrs({ classname: `thresholds.${v.metric}`, name: `${v.metric}: ${v.expr}`, time })}`;
  if (v.pass) {
    // a pass without data cannot happen with today's gate, but say so if it ever does
    return v.actual === null ? [`${head}>`, '      <system-out>no data</system-out>', '    </testcase>'] : [`${head}/>`];
  }
  const message = v.actual === null ? `no data vs expected ${v.expr}` : `actual ${formatActual(v.metric, v.actual, v.expr)} vs expected ${v.expr}`;
  return [
    `${head}>`,
    `      <failure ${attrs({ message, type: 'threshold' })}>${xmlText(failureDetail(v, results))}</failure>`,
    '    </testcase>',
  ];
}

function countsLine(results: Results): string {
  const c = results.counts;
  const errors = classesSeen(results).map(([k, n]) => `${k} ${n}`);
  return (
    `requests ${c.requests}, ok ${c.ok}, failed ${c.failed}, dropped ${c.dropped}, error rate ${pct(results.errorRate)}, ` +
    `${results.throughput.requestsPerSecond.toFixed(2)} req/s, ${results.throughput.outputTokensPerSecond.toFixed(2)} output tok/s` +
    (errors.length > 0 ? `\nerrors: ${errors.join(', ')}` : '') +
    (results.meta.partial ? `\nPARTIAL: the run was interrupted${results.meta.partialReason ? ` (${results.meta.partialReason})` : ''}` : '') +
    (results.client.saturated ? `\nWARNING: the client was the bottleneck: ${results.client.reasons.join('; ')}` : '')
  );
}

export function renderJUnit(results: Results): string {
  const time = runSeconds(results);
  const verdicts = results.thresholds;
  const failures = verdicts.filter((v) => !v.pass).length;
  const tests = Math.max(1, verdicts.length);
  const counts = { tests, failures, errors: 0, skipped: 0, time };
  const cases =
    verdicts.length > 0
      ? verdicts.flatMap((v) => testcase(v, results, time))
      : [`    <testcase ${attrs({ classname: 'llm-bench', name: 'run completed', time })}/>`];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs({ name: 'llm-bench', ...counts })}>`,
    `  <testsuite ${attrs({ name: `llm-bench: ${results.meta.scenario}`, ...counts, timestamp: junitTimestamp(results.meta.startedAt), hostname: results.meta.host })}>`,
    ...properties(results),
    ...cases,
    `    <system-out>${xmlText(countsLine(results))}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
