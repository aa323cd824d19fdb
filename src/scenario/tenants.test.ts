/** tenants: share or rate, and a dataset of their own — as written, checked and normalised. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import type { Scenario } from '../types.js';
import { parseScenario } from './load.js';
import { userErrorOf } from '../../test/helpers/user-error.js';

const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00.123Z') };
const FILE = '/proj/scenarios/s.yaml';
const HEAD = `name: t
dataset: { file: prompts.jsonl }
load:
  phases:
    - { duration: 5s, rate: 2 }
    - { duration: 5s, concurrency: 2 }
`;

const parse = (text: string): Scenario => parseScenario(text, FILE, {}, env);
const fail = (text: string): UserError => userErrorOf(() => parse(text));

describe('tenants with a rate', () => {
  it('become tenant streams of the load; share tenants keep their default share', () => {
    const s = parse(`${HEAD}tenants:\n  - { name: chat }\n  - { name: nightly, rate: 20, priority: batch }\n`);
    expect(s.tenants).toEqual([
      { name: 'chat', share: 1, priority: 'interactive' },
      { name: 'nightly', rate: 20, priority: 'batch' },
    ]);
    expect(s.load.tenantStreams).toEqual([{ tenant: 1, name: 'nightly', rate: 20 }]);
    expect(s.load.phaseArrivals).toBeUndefined();
  });

  it('every tenant with a rate: the phases generate no arrivals of their own', () => {
    const s = parse(`${HEAD}tenants:\n  - { name: a, rate: 1.5 }\n  - { name: b, rate: 3 }\n`);
    expect(s.load.phaseArrivals).toBe(false);
    expect(s.load.tenantStreams!.map((t) => t.rate)).toEqual([1.5, 3]);
  });

  it('no rate anywhere: the load is exactly as before', () => {
    expect(parse(`${HEAD}tenants:\n  - { name: a, share: 2 }\n`).load).toEqual(parse(HEAD).load);
  });

  it('--rate changes the phases only, and is refused when every tenant has its own rate', () => {
    const mixed = parseScenario(`${HEAD}tenants:\n  - { name: a }\n  - { name: b, rate: 4 }\n`, FILE, { rate: 9 }, env);
    expect(mixed.load.phases[0]).toMatchObject({ rate: 9 });
    expect(mixed.load.tenantStreams).toEqual([{ tenant: 1, name: 'b', rate: 4 }]);
    let err: unknown;
    try {
      parseScenario(`${HEAD}tenants:\n  - { name: a, rate: 4 }\n`, FILE, { rate: 9 }, env);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ where: '--rate', message: '--rate has no effect: every tenant has its own rate' });
  });

  it('share and rate on one tenant is an error at the tenant, with a hint', () => {
    const err = fail(`${HEAD}tenants:\n  - { name: a, share: 1, rate: 5 }\n`);
    expect(err.message).toContain('give a tenant a share or a rate, not both');
    expect(err.message).toContain('tenants[0]');
    expect(err.where).toMatch(/s\.yaml:8:\d+$/);
    expect(err.hint).toContain('keep one');
    expect(err.exitCode).toBe(2);
  });

  it('a rate must be above 0', () => {
    expect(fail(`${HEAD}tenants:\n  - { name: a, rate: 0 }\n`).message).toMatch(/tenants\[0\]\.rate/);
  });

  it('a phase at rate 0 is refused unless a tenant brings a rate of its own', () => {
    const zero = `name: t\ndataset: { file: p.jsonl }\nload:\n  phases:\n    - { duration: 5s, rate: 0 }\n`;
    expect(fail(zero).message).toMatch(/load\.phases\[0\] sends no requests/);
    expect(parse(`${zero}tenants:\n  - { name: a, rate: 3 }\n  - { name: b }\n`).load.tenantStreams).toHaveLength(1);
  });
});

describe('a tenant dataset', () => {
  it('resolves its file against the scenario file, with the dataset defaults', () => {
    const s = parse(`${HEAD}tenants:\n  - { name: a, dataset: { file: ../data/a.jsonl } }\n  - { name: b, dataset: { synthetic: { inputTokens: { mean: 9 }, outputTokens: { mean: 4 }, count: 3 }, order: shuffle } }\n  - { name: c }\n`);
    expect(s.tenants![0]!.dataset).toEqual({ file: '/proj/data/a.jsonl', maxOutputTokens: 128, order: 'sequential' });
    expect(s.tenants![1]!.dataset).toEqual({
      synthetic: { inputTokens: { mean: 9, stddev: 0 }, outputTokens: { mean: 4, stddev: 0 }, count: 3 },
      maxOutputTokens: 128,
      order: 'shuffle',
    });
    expect(s.tenants![2]!.dataset).toBeUndefined();
  });

  it('is checked like the scenario dataset', () => {
    const both = fail(`${HEAD}tenants:\n  - { name: a, dataset: { file: a.jsonl, synthetic: { inputTokens: { mean: 9 }, outputTokens: { mean: 4 }, count: 3 } } }\n`);
    expect(both.message).toContain('tenants[0].dataset has both file and synthetic');
    const neither = fail(`${HEAD}tenants:\n  - { name: a, dataset: { order: shuffle } }\n`);
    expect(neither.message).toContain('tenants[0].dataset needs a file or synthetic prompts');
    expect(fail(`${HEAD}tenants:\n  - { name: a, dataset: { fil: a.jsonl } }\n`).message).toMatch(/fil/);
  });
});
