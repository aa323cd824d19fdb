/**
 * Drift gates, keyed by drift metric — a bound on a slope over the run's interval windows:
 *   ttft.p95: "< 5%/h"          relative: the slope ÷ where the fitted line starts
 *   e2e.p99: "< 200ms/h"        absolute latency slope (ms/h, ms/min, s/h, s/min)
 *   errorRate: "< 0.5pp/h"      percentage points of error rate (pp/h, pp/min)
 *   rps: "> -5%/h"              throughput: relative only
 * `%/h` and `%/min` work for every metric. A falling latency has a negative slope, so it passes
 * "< 5%/h"; "> -5%/h" bounds the other direction. Parsing happens when the scenario loads;
 * evaluation is pure and reads results.drift (or fits the line from results.series).
 */
import { UserError } from '../errors.js';
import { DRIFT_METRICS, driftLine, driftMeasure, isDriftMetric } from '../metrics/drift.js';
import { WINDOW_METRICS, type DriftLine, type DriftSummary, type Results, type ThresholdVerdict } from '../metrics/results.js';
import { didYouMean } from '../scenario/suggest.js';
import type { Comparator, DriftSpec, DriftUnit } from '../types.js';
import { compare } from './evaluate.js';

const COMPARATORS: readonly Comparator[] = ['<', '<=', '>', '>=', '==', '!='];
export const DRIFT_UNITS: readonly DriftUnit[] = ['%/h', '%/min', 'ms/h', 'ms/min', 's/h', 's/min', 'pp/h', 'pp/min'];

/** The units a metric's expressions may use. */
export function driftUnitsFor(metric: string): readonly DriftUnit[] {
  switch (driftMeasure(metric)) {
    case 'ms':
      return ['%/h', '%/min', 'ms/h', 'ms/min', 's/h', 's/min'];
    case 'fraction':
      return ['pp/h', 'pp/min', '%/h', '%/min'];
    case 'per_second':
      return ['%/h', '%/min'];
    default:
      return [];
  }
}

/** A valid example for the metric, used in hints and in the JSON Schema. */
export function driftExample(metric: string): string {
  const m = driftMeasure(metric);
  if (m === 'fraction') return '< 0.5pp/h';
  if (m === 'per_second') return '> -5%/h';
  return '< 5%/h';
}

const OP_RE = '(?:<=|>=|==|!=|<|>)';
const NUM_RE = '[+-]?(?:\\d+(?:\\.\\d+)?|\\.\\d+)';

