import { describe, expect, it } from 'vitest';
import { userErrorOf } from '../../test/helpers/user-error.js';
import { UserError } from '../errors.js';
import type { DriftLine, Results } from '../metrics/results.js';
import { parseScenario } from '../scenario/load.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { checkDrift, driftActual, driftPattern, driftSpecFromVerdict, evaluateDrift, parseDrift, type DriftEvaluable } from './drift.js';

const message = (metric: string, expr: string): string => {
  const r = checkDrift(metric, expr);
  if (r.ok) throw new Error(`expected "${expr}" to be rejected`);
  return `${r.message} | ${r.hint}`;
};

describe('drift expressions', () => {
  it('parse the documented forms', () => {
    const specs = parseDrift({ 'ttft.p95': '< 5%/h', 'e2e.p99': '< 200ms/h', errorRate: '< 0.5pp/h', rps: '> -5%/h' });
    expect(specs).toEqual([
      { metric: 'ttft.p95', expr: '< 5%/h', op: '<', value: 5, unit: '%/h', field: 'drift.ttft.p95' },
      { metric: 'e2e.p99', expr: '< 200ms/h', op: '<', value: 200, unit: 'ms/h', field: 'drift.e2e.p99' },
      { metric: 'errorRate', expr: '< 0.5pp/h', op: '<', value: 0.5, unit: 'pp/h', field: 'drift.errorRate' },
      { metric: 'rps', expr: '> -5%/h', op: '>', value: -5, unit: '%/h', field: 'drift.rps' },
    ]);
  });

  it('accept every unit a metric takes, with any comparison and spacing', () => {
    for (const [metric, expr] of [
      ['ttft.p50', '<= 1%/min'],
      ['e2e.p90', '< 3 s/h'],
      ['e2e.p95', '>= -30ms/min'],
      ['ttft.p99', '!= .5s/min'],
      ['errorRate', '< 0.01pp/min'],
      ['errorRate', '< 50%/h'],
      ['outputTokensPerSecond', '> -2.5%/min'],
      ['rps', '== +0%/h'],
      ['itl.p95', '< 5%/h'],
      ['itl.p99', '< 2ms/h'],
      ['itl.p50', '> -0.5 s/min'],
    ] as const) {
      const r = checkDrift(metric, expr);
      expect(r.ok, `${metric}: ${expr}`).toBe(true);
      expect(new RegExp(driftPattern(metric)).test(expr), `pattern for ${metric}: ${expr}`).toBe(true);
    }
  });

  it('explain what is wrong, with a did-you-mean', () => {
    expect(message('ttft_p95', '< 5%/h')).toMatch(/unknown drift metric 'ttft_p95' — did you mean 'ttft\.p95'\?/);
    expect(message('errorrate', '< 1pp/h')).toMatch(/did you mean 'errorRate'/);
    expect(message('ttft', '< 5%/h')).toMatch(/needs a percentile .*ttft\.p95/);
    expect(message('ttft.p999', '< 5%/h')).toMatch(/unknown drift metric 'ttft\.p999'.*p50, p90, p95 or p99/);
    expect(message('itl', '< 5%/h')).toMatch(/needs a percentile .*itl\.p95/);
    expect(message('itl.p96', '< 5%/h')).toMatch(/unknown drift metric 'itl\.p96'.*itl drifts are measured on p50, p90, p95 or p99/);
    expect(message('itl_p95', '< 5%/h')).toMatch(/did you mean 'itl\.p95'\?/);
    expect(message('itl.mean', '< 5%/h')).toMatch(/unknown drift metric 'itl\.mean'.*p50, p90, p95 or p99/);
    expect(message('itl.p95', '< 5pp/h')).toMatch(/pp\/h does not apply to itl\.p95/);
    expect(message('ttft.p95', '')).toMatch(/^empty drift expression/);
    expect(message('ttft.p95', '5%/h')).toMatch(/^missing comparison/);
    expect(message('ttft.p95', '= 5%/h')).toMatch(/did you mean ==\?/);
    expect(message('ttft.p95', '=< 5%/h')).toMatch(/did you mean <=\?/);
    expect(message('ttft.p95', '<')).toMatch(/^missing value/);
    expect(message('ttft.p95', '< fast')).toMatch(/'fast' is not a number/);
    expect(message('ttft.p95', '< 5')).toMatch(/'5' has no unit.*%\/h, %\/min, ms\/h/);
    expect(message('ttft.p95', '< 5%')).toMatch(/'%' has no time unit/);
    expect(message('ttft.p95', '< 5%/hour')).toMatch(/did you mean %\/h\?/);
    expect(message('ttft.p95', '< 5ms/m')).toMatch(/did you mean ms\/min\?/);
    expect(message('ttft.p95', '< 5pp/h')).toMatch(/pp\/h does not apply to ttft\.p95 .*pp is for errorRate/);
    expect(message('errorRate', '< 5ms/h')).toMatch(/ms\/h does not apply to errorRate .*percentage points/);
    expect(message('rps', '< 5ms/h')).toMatch(/ms\/h does not apply to rps .*relative: %\/h or %\/min/);
    expect(message('ttft.p95', 'p95 < 5%/h')).toMatch(/takes no statistic/);
    for (const [metric, expr] of [['ttft.p95', '< 5'], ['ttft.p95', '< 5pp/h'], ['rps', '< 5ms/h'], ['errorRate', '< 1%']]) {
      expect(new RegExp(driftPattern(metric!)).test(expr!), `pattern rejects ${metric}: ${expr}`).toBe(false);
    }
  });

  it('parseDrift throws a UserError naming the field', () => {
    expect(() => parseDrift({ 'ttft.p95': '< 5' })).toThrow(UserError);
    expect(() => parseDrift({ 'ttft.p95': '< 5' })).toThrow(/^drift\.ttft\.p95: '5' has no unit/);
    expect(() => parseDrift({ 'ttft.p96': '< 5%/h' })).toThrow(/unknown drift metric 'ttft\.p96'/);
  });
});

