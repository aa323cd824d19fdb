import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';
import { syntheticResults } from '../../test/helpers/synthetic-results.js';
import { UserError } from '../errors.js';
import { compareCommand } from './compare.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = makeTempDir('llm-bench-compare-');
});
afterEach(() => tmp.cleanup());

const capture = () => {
  const lines: string[] = [];
  return { lines, io: { out: (s: string) => void lines.push(s) }, text: () => lines.join('\n') };
};

async function userError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('compareCommand', () => {
  it('exits 1 on a 20 % slower TTFT with --fail-on ttft.p95=+10%, 0 without a gate', async () => {
    const base = tmp.write('base.json', JSON.stringify(syntheticResults({ seed: 1 })));
    const cand = tmp.write('cand.json', JSON.stringify(syntheticResults({ seed: 2, ttftScale: 1.2 })));
    const out = capture();
    expect(await compareCommand(base, cand, { failOn: 'ttft.p95=+10%' }, out.io)).toBe(1);
    expect(out.text()).toMatch(/REGRESSION/);
    expect(out.lines.at(-1)).toMatch(/1 regression: ttft\.p95/);
    expect(await compareCommand(base, cand, {}, capture().io)).toBe(0);
  });

  it('exits 0 for identical and for noisy same-distribution runs', async () => {
    const base = tmp.write('base.json', JSON.stringify(syntheticResults({ seed: 1 })));
    const same = tmp.write('same.json', JSON.stringify(syntheticResults({ seed: 1 })));
    const noisy = tmp.write('noisy.json', JSON.stringify(syntheticResults({ seed: 2 })));
    const gate = { failOn: 'ttft.p95=+10%,e2e.p99=+10%,errorRate=+0.5pp' };
    expect(await compareCommand(base, same, gate, capture().io)).toBe(0);
    expect(await compareCommand(base, noisy, gate, capture().io)).toBe(0);
  });

  it('prints JSON with every delta; reads a run directory; notes ungated tolerances', async () => {
    const dir = path.join(tmp.dir, 'run');
    tmp.write('base.json', JSON.stringify(syntheticResults({ seed: 1 })));
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify(syntheticResults({ seed: 2, ttftScale: 1.2 })));
    const out = capture();
    const code = await compareCommand(path.join(tmp.dir, 'base.json'), dir, { failOn: 'ttft.p95=+10%,connect.p95=+10%', json: true, alpha: 0.05 }, out.io);
    expect(code).toBe(1);
    const report = JSON.parse(out.text());
    expect(report).toMatchObject({ alpha: 0.05, regressions: 1 });
    expect(report.failOn[0]).toMatchObject({ metric: 'ttft.p95', label: 'all', expr: '+10%' });
    expect(report.notes).toEqual([expect.stringMatching(/connect\.p95.*not measured in both runs/)]);
    expect(report.deltas.find((d: { metric: string; stat: string; label: string }) => d.metric === 'ttft' && d.stat === 'p95' && d.label === 'all')).toMatchObject({ regression: true, significant: true });
  });

  it('bad paths and files are UserErrors naming the path', async () => {
    const good = tmp.write('good.json', JSON.stringify(syntheticResults({ seed: 1, requests: 50 })));
    const missing = path.join(tmp.dir, 'nope.json');
    const e1 = await userError(compareCommand(good, missing, {}, capture().io));
    expect(e1).toMatchObject({ exitCode: 2, where: missing, message: expect.stringMatching(/no such file/) });
    expect(e1.hint).toBeTruthy();

    const notJson = tmp.write('bad.json', '{ "meta": ');
    expect(await userError(compareCommand(notJson, good, {}, capture().io))).toMatchObject({ where: notJson, message: expect.stringMatching(/not valid JSON/) });

    const other = tmp.write('other.json', JSON.stringify({ meta: { tool: 'k6' }, metrics: {} }));
    expect(await userError(compareCommand(good, other, {}, capture().io))).toMatchObject({ where: other, message: expect.stringMatching(/not an llm-bench results file/) });

    const incomplete = tmp.write('incomplete.json', JSON.stringify({ meta: { tool: 'llm-bench' } }));
    expect(await userError(compareCommand(good, incomplete, {}, capture().io))).toMatchObject({ where: incomplete, message: expect.stringMatching(/incomplete/) });

    expect(await userError(compareCommand(good, good, { failOn: 'ttft.p95=10' }, capture().io))).toMatchObject({ where: '--fail-on' });
    expect(await userError(compareCommand(good, good, { alpha: 0 }, capture().io))).toMatchObject({ where: '--alpha' });
  });
});
