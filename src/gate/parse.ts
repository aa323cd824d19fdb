/**
 * Threshold expressions, k6 style, keyed by metric:
 *   latency metrics   "p95 < 800ms"   stat op duration (value normalised to ms)
 *   rate metrics      "< 1%" or "< 0.01"   (value normalised to a fraction)
 *   count/throughput  ">= 100"
 *   cost (USD)        "< $5" or "< 5"
 * Parsing happens when the scenario loads (so errors point at the YAML line); evaluation is
 * pure and lives in evaluate.ts.
 */
import { UserError } from '../errors.js';
import { DURATION_PATTERN, parseDuration, tryParseDuration } from '../scenario/duration.js';
import { didYouMean } from '../scenario/suggest.js';
import type { Comparator, ThresholdSpec } from '../types.js';

export type MetricKind = 'latency' | 'rate' | 'count' | 'cost';

export const LATENCY_METRICS = [
  'ttft',
  'e2e',
  'ttfb',
  'itl',
  'tpot',
  'queue',
  'connect',
  'ttft_from_intended',
  'e2e_from_intended',
] as const;
export const RATE_METRICS = ['errorRate', 'dropRate', 'goodput'] as const;
export const COUNT_METRICS = ['requests', 'rps', 'outputTokensPerSecond'] as const;
/** results.cost.total and results.cost.perRequest, in USD */
export const COST_METRICS = ['cost', 'costPerRequest'] as const;
export const THRESHOLD_METRICS: readonly string[] = [...LATENCY_METRICS, ...RATE_METRICS, ...COUNT_METRICS, ...COST_METRICS];