describe('drift in the scenario', () => {
  const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00.123Z') };
  const scenario = (drift: string) =>
    parseScenario(`name: t\ndataset: { file: prompts.jsonl }\nload:\n  phases:\n    - { duration: 5s, rate: 1 }\n${drift}`, '/proj/s.yaml', {}, env);
  const fail = (drift: string): UserError => userErrorOf(() => scenario(drift));

  it('threads the parsed specs onto the scenario (empty without a section)', () => {
    expect(scenario('').drift).toEqual([]);
    const s = scenario('drift:\n  ttft.p95: "< 5%/h"\n  errorRate: "< 0.5pp/h"\n  itl.p95: "< 2ms/h"\n');
    // in the order of the drift metrics, not the file's
    expect(s.drift.map((d) => [d.metric, d.unit, d.value])).toEqual([
      ['ttft.p95', '%/h', 5],
      ['itl.p95', 'ms/h', 2],
      ['errorRate', 'pp/h', 0.5],
    ]);
  });

  it('reports bad expressions and keys at file:line:col', () => {
    const bad = fail('drift:\n  ttft.p95: "< 5%/h"\n  e2e.p99: "< 200ms"\n');
    expect(bad).toMatchObject({ where: 's.yaml:8:12', message: `drift.e2e.p99: 'ms' has no time unit in "< 200ms"` });
    const key = fail('drift:\n  ttft.p95: "< 5%/h"\n  ttft_p99: "< 5%/h"\n');
    expect(key.where).toBe('s.yaml:8:3');
    expect(key.message).toBe("drift: unknown drift metric 'ttft_p99' — did you mean 'ttft.p99'?");
    expect(fail('drift:\n  ttft.p95: 5\n').where).toBe('s.yaml:7:13');
  });

  it('is described in the JSON Schema, closed, with a pattern per metric', () => {
    const s = scenarioJsonSchema() as { properties: { drift: { additionalProperties: boolean; properties: Record<string, { pattern: string; description: string }> } } };
    const d = s.properties.drift;
    expect(d.additionalProperties).toBe(false);
    expect(d.properties['ttft.p95']!.pattern).toBe(driftPattern('ttft.p95'));
    expect(d.properties['itl.p95']!.pattern).toBe(driftPattern('itl.p95'));
    expect(d.properties['itl.p95']!.description).toMatch(/^Trend of itl p95 \(ms\)/);
    expect(d.properties['errorRate']!.description).toMatch(/pp\/h/);
  });
});

const line = (over: Partial<DriftLine> = {}): DriftLine => ({ unit: 'ms', perHour: 36, relativePerHour: 7.3, start: 493, end: 565, windows: 720, ...over });

function results(metrics: Record<string, DriftLine | null>): DriftEvaluable {
  return { series: { intervalMs: 10_000, windows: [] }, drift: { windowMs: 10_000, metrics } };
}

