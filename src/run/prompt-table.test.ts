/** Tenant datasets: loaded up front with their mistakes pointed at, then joined into one table. */
import { afterAll, describe, expect, it } from 'vitest';
import { userErrorOfAsync } from '../../test/helpers/user-error.js';
import { makeTempDir } from '../../test/helpers/temp-dir.js';
import { UserError } from '../errors.js';
import { parseScenario } from '../scenario/load.js';
import type { Scenario } from '../types.js';
import { loadRunDatasets, promptTable } from './prompt-table.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
tmp.write('main.jsonl', ['{"id":"m0","prompt":"Hi."}', '{"id":"m1","prompt":"Hello."}'].join('\n'));
tmp.write('own.jsonl', ['{"id":"o0","prompt":"One."}', '{"id":"o1","prompt":"Two."}', '{"id":"o2","prompt":"Three."}'].join('\n'));
tmp.write('broken.jsonl', '{"id":"ok","prompt":"Fine."}\n{"id": nope}\n');

const scenario = (tenants: string): Scenario =>
  parseScenario(`name: t\ndataset: { file: main.jsonl }\nload: { phases: [{ duration: 1s, rate: 1 }] }\ntenants:\n${tenants}`, `${tmp.dir}/s.yaml`, {}, { cwd: tmp.dir, now: new Date() });

const loadError = (s: Scenario): Promise<UserError> => userErrorOfAsync(() => loadRunDatasets(s, 'gpt-4o-mini'));

describe('run datasets', () => {
  it("join into one table: the scenario's prompts first, then each tenant's own; a tenant cycles within its own", async () => {
    const s = scenario('  - { name: a }\n  - { name: b, rate: 5, dataset: { file: own.jsonl } }\n  - { name: c, dataset: { synthetic: { inputTokens: { mean: 30 }, outputTokens: { mean: 5 }, count: 2 } } }\n');
    const d = await loadRunDatasets(s, 'gpt-4o-mini');
    expect(d.tenants.map((t) => t?.prompts.length ?? null)).toEqual([null, 3, 2]);
    const table = promptTable(d, (p) => p.id);
    expect(table.prompts).toHaveLength(7);
    expect([0, 1, 2, 3].map((seq) => table.prepared[table.indexOf(0, seq)])).toEqual(['m0', 'm1', 'm0', 'm1']);
    expect([0, 1, 2, 3].map((seq) => table.prepared[table.indexOf(1, seq)])).toEqual(['o0', 'o1', 'o2', 'o0']);
    expect([0, 1, 2].map((seq) => table.indexOf(2, seq))).toEqual([5, 6, 5]);
    // closed-loop numbers cycle from their own start, like the run loop's
    expect(table.prepared[table.indexOf(1, 1_000_000_004)]).toBe('o1');
    // the synthetic tenant's prompts are generated and counted like the scenario's would be
    expect(table.prompts[5]!.inputTokens).toBe(30);
  });

  it("a missing tenant file names the tenant's field", async () => {
    const err = await loadError(scenario('  - { name: a }\n  - { name: b, dataset: { file: nowhere.jsonl } }\n'));
    expect(err.where).toBe('tenants[1].dataset.file');
    expect(err.message).toContain('dataset file not found');
    expect(err.message).toContain(`${tmp.dir}/nowhere.jsonl`);
    expect(err.hint).toContain('tenants[1].dataset.file');
    expect(err.exitCode).toBe(2);
  });

  it('a bad line in a tenant file is reported at file:line:col', async () => {
    const err = await loadError(scenario('  - { name: b, dataset: { file: broken.jsonl } }\n'));
    expect(err.where).toMatch(/broken\.jsonl:2:\d+$/);
  });
});
