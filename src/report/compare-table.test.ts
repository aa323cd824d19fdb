import { describe, expect, it } from 'vitest';
import { syntheticResults } from '../../test/helpers/synthetic-results.js';
import { compareResults, parseFailOn } from '../gate/compare.js';
import { renderComparison } from './compare-table.js';

describe('renderComparison', () => {
  it('lists `all` first, then other labels, and ends with the regression count', () => {
    const base = syntheticResults({ seed: 1 });
    const cand = syntheticResults({ seed: 2, ttftScale: 1.2, errorRate: 0.02 });
    const text = renderComparison(compareResults(base, cand, parseFailOn('ttft.p95=+10%,errorRate=+5pp')), 'base.json', 'cand.json');
    const lines = text.split('\n');
    expect(lines[0]).toBe('baseline:  base.json');
    expect(lines[1]).toBe('candidate: cand.json');
    expect(text).toMatch(/metric\s*│\s*label\s*│\s*stat\s*│\s*baseline\s*│\s*candidate\s*│\s*delta\s*│\s*Δ%\s*│\s*p\s*│\s*verdict/);
    const firstPhase = lines.findIndex((l) => l.includes('phase='));
    const lastAll = lines.findLastIndex((l) => / all /.test(l));
    expect(firstPhase).toBeGreaterThan(lastAll);
    const p95 = lines.find((l) => /│ ttft\s+│ all\s+│ p95/.test(l))!;
    expect(p95).toMatch(/ms\s*│\s*\+\d+\.\d ms\s*│\s*\+\d+\.\d%\s*│.*│ REGRESSION \(gate \+10%\)/);
    expect(lines.find((l) => /│ errorRate\s+│ all/.test(l))).toMatch(/0\.00%\s*│\s*\d\.\d\d%\s*│\s*\+\d\.\d\dpp\s*│\s*—\s*│.*│ worse, within \+5pp/);
    expect(lines.at(-1)).toMatch(/^1 regression: ttft\.p95 \+\d+\.\d ms \(\+\d+\.\d%\)$/);
  });

  it('says 0 regressions when nothing regressed', () => {
    const r = syntheticResults({ seed: 1, requests: 200 });
    const text = renderComparison(compareResults(r, r, []), 'a', 'b');
    expect(text.split('\n').at(-1)).toBe('0 regressions');
    expect(text).toMatch(/not significant/);
    expect(text).not.toMatch(/REGRESSION/);
  });
});
