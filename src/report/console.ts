/** The run's summary for a terminal: latency table, counts, errors, threshold verdicts. */
import Table from 'cli-table3';
import type { Results } from '../metrics/results.js';
import { costLine, driftNumber, driftUnitOf, rttLine, splitNote, usd } from './format.js';

const SHOWN = ['queue', 'connect', 'ttfb', 'ttft', 'itl', 'tpot', 'e2e', 'ttft_from_intended', 'e2e_from_intended'];

const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

function formatActual(metric: string, actual: number | null, expr = ''): string {
  if (actual === null) return 'no data';
  if (metric.startsWith('drift.')) return driftNumber(actual, driftUnitOf(expr));
  if (metric.startsWith('errorRate') || metric.startsWith('dropRate') || metric.startsWith('goodput')) return `${(actual * 100).toFixed(2)}%`;
  if (['requests', 'rps', 'outputTokensPerSecond'].includes(metric)) return actual.toFixed(2);
  if (metric.startsWith('cost')) return usd(actual);
  return ms(actual);
}

export function renderConsole(results: Results): string {
  const out: string[] = [];
  const m = results.meta;
  out.push(`${m.scenario} — ${m.target.model} via ${m.target.api} at ${m.target.url} (${m.target.kind})`);
  out.push(`${(m.durationMs / 1000).toFixed(1)} s, seed ${m.seed}${splitNote(m) ? `, ${splitNote(m)}` : ''}${m.partial ? ' — PARTIAL: the run was interrupted' : ''}`);

  const latency = new Table({
    head: ['metric', 'count', 'p50', 'p90', 'p95', 'p99', 'max'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const name of SHOWN) {
    const s = results.metrics[name]?.all;
    if (!s || s.count === 0) continue;
    latency.push([name, String(s.count), ms(s.p50), ms(s.p90), ms(s.p95), ms(s.p99), ms(s.max)]);
  }
  out.push(latency.toString());

  const c = results.counts;
  out.push(
    `requests ${c.requests}  ok ${c.ok}  failed ${c.failed}  dropped ${c.dropped}  ` +
      `error rate ${(results.errorRate * 100).toFixed(2)}%  ` +
      `${results.throughput.requestsPerSecond.toFixed(1)} req/s  ` +
      `${results.throughput.outputTokensPerSecond.toFixed(0)} output tok/s (${results.tokens.outputSource})`,
  );
  const cost = costLine(results);
  if (cost) out.push(`cost ${cost}`);
  if (results.goodput) {
    const g = results.goodput;
    out.push(`goodput ${(g.rate * 100).toFixed(2)}% (${g.good} of ${g.total} met every SLO), ${g.perSecond.toFixed(1)} good req/s`);
  }
  const classes = Object.entries(c.byClass).filter(([, n]) => n > 0);
  if (classes.length > 0) {
    out.push(`errors: ${classes.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const e of results.errors.slice(0, 5)) out.push(`  ${e.count}× ${e.class}: ${e.message}`);
  }

  if (results.thresholds.length > 0) {
    const gate = new Table({ head: ['threshold', 'actual', 'verdict'], style: { head: [], border: [] } });
    for (const v of results.thresholds) {
      gate.push([`${v.metric}: ${v.expr}`, formatActual(v.metric, v.actual, v.expr), v.pass ? 'pass' : 'FAIL']);
    }
    out.push(gate.toString());
  }
  if (results.chaos) {
    out.push(`chaos (${results.chaos.toxiproxy ?? 'HTTP faults only'}):`);
    for (const e of results.chaos.episodes) {
      const span = `${(e.start / 1000).toFixed(1)}–${e.end === null ? '…' : (e.end / 1000).toFixed(1)} s`;
      const ttft = results.metrics.ttft?.[`episode=${e.name}`];
      const n = results.counts.byLabel[`episode=${e.name}`];
      out.push(`  ${e.name} ${span}: ${e.what}${n ? ` — ${n.requests} requests, ${n.failed} failed` : ''}${ttft ? `, ttft p95 ${ms(ttft.p95)}` : ''}${e.error ? ` (error: ${e.error})` : ''}`);
    }
  }
  const cl = results.client;
  if (cl.saturated) {
    out.push(`WARNING: the client was the bottleneck — ${cl.reasons.join('; ')}. Latencies include client delay.`);
    out.push('  Spread the load: --workers <n> for more threads here, --shard i/n for more machines (then llm-bench merge).');
  } else {
    out.push(
      `client: event-loop delay p99 ${cl.eventLoopDelayP99Ms} ms, schedule slip p99 ${cl.scheduleSlipP99Ms} ms, event loop busy ${(cl.eventLoopUtilization * 100).toFixed(0)}%`,
    );
  }
  const rtt = rttLine(results);
  if (rtt) out.push(rtt);
  return out.join('\n');
}
