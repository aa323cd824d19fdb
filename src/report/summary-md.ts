/**
 * A GitHub step summary ($GITHUB_STEP_SUMMARY): verdict, latency percentiles, thresholds,
 * counts, errors and the client warning, as GitHub-flavoured Markdown.
 */
import type { Results } from '../metrics/results.js';
import { SUMMARY_METRICS, classesSeen, costLine, driftRows, formatActual, msNumber, pct, rttLine, splitNote } from './format.js';

/** Text safe inside a Markdown table cell: no line breaks, no pipes, no markup or HTML. */
export function mdCell(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    // `$` too: GitHub reads a pair of them as inline math ("$1.23 ($0.05 …")
    .replace(/[\\`*_[\]|~$]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A code span (not escaped inside): for URLs, which entity escapes would break as links. */
export function mdCode(s: string): string {
  const text = s.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function table(head: string[], align: Array<'l' | 'r'>, rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function verdictLine(results: Results): string {
  const v = results.thresholds;
  const failed = v.filter((x) => !x.pass).length;
  const name = mdCell(results.meta.scenario);
  if (v.length === 0) return `## ✅ llm-bench: ${name} — run completed (no thresholds)`;
  if (failed === 0) return `## ✅ llm-bench: ${name} — ${v.length === 1 ? 'the threshold' : `all ${v.length} thresholds`} passed`;
  return `## ❌ llm-bench: ${name} — ${failed} of ${v.length} thresholds failed`;
}

export function renderSummaryMarkdown(results: Results): string {
  const m = results.meta;
  const out: string[] = [verdictLine(results), ''];
  out.push(
    `${mdCell(m.target.model)} via ${mdCell(m.target.api)} at ${mdCode(m.target.url)} (${mdCell(m.target.kind)}) · ` +
      `${(m.durationMs / 1000).toFixed(1)} s · seed ${m.seed}${splitNote(m) ? ` · ${mdCell(splitNote(m)!)}` : ''} · llm-bench ${mdCell(m.version)}`,
  );
  if (m.partial) {
    out.push('', `> [!WARNING]`, `> Partial run: it was interrupted${m.partialReason ? ` (${mdCell(m.partialReason)})` : ''}; results cover what happened until then.`);
  }

  const latencyRows = SUMMARY_METRICS.flatMap((name) => {
    const s = results.metrics[name]?.all;
    return s && s.count > 0 ? [[name, String(s.count), msNumber(s.p50), msNumber(s.p95), msNumber(s.p99)]] : [];
  });
  out.push('', '### Latency (ms)', '');
  if (latencyRows.length > 0) out.push(...table(['metric', 'count', 'p50', 'p95', 'p99'], ['l', 'r', 'r', 'r', 'r'], latencyRows));
  else out.push('No successful requests: no latency data.');

  if (results.thresholds.length > 0) {
    out.push('', '### Thresholds', '');
    out.push(
      ...table(
        ['metric', 'expression', 'actual', 'result'],
        ['l', 'l', 'r', 'l'],
        results.thresholds.map((v) => [mdCell(v.metric), mdCell(v.expr), mdCell(formatActual(v.metric, v.actual, v.expr)), v.pass ? '✅ pass' : '❌ fail']),
      ),
    );
  }

  const drift = driftRows(results);
  if (drift.length > 0) {
    out.push('', '### Drift (per hour)', '');
    out.push(...table(['metric', 'slope', 'relative', 'start → end', 'windows'], ['l', 'r', 'r', 'l', 'r'], drift.map((r) => r.map(mdCell))));
  }

  const c = results.counts;
  out.push('', '### Counts', '');
  out.push(
    ...table(
      ['requests', 'ok', 'failed', 'dropped', 'error rate', 'req/s', 'output tok/s'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
      [
        [
          String(c.requests),
          String(c.ok),
          String(c.failed),
          String(c.dropped),
          pct(results.errorRate),
          results.throughput.requestsPerSecond.toFixed(2),
          results.throughput.outputTokensPerSecond.toFixed(1),
        ],
      ],
    ),
  );

  const cost = costLine(results);
  if (cost) out.push('', `Cost: ${mdCell(cost)}`);

  const classes = classesSeen(results);
  if (classes.length > 0) {
    out.push('', '### Errors', '');
    out.push(...table(['class', 'count'], ['l', 'r'], classes.map(([k, n]) => [mdCell(k), String(n)])));
    const top = results.errors.slice(0, 5);
    if (top.length > 0) {
      out.push('', ...top.map((e) => `- ${e.count}× ${mdCell(e.class)}${e.status ? ` (${e.status})` : ''}: ${mdCell(e.message)}`));
    }
  }

  const cl = results.client;
  if (cl.saturated) {
    out.push(
      '',
      '> [!WARNING]',
      `> The client was the bottleneck: ${mdCell(cl.reasons.join('; '))}. Latencies include client delay.`,
    );
  }
  const rtt = rttLine(results);
  if (rtt) out.push('', mdCell(rtt));
  return `${out.join('\n')}\n`;
}