/** A regular expression (source) for the JSON Schema: every expression checkDrift accepts matches it. */
export function driftPattern(metric: string): string {
  const units = driftUnitsFor(metric).map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^\\s*${OP_RE}\\s*${NUM_RE}\\s*(?:${units.join('|')})\\s*$`;
}

/** What the JSON Schema says about a metric's drift expressions. */
export function driftDescription(metric: string): string {
  const m = driftMeasure(metric);
  const what =
    m === 'fraction'
      ? 'Trend of the error rate over the run'
      : m === 'per_second'
        ? `Trend of ${metric} over the run`
        : `Trend of ${metric.replace('.', ' ')} (ms) over the run`;
  const units =
    m === 'fraction'
      ? 'pp/h or pp/min (percentage points), or %/h, %/min (relative)'
      : m === 'per_second'
        ? '%/h or %/min (relative to the start of the fitted line)'
        : '%/h or %/min (relative to the start of the fitted line), or ms/h, ms/min, s/h, s/min';
  return `${what}: "<op> <number><unit>", e.g. "${driftExample(metric)}". op: ${COMPARATORS.join(' ')}; unit: ${units}. The slope is a least-squares line through the interval windows; negative = falling.`;
}

export type DriftCheck = { ok: true; spec: Omit<DriftSpec, 'field'> } | { ok: false; message: string; hint: string };

/** Why `key` is not a drift metric, or null when it is one. */
export function checkDriftKey(key: string): { message: string; hint: string } | null {
  if (isDriftMetric(key)) return null;
  const all = `drift metrics: ${DRIFT_METRICS.join(', ')}`;
  const [base, stat] = key.split('.', 2);
  if ((WINDOW_METRICS as readonly string[]).includes(base ?? '') && key.split('.').length <= 2) {
    const choices = DRIFT_METRICS.filter((k) => k.startsWith(`${base}.`));
    const s = stat === undefined ? undefined : didYouMean(key, choices);
    return {
      message: stat === undefined ? `drift metric '${key}' needs a percentile` : `unknown drift metric '${key}'${s ? ` — did you mean '${s}'?` : ''}`,
      hint: `${base} drifts are measured on p50, p90, p95 or p99 of each window: write e.g. ${base}.p95: "< 5%/h"`,
    };
  }
  const s = didYouMean(key, DRIFT_METRICS);
  return { message: `unknown drift metric '${key}'${s ? ` — did you mean '${s}'?` : ''}`, hint: all };
}

const TIME_ALIASES: Record<string, 'h' | 'min'> = { h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h', min: 'min', m: 'min', mins: 'min', minute: 'min', minutes: 'min' };
const QTY_ALIASES: Record<string, string> = { '%': '%', percent: '%', pct: '%', ms: 'ms', s: 's', sec: 's', pp: 'pp' };
const NUMBER = /^([+-]?(?:\d+(?:\.\d+)?|\.\d+))\s*(.*)$/;
const SHAPE = /^\s*(<=|>=|==|!=|=<|=>|<|>|=)?\s*(.*?)\s*$/;

/** Parse one drift expression without throwing. */
export function checkDrift(metric: string, expr: string): DriftCheck {
  const badKey = checkDriftKey(metric);
  if (badKey) return { ok: false, ...badKey };
  const units = driftUnitsFor(metric);
  const example = `${metric}: "${driftExample(metric)}"`;
  const bad = (what: string, hint = `write e.g. ${example}`): DriftCheck => ({ ok: false, message: `${what} in "${expr}"`, hint });
  if (expr.trim() === '') return bad('empty drift expression');
  if (/^\s*(?:p\d+|mean|min|max)\b/i.test(expr)) {
    return bad('a drift expression takes no statistic', `the key names the metric and percentile; write e.g. ${example}`);
  }
  const [, op, rest = ''] = SHAPE.exec(expr) ?? [];
  if (op === undefined) return bad('missing comparison', `use one of ${COMPARATORS.join(' ')}; e.g. ${example}`);
  if (op === '=' || op === '=<' || op === '=>') {
    const fix = op === '=' ? '==' : op === '=<' ? '<=' : '>=';
    return bad(`unknown comparison '${op}'`, `did you mean ${fix}? comparisons: ${COMPARATORS.join(' ')}`);
  }
  if (rest === '') return bad('missing value');
  const num = NUMBER.exec(rest);
  if (!num) return bad(`'${rest}' is not a number with a unit`);
  const value = Number(num[1]);
  const unit = num[2]!;
  const unitList = units.join(', ');
  if (unit === '') return bad(`'${num[1]}' has no unit`, `a drift is a change per hour or per minute; units for ${metric}: ${unitList}; e.g. ${example}`);
  if ((units as readonly string[]).includes(unit)) {
    return { ok: true, spec: { metric, expr, op: op as Comparator, value, unit: unit as DriftUnit } };
  }
  // Not a unit this metric takes: say what was probably meant.
  const [qty = '', time] = unit.replace(/\s+/g, '').split('/', 2);
  const canonical = time === undefined ? undefined : `${QTY_ALIASES[qty.toLowerCase()] ?? qty}/${TIME_ALIASES[time.toLowerCase()] ?? time}`;
  if (time === undefined && (QTY_ALIASES[qty.toLowerCase()] !== undefined || qty === '')) {
    return bad(`'${unit}' has no time unit`, `a drift is a change per hour or per minute; units for ${metric}: ${unitList}; e.g. ${example}`);
  }
  if (canonical !== undefined && (units as readonly string[]).includes(canonical)) {
    return bad(`unknown unit '${unit}'`, `did you mean ${canonical}? units for ${metric}: ${unitList}`);
  }
  const known = canonical !== undefined && (DRIFT_UNITS as readonly string[]).includes(canonical) ? canonical : (DRIFT_UNITS as readonly string[]).includes(unit) ? unit : undefined;
  if (known !== undefined) {
    const why =
      driftMeasure(metric) === 'fraction'
        ? 'errorRate drifts in percentage points (pp/h, pp/min) or relative % (%/h, %/min)'
        : driftMeasure(metric) === 'per_second'
          ? `${metric} drifts are relative: %/h or %/min`
          : `pp is for errorRate; ${metric} drifts in %/h, %/min, ms/h, ms/min, s/h or s/min`;
    return bad(`${known} does not apply to ${metric}`, why);
  }
  const s = didYouMean(unit, units);
  return bad(`unknown unit '${unit}'`, `${s ? `did you mean ${s}? ` : ''}units for ${metric}: ${unitList}`);
}

/** Parse one expression or throw a UserError located at `where` (defaults to the field path). */
export function parseDriftSpec(metric: string, expr: string, field: string, where: string = field): DriftSpec {
  const r = checkDrift(metric, expr);
  if (!r.ok) throw new UserError(`${field}: ${r.message}`, { where, hint: r.hint });
  return { ...r.spec, field };
}

/** Parse a `drift:` map (metric -> expression) in order; fields are `drift.<metric>`. */
export function parseDrift(map: Readonly<Record<string, string | undefined>>): DriftSpec[] {
  const out: DriftSpec[] = [];
  for (const [metric, expr] of Object.entries(map)) {
    if (expr !== undefined) out.push(parseDriftSpec(metric, expr, `drift.${metric}`));
  }
  return out;
}

/** The line's slope in the expression's unit, or null when the line (or its relative slope) is missing. */
export function driftActual(unit: DriftUnit, line: DriftLine | null | undefined): number | null {
  if (!line) return null;
  const perHour = line.perHour;
  const rel = line.relativePerHour;
  const v = (() => {
    switch (unit) {
      case '%/h':
        return rel;
      case '%/min':
        return rel === null ? null : rel / 60;
      case 'ms/h':
        return perHour;
      case 'ms/min':
        return perHour / 60;
      case 's/h':
        return perHour / 1000;
      case 's/min':
        return perHour / 60_000;
      case 'pp/h':
        return perHour * 100;
      case 'pp/min':
        return (perHour * 100) / 60;
    }
  })();
  return v !== null && Number.isFinite(v) ? v : null;
}

export type DriftEvaluable = Pick<Results, 'series'> & {
  drift?: DriftSummary | undefined;
  meta?: Pick<Results['meta'], 'durationMs' | 'plannedDurationMs'>;
};

/**
 * One verdict per spec, in order: metric `drift.<metric>`, actual in the expression's unit.
 * The line comes from results.drift, or is fitted from results.series when results.drift lacks
 * it. No data (too few windows) → actual null and pass false.
 */
export function evaluateDrift(specs: readonly DriftSpec[], results: DriftEvaluable): ThresholdVerdict[] {
  const lines = new Map<string, DriftLine | null>();
  const lineFor = (metric: string): DriftLine | null => {
    if (results.drift && metric in results.drift.metrics) return results.drift.metrics[metric] ?? null;
    if (!lines.has(metric)) {
      const opts = results.meta ? { durationMs: results.meta.durationMs, plannedDurationMs: results.meta.plannedDurationMs } : {};
      lines.set(metric, driftLine(results.series, metric, opts));
    }
    return lines.get(metric) ?? null;
  };
  return specs.map((spec) => {
    const actual = driftActual(spec.unit, lineFor(spec.metric));
    const pass = actual !== null && compare(actual, spec.op, spec.value);
    return { metric: `drift.${spec.metric}`, expr: spec.expr, actual, pass, field: spec.field };
  });
}

/**
 * The spec behind a drift verdict (metric `drift.<key>` and its expression), e.g. to evaluate it
 * again on merged results after recomputing drift; null for other verdicts or ones that do not parse.
 */
export function driftSpecFromVerdict(v: Pick<ThresholdVerdict, 'metric' | 'expr' | 'field'>): DriftSpec | null {
  if (!v.metric.startsWith('drift.')) return null;
  const metric = v.metric.slice('drift.'.length);
  const r = checkDrift(metric, v.expr);
  return r.ok ? { ...r.spec, field: v.field ?? `drift.${metric}` } : null;
}
