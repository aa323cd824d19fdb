/** `llm-bench compare` for a terminal: one row per metric × label × statistic, then the verdict. */
import Table from 'cli-table3';
import type { Comparison, MetricDelta } from '../gate/compare.js';

const ms = (x: number): string => (Math.abs(x) >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(Math.abs(x) < 10 ? 2 : 1)} ms`);
const signed = (x: number, text: string): string => (x > 0 ? `+${text}` : x < 0 ? `-${text.replace(/^-/, '')}` : text);

function value(d: MetricDelta, x: number): string {
  if (d.metric === 'errorRate') return `${(x * 100).toFixed(2)}%`;
  if (d.metric === 'throughput') return `${x.toFixed(2)} req/s`;
  return ms(x);
}

function delta(d: MetricDelta): string {
  if (d.metric === 'errorRate') return signed(d.delta, `${(d.delta * 100).toFixed(2)}pp`);
  if (d.metric === 'throughput') return signed(d.delta, d.delta.toFixed(2));
  return signed(d.delta, ms(d.delta));
}

function relative(d: MetricDelta): string {
  if (d.relative === null) return '—'; // baseline 0
  return signed(d.relative, `${(d.relative * 100).toFixed(1)}%`);
}

function pValue(p: number | null): string {
  if (p === null) return '—';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

const isWorse = (d: MetricDelta): boolean => (d.metric === 'throughput' ? d.delta < 0 : d.delta > 0);

function verdict(d: MetricDelta): string {
  const gate = d.tolerance ? ` (gate ${d.tolerance})` : '';
  if (d.regression) return `REGRESSION${gate}`;
  if (!d.significant || d.delta === 0) return `not significant${gate}`;
  if (!isWorse(d)) return `better${gate}`;
  return d.tolerance ? `worse, within ${d.tolerance}` : 'worse';
}

const describe = (d: MetricDelta): string =>
  `${d.metric === 'errorRate' ? 'errorRate' : `${d.metric}.${d.stat}`}${d.label === 'all' ? '' : `[${d.label}]`} ${delta(d)}${d.relative !== null && d.metric !== 'errorRate' ? ` (${relative(d)})` : ''}`;

export function renderComparison(result: Comparison, baselineName: string, candidateName: string): string {
  const rows = [...result.deltas.filter((d) => d.label === 'all'), ...result.deltas.filter((d) => d.label !== 'all')];
  // No colours: comparisons end up in CI logs. One line per row: a rule between rows doubles the height.
  const table = new Table({
    head: ['metric', 'label', 'stat', 'baseline', 'candidate', 'delta', 'Δ%', 'p', 'verdict'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const d of rows) {
    table.push([d.metric, d.label, d.stat, value(d, d.baseline), value(d, d.candidate), delta(d), relative(d), pValue(d.pValue), verdict(d)]);
  }
  const n = result.regressions.length;
  const summary =
    n === 0
      ? '0 regressions'
      : `${n} regression${n === 1 ? '' : 's'}: ${result.regressions.map(describe).join(', ')}`;
  return [`baseline:  ${baselineName}`, `candidate: ${candidateName}`, table.toString(), summary].join('\n');
}