/** Latency statistics as written; `p999` is accepted as an alias and stored as `p99.9`. */
export const LATENCY_STATS = ['p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'p999', 'mean', 'min', 'max'] as const;

const COMPARATORS: readonly Comparator[] = ['<', '<=', '>', '>=', '==', '!='];

export function metricKind(metric: string): MetricKind | undefined {
  if ((LATENCY_METRICS as readonly string[]).includes(metric)) return 'latency';
  if ((RATE_METRICS as readonly string[]).includes(metric)) return 'rate';
  if ((COUNT_METRICS as readonly string[]).includes(metric)) return 'count';
  if ((COST_METRICS as readonly string[]).includes(metric)) return 'cost';
  return undefined;
}

/** A valid example for the metric, used in hints and in the JSON Schema. */
export function thresholdExample(metric: string): string {
  const kind = metricKind(metric);
  if (kind === 'rate') return '< 1%';
  if (kind === 'count') return metric === 'requests' ? '>= 100' : '> 10';
  if (kind === 'cost') return metric === 'cost' ? '< $5' : '<= $0.002';
  return 'p95 < 800ms';
}

const OP_RE = '(?:<=|>=|==|!=|<|>)';
const NUM_RE = '(?:\\d+(?:\\.\\d+)?|\\.\\d+)';

/**
 * A regular expression (source) for the JSON Schema: every expression checkThreshold accepts
 * matches it (range checks such as "at most 100%" are left to the loader).
 */
export function thresholdPattern(metric: string): string {
  const kind = metricKind(metric);
  if (kind === 'rate') return `^\\s*${OP_RE}\\s*${NUM_RE}\\s*%?\\s*$`;
  if (kind === 'count') return `^\\s*${OP_RE}\\s*${NUM_RE}\\s*$`;
  if (kind === 'cost') return `^\\s*${OP_RE}\\s*\\$?${NUM_RE}\\s*$`;
  const stats = LATENCY_STATS.map((st) => st.replace('.', '\\.')).join('|');
  const dur = DURATION_PATTERN.slice(1, -1);
  return `^\\s*(?:${stats})\\s*${OP_RE}\\s*${dur}\\s*$`;
}

/** What the JSON Schema says about a metric's expressions. */
export function thresholdDescription(metric: string): string {
  const kind = metricKind(metric);
  if (kind === 'rate') return `Fraction of ${metric === 'errorRate' ? 'requests that failed' : 'arrivals dropped at maxInFlight'}, as a percentage or a fraction: "< 1%" or "< 0.01".`;
  if (kind === 'count') return metric === 'requests' ? 'Requests sent, e.g. ">= 100".' : `${metric} (per second), e.g. "> 10".`;
  if (kind === 'cost') {
    const what = metric === 'cost' ? 'Estimated cost of the run' : 'Estimated cost per successful request';
    return `${what} in USD (results.cost), with or without $: "${thresholdExample(metric)}". Needs prices (the scenario's pricing section, or a built-in list price for the model); without them it fails with no data.`;
  }
  return `Latency (ms) gates: "<stat> <op> <value><unit>", e.g. "p95 < 800ms". stat: ${LATENCY_STATS.join(' ')}; op: ${COMPARATORS.join(' ')}; unit: us ms s.`;
}

export type ThresholdCheck =
  | { ok: true; spec: Omit<ThresholdSpec, 'field'> }
  | { ok: false; message: string; hint: string };

// Optional stat, optional comparator, then the value; each part is diagnosed separately.
const SHAPE = /^\s*([A-Za-z][\w.]*)?\s*(<=|>=|==|!=|=<|=>|<|>|=)?\s*(.*?)\s*$/;
const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/** Labels a threshold can select, as in `ttft{phase=ramp}` (the results' label dimensions). */
export const SELECTOR_LABELS = ['model', 'phase', 'tenant', 'episode'] as const;
const SELECTOR = /^([A-Za-z_]\w*)\{\s*([A-Za-z]+)\s*=\s*([^{}=\s][^{}=]*?)\s*\}$/;

/** `ttft{phase=ramp}` → metric ttft, label phase=ramp; a plain key selects `all`. */
export function splitSelector(key: string): { metric: string; label: string } | { error: string } {
  if (!key.includes('{')) return { metric: key, label: 'all' };
  const m = SELECTOR.exec(key);
  if (!m) return { error: `'${key}' is not a metric or metric{label=value} selector` };
  if (!(SELECTOR_LABELS as readonly string[]).includes(m[2]!)) {
    return { error: `'${m[2]}' is not a label you can select on (${SELECTOR_LABELS.join(', ')})` };
  }
  return { metric: m[1]!, label: `${m[2]}=${m[3]}` };
}

/** Parse one expression without throwing; `key` is a metric or a `metric{label=value}` selector. */
export function checkThreshold(key: string, expr: string): ThresholdCheck {
  const sel = splitSelector(key);
  if ('error' in sel) return { ok: false, message: sel.error, hint: 'write e.g. ttft{phase=ramp}: ["p95 < 800ms"]' };
  const r = checkMetricThreshold(sel.metric, expr);
  if (!r.ok) return r;
  return { ok: true, spec: { ...r.spec, metric: key, ...(sel.label !== 'all' ? { label: sel.label } : {}) } };
}

function checkMetricThreshold(metric: string, expr: string): ThresholdCheck {
  const kind = metricKind(metric);
  if (!kind) {
    const s = didYouMean(metric, THRESHOLD_METRICS);
    return {
      ok: false,
      message: `unknown threshold metric '${metric}'${s ? ` — did you mean '${s}'?` : ''}`,
      hint: `metrics: ${THRESHOLD_METRICS.join(', ')}`,
    };
  }
  const example = `${metric}: ["${thresholdExample(metric)}"]`;
  const bad = (what: string, hint = `write e.g. ${example}`): ThresholdCheck => ({
    ok: false,
    message: `${what} in "${expr}"`,
    hint,
  });
  const m = SHAPE.exec(expr);
  const [, stat, op, value = ''] = m ?? [];
  if (!m || expr.trim() === '') return bad('empty threshold expression');

  if (kind === 'latency') {
    if (stat === undefined) return bad('missing statistic', `start with one of ${LATENCY_STATS.join(', ')}; e.g. ${example}`);
    if (!(LATENCY_STATS as readonly string[]).includes(stat)) {
      const s = didYouMean(stat, LATENCY_STATS);
      return bad(`unknown statistic '${stat}'`, `${s ? `did you mean ${s}? ` : ''}statistics: ${LATENCY_STATS.join(', ')}`);
    }
  } else if (stat !== undefined) {
    return bad(`${metric} takes no statistic ('${stat}')`, `compare the value directly, e.g. ${example}`);
  }
  if (op === undefined) return bad('missing comparison', `use one of ${COMPARATORS.join(' ')}; e.g. ${example}`);
  if (op === '=' || op === '=<' || op === '=>') {
    const fix = op === '=' ? '==' : op === '=<' ? '<=' : '>=';
    return bad(`unknown comparison '${op}'`, `did you mean ${fix}? comparisons: ${COMPARATORS.join(' ')}`);
  }
  if (value === '') return bad('missing value');
  const base = { metric, expr, op: op as Comparator };

  if (kind === 'latency') {
    const d = tryParseDuration(value);
    if (!d.ok) {
      const what = d.message.endsWith('has no unit') ? d.message : `'${value}' is not a duration`;
      return bad(what, `latency values need a unit (us, ms, s); e.g. ${example}`);
    }
    return { ok: true, spec: { ...base, stat: stat === 'p999' ? 'p99.9' : stat!, value: d.ms } };
  }
  if (kind === 'rate') {
    const pct = /^(.*?)\s*%$/.exec(value);
    const text = pct ? pct[1]! : value;
    if (!NUMBER.test(text)) return bad(`'${value}' is not a rate`, `write a percentage or a fraction; e.g. ${example} or "< 0.01"`);
    const n = Number(text);
    if (pct && n > 100) return bad(`${value} is more than 100%`);
    if (!pct && n > 1) return bad(`${value} is more than 1 (rates are fractions)`, `did you mean "${op} ${n}%"?`);
    return { ok: true, spec: { ...base, stat: 'rate', value: pct ? n / 100 : n } };
  }
  if (kind === 'cost') {
    const usd = value.startsWith('$') ? value.slice(1) : value;
    if (!NUMBER.test(usd)) return bad(`'${value}' is not an amount in dollars`, `write a number of US dollars, with or without $; e.g. ${example}`);
    return { ok: true, spec: { ...base, stat: 'usd', value: Number(usd) } };
  }
  if (!NUMBER.test(value)) return bad(`'${value}' is not a number`);
  return { ok: true, spec: { ...base, stat: metric === 'requests' ? 'count' : 'rate', value: Number(value) } };
}

/** Parse one expression or throw a UserError located at `where` (defaults to the field path). */
export function parseThreshold(metric: string, expr: string, field: string, where: string = field): ThresholdSpec {
  const r = checkThreshold(metric, expr);
  if (!r.ok) throw new UserError(`${field}: ${r.message}`, { where, hint: r.hint });
  return { ...r.spec, field };
}

export type ThresholdItem = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string | 0 | undefined };

/** Parse a `thresholds:` map (metric -> expressions) in order; fields are `thresholds.<metric>[i]`. */
export function parseThresholds(map: Readonly<Record<string, readonly ThresholdItem[] | undefined>>): ThresholdSpec[] {
  const out: ThresholdSpec[] = [];
  for (const [metric, items] of Object.entries(map)) {
    (items ?? []).forEach((item, i) => {
      const field = `thresholds.${metric}[${i}]`;
      if (typeof item === 'string') return out.push(parseThreshold(metric, item, field));
      const spec = parseThreshold(metric, item.threshold, field);
      if (item.abortOnFail) {
        spec.abortOnFail = true;
        if (item.delayAbortEval !== undefined) spec.delayAbortEval = parseDuration(item.delayAbortEval, `${field}.delayAbortEval`);
      }
      return out.push(spec);
    });
  }
  return out;
}
