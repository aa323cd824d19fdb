import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { checkThreshold, parseThreshold, parseThresholds, thresholdPattern } from './parse.js';

describe('parseThreshold', () => {
  it.each([
    ['ttft', 'p95 < 800ms', { stat: 'p95', op: '<', value: 800 }],
    ['ttft', 'p99<=1.5s', { stat: 'p99', op: '<=', value: 1500 }],
    ['itl', 'p99.9 < 250us', { stat: 'p99.9', op: '<', value: 0.25 }],
    ['e2e', 'p999 != 1m', { stat: 'p99.9', op: '!=', value: 60_000 }],
    ['queue', 'mean >= 0', { stat: 'mean', op: '>=', value: 0 }],
    ['connect', '  max  ==  2s ', { stat: 'max', op: '==', value: 2000 }],
    ['tpot', 'p75 > 1ms', { stat: 'p75', op: '>', value: 1 }],
    ['errorRate', '< 1%', { stat: 'rate', op: '<', value: 0.01 }],
    ['errorRate', '<= 0.5 %', { stat: 'rate', op: '<=', value: 0.005 }],
    ['dropRate', '< 0.01', { stat: 'rate', op: '<', value: 0.01 }],
    ['requests', '>= 100', { stat: 'count', op: '>=', value: 100 }],
    ['rps', '> 9.5', { stat: 'rate', op: '>', value: 9.5 }],
    ['outputTokensPerSecond', '> 1000', { stat: 'rate', op: '>', value: 1000 }],
    ['cost', '< $5', { stat: 'usd', op: '<', value: 5 }],
    ['cost', '<=$12.50', { stat: 'usd', op: '<=', value: 12.5 }],
    ['cost', ' < 5 ', { stat: 'usd', op: '<', value: 5 }],
    ['costPerRequest', '<= $0.002', { stat: 'usd', op: '<=', value: 0.002 }],
    ['costPerRequest', '> $.5', { stat: 'usd', op: '>', value: 0.5 }],
  ])('%s: %s', (metric, expr, expected) => {
    expect(parseThreshold(metric, expr, `thresholds.${metric}[0]`)).toEqual({ metric, expr, field: `thresholds.${metric}[0]`, ...expected });
    // The JSON Schema pattern must accept everything the parser accepts.
    expect(new RegExp(thresholdPattern(metric)).test(expr)).toBe(true);
  });

  it.each([
    ['ttft', 'p95 < 800', /800 has no unit/, /p95 < 800ms/],
    ['ttft', '< 800ms', /missing statistic/, /p50/],
    ['ttft', 'P95 < 800ms', /unknown statistic 'P95'/, /did you mean p95\?/],
    ['ttft', 'p96 < 800ms', /unknown statistic 'p96'/, /^statistics: p50, p75/],
    ['ttft', 'p95 800ms', /missing comparison/, /</],
    ['ttft', 'p95 = 800ms', /unknown comparison '='/, /did you mean ==/],
    ['ttft', 'p95 <', /missing value/, /p95 < 800ms/],
    ['ttft', 'p95 < fast', /'fast' is not a duration/, /unit/],
    ['ttft', '', /empty/, /p95 < 800ms/],
    ['errorRate', '< 5', /more than 1/, /< 5%/],
    ['errorRate', '< 150%', /more than 100%/, /< 1%/],
    ['errorRate', 'p95 < 1%', /takes no statistic/, /< 1%/],
    ['errorRate', '< lots', /not a rate/, /< 0\.01/],
    ['requests', '> many', /not a number/, />= 100/],
    ['cost', '< 5%', /'5%' is not an amount in dollars/, /cost: \["< \$5"\]/],
    ['cost', '< 5$', /not an amount in dollars/, /with or without \$/],
    ['cost', '< $ 5', /not an amount in dollars/, /< \$5/],
    ['cost', '< $-1', /not an amount in dollars/, /< \$5/],
    ['cost', '$5', /missing comparison/, /< \$5/],
    ['cost', 'total < $5', /takes no statistic/, /< \$5/],
    ['costPerRequest', '<= 0.002 USD', /'0\.002 USD' is not an amount in dollars/, /<= \$0\.002/],
  ])('%s: rejects %j', (metric, expr, message, hint) => {
    const r = checkThreshold(metric, expr);
    expect(r.ok).toBe(false);
    if (!/100%|more than 1/.test(String(message))) expect(new RegExp(thresholdPattern(metric)).test(expr)).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.hint).toMatch(hint);
    }
  });

  it('throws a UserError at the field with a valid example', () => {
    expect(() => parseThreshold('e2e', 'p95 < soon', 'thresholds.e2e[2]')).toThrow(UserError);
    try {
      parseThreshold('e2e', 'p95 < 5', 'thresholds.e2e[2]');
    } catch (e) {
      expect(e).toMatchObject({ where: 'thresholds.e2e[2]', message: 'thresholds.e2e[2]: 5 has no unit in "p95 < 5"', hint: expect.stringContaining('e2e: ["p95 < 800ms"]') });
    }
  });

  it('unknown metric suggests the closest one', () => {
    const r = checkThreshold('tfft', 'p95 < 1s');
    expect(r).toMatchObject({ ok: false, message: "unknown threshold metric 'tfft' — did you mean 'ttft'?" });
    expect(() => parseThresholds({ errorrate: ['< 1%'] })).toThrow(/did you mean 'errorRate'/);
  });

  it('cost thresholds take selectors like any metric (they find no data on a label)', () => {
    expect(checkThreshold('cost{phase=ramp}', '< $1')).toMatchObject({ ok: true, spec: { metric: 'cost{phase=ramp}', label: 'phase=ramp', value: 1 } });
    expect(checkThreshold('csot', '< $1')).toMatchObject({ ok: false, message: "unknown threshold metric 'csot' — did you mean 'cost'?" });
  });

  it('parseThresholds keeps order and numbers fields per metric', () => {
    const specs = parseThresholds({ ttft: ['p95 < 1s', 'p99 < 2s'], errorRate: ['< 1%'] });
    expect(specs.map((s) => s.field)).toEqual(['thresholds.ttft[0]', 'thresholds.ttft[1]', 'thresholds.errorRate[0]']);
  });
});
