/** results.cost in every renderer: console line, summary.md line, the HTML card, threshold actuals. */
import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import type { CostSummary, Results } from '../metrics/results.js';
import { renderConsole } from './console.js';
import { costLine, formatActual, usd } from './format.js';
import { renderHtml } from './html.js';
import { renderSummaryMarkdown } from './summary-md.js';

const COST: CostSummary = {
  currency: 'USD',
  source: 'built-in',
  model: 'gpt-4o-mini',
  prices: { input: 0.15, cachedInput: 0.075, output: 0.6 },
  input: 0.00036,
  cachedInput: 0,
  output: 0.00192,
  total: 0.00228,
  perRequest: 0.0000114,
};

const priced = (cost: Partial<CostSummary> = {}): Results => ({ ...sampleResults({ thresholds: { cost: ['< $1'] } }), cost: { ...COST, ...cost } });

describe('usd', () => {
  it.each([
    [0, '$0.00'],
    [0.000001, '$0.000001'],
    [0.0000114, '$0.0000114'],
    [0.00228, '$0.00228'],
    [0.5, '$0.50'],
    [0.1234, '$0.123'],
    [0.9999, '$1.00'],
    [12.345, '$12.35'],
    [1234.5, '$1234.50'],
  ])('%d → %s', (x, text) => {
    expect(usd(x)).toBe(text);
  });
});

describe('cost in the reports', () => {
  it('one line: total, per 1k requests and whose price', () => {
    expect(costLine(priced())).toBe('$0.00228 ($0.0114 per 1k requests) at list price for gpt-4o-mini');
    expect(costLine(priced({ source: 'scenario', perRequest: null }))).toBe('$0.00228 at scenario price');
    expect(costLine(sampleResults())).toBeNull();
    // per 1k from the total: perRequest, rounded to a millionth, is too coarse for cheap models
    expect(costLine(priced({ perRequest: 0.000011 }))).toMatch(/^\$0\.00228 \(\$0\.0114 per 1k requests\)/);
  });

  it('console and summary.md show it only for a priced run', () => {
    expect(renderConsole(priced())).toContain('\ncost $0.00228 ($0.0114 per 1k requests) at list price for gpt-4o-mini\n');
    expect(renderConsole(sampleResults())).not.toMatch(/^cost /m);
    const md = renderSummaryMarkdown(priced());
    // `$` escaped: GitHub would read a pair as inline math
    expect(md).toContain('\nCost: \\$0.00228 (\\$0.0114 per 1k requests) at list price for gpt-4o-mini\n');
    expect(renderSummaryMarkdown(sampleResults())).not.toContain('Cost:');
  });

  it('the HTML report has a Cost card', () => {
    const html = renderHtml(priced());
    expect(html).toContain('<div class="card"><div class="k">Cost</div><div class="v">$0.00228</div><div class="k">$0.0114 per 1k requests · list price (gpt-4o-mini)</div></div>');
    expect(renderHtml(priced({ source: 'scenario' }))).toContain('per 1k requests · scenario price</div>');
    expect(renderHtml(sampleResults())).not.toContain('>Cost<');
  });

  it('cost thresholds show their actual in dollars', () => {
    expect(formatActual('cost', 4.75)).toBe('$4.75');
    expect(formatActual('costPerRequest', 0.0021)).toBe('$0.0021');
    expect(formatActual('cost', null)).toBe('no data');
  });
});