describe('evaluateDrift', () => {
  it('gives one verdict per spec with the actual in the expression unit', () => {
    const specs = parseDrift({ 'ttft.p95': '< 5%/h', 'e2e.p99': '< 200ms/h', errorRate: '< 0.5pp/h' });
    const r = results({ 'ttft.p95': line(), 'e2e.p99': line({ perHour: 120 }), errorRate: line({ unit: 'fraction', perHour: 0.002, relativePerHour: null }) });
    expect(evaluateDrift(specs, r)).toEqual([
      { metric: 'drift.ttft.p95', expr: '< 5%/h', actual: 7.3, pass: false, field: 'drift.ttft.p95' },
      { metric: 'drift.e2e.p99', expr: '< 200ms/h', actual: 120, pass: true, field: 'drift.e2e.p99' },
      { metric: 'drift.errorRate', expr: '< 0.5pp/h', actual: 0.2, pass: true, field: 'drift.errorRate' },
    ]);
  });

  it('converts between units', () => {
    const l = line({ perHour: 3600, relativePerHour: 60 });
    expect(driftActual('%/h', l)).toBe(60);
    expect(driftActual('%/min', l)).toBe(1);
    expect(driftActual('ms/h', l)).toBe(3600);
    expect(driftActual('ms/min', l)).toBe(60);
    expect(driftActual('s/h', l)).toBe(3.6);
    expect(driftActual('s/min', l)).toBe(0.06);
    const f = line({ unit: 'fraction', perHour: 0.006, relativePerHour: null });
    expect(driftActual('pp/h', f)).toBeCloseTo(0.6, 12);
    expect(driftActual('pp/min', f)).toBeCloseTo(0.01, 12);
    expect(driftActual('%/h', f)).toBeNull();
    expect(driftActual('%/h', null)).toBeNull();
  });

  it('an improving metric passes "< 5%/h"; "> -5%/h" bounds the other direction', () => {
    const r = results({ 'ttft.p95': line({ perHour: -40, relativePerHour: -8 }), rps: line({ unit: 'per_second', perHour: -1, relativePerHour: -8 }) });
    const [up, down, rps] = evaluateDrift(parseDrift({ 'ttft.p95': '< 5%/h', rps: '> -5%/h' }).concat(parseDrift({ 'ttft.p95': '> -5%/h' })), r).sort((a, b) => a.expr.localeCompare(b.expr));
    expect([up, down, rps].map((v) => [v!.metric, v!.expr, v!.pass])).toEqual([
      ['drift.ttft.p95', '< 5%/h', true],
      ['drift.rps', '> -5%/h', false],
      ['drift.ttft.p95', '> -5%/h', false],
    ]);
  });

  it('no data (null line, or no relative slope) fails with actual null', () => {
    const r = results({ 'ttft.p95': null, errorRate: line({ unit: 'fraction', perHour: 0.001, relativePerHour: null }) });
    const v = evaluateDrift(parseDrift({ 'ttft.p95': '< 5%/h', errorRate: '< 10%/h' }), r);
    expect(v.map((x) => [x.actual, x.pass])).toEqual([
      [null, false],
      [null, false],
    ]);
  });

  it('a verdict gives its spec back (to evaluate again on merged results)', () => {
    const [spec] = parseDrift({ 'e2e.p99': '< 200ms/h' });
    const [v] = evaluateDrift([spec!], results({ 'e2e.p99': line() }));
    expect(driftSpecFromVerdict(v!)).toEqual(spec);
    expect(driftSpecFromVerdict({ metric: 'ttft', expr: 'p95 < 1s' })).toBeNull();
    expect(driftSpecFromVerdict({ metric: 'drift.ttft.p95', expr: '< 5' })).toBeNull();
  });

  it('fits the line from results.series when results.drift lacks it (merged runs, older results)', () => {
    const windows: Results['series']['windows'] = Array.from({ length: 360 }, (_, i) => {
      const mid = i * 10 + 5;
      const p95 = 400 + (40 * (mid - 5)) / 3600; // +10 %/h
      const s = { count: 50, min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95, p999: p95, max: p95, unit: 'ms' as const, hdr: '' };
      return { start: i * 10, length: 10, requests: 50, ok: 50, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 5, outputTokensPerSecond: 0, inFlightMax: 1, rateLimitRemainingTokens: null, ttft: s, e2e: s };
    });
    const [v] = evaluateDrift(parseDrift({ 'ttft.p95': '< 5%/h' }), { series: { intervalMs: 10_000, windows } });
    expect(v!.actual).toBeCloseTo(10, 6);
    expect(v!.pass).toBe(false);
    const [none] = evaluateDrift(parseDrift({ 'ttft.p95': '< 5%/h' }), { series: { intervalMs: 10_000, windows: windows.slice(0, 2) } });
    expect(none).toMatchObject({ actual: null, pass: false });
  });

  it('gates itl.p95 from results.drift, and fits it from the windows\' own ITL when results.drift lacks it', () => {
    const [fromDrift] = evaluateDrift(parseDrift({ 'itl.p95': '< 5%/h' }), results({ 'itl.p95': line({ perHour: 0.9, relativePerHour: 9 }) }));
    expect(fromDrift).toEqual({ metric: 'drift.itl.p95', expr: '< 5%/h', actual: 9, pass: false, field: 'drift.itl.p95' });
    const windows: Results['series']['windows'] = Array.from({ length: 360 }, (_, i) => {
      const mid = i * 10 + 5;
      const p95 = 20 + (3 * (mid - 5)) / 3600; // +3 ms/h
      const itl = { count: 600, min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95, p95, p99: p95, p999: p95, max: p95, unit: 'ms' as const, hdr: '' };
      const flat = { ...itl, count: 40, p95: 400 };
      return { start: i * 10, length: 10, requests: 40, ok: 40, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 4, outputTokensPerSecond: 0, inFlightMax: 1, rateLimitRemainingTokens: null, ttft: flat, e2e: flat, itl };
    });
    const [v, ttft] = evaluateDrift(parseDrift({ 'itl.p95': '< 2ms/h', 'ttft.p95': '< 1ms/h' }), { series: { intervalMs: 10_000, windows } });
    expect(v!.metric).toBe('drift.itl.p95');
    expect(v!.actual).toBeCloseTo(3, 6);
    expect(v!.pass).toBe(false);
    // ttft's windows are flat: the itl line is read from the itl histograms, not another metric's
    expect(ttft!.actual).toBeCloseTo(0, 6);
  });
});
