import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import type { OpenPhase } from '../types.js';
import { userErrorOf } from '../../test/helpers/user-error.js';
import { parseScenario } from './load.js';
import { scalePhases, type ScenarioOverrides } from './overrides.js';

const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00Z') };
const TEXT = `name: t
target: { url: "http://127.0.0.1:8080/v1" }
dataset: { file: p.jsonl }
output: { dir: out }
load:
  phases:
    - { name: a, duration: 5s, rate: 5 }
    - { name: b, duration: 20s, arrival: poisson, rate: 5, rampTo: 40 }
    - { name: c, duration: 10s, concurrency: 16 }
    - { name: d, duration: 5s, rate: 0, rampTo: 10 }
`;

const parse = (o: ScenarioOverrides) => parseScenario(TEXT, '/proj/s/t.yaml', o, env);

const fail = (o: ScenarioOverrides): UserError => userErrorOf(() => parse(o));

describe('overrides', () => {
  it('none: the file as written', () => {
    const s = parse({});
    expect(s.load.phases.map((p) => p.duration)).toEqual([5000, 20_000, 10_000, 5000]);
    expect(s.output.dir).toBe('/proj/s/out');
    expect(s.target).toMatchObject({ kind: 'mock', url: '' });
  });

  it('duration scales every phase proportionally to the new total', () => {
    const s = parse({ duration: 4000 });
    expect(s.load.phases.map((p) => p.duration)).toEqual([500, 2000, 1000, 500]);
    const odd = scalePhases(parse({}).load.phases, 1000);
    expect(odd.map((p) => p.duration)).toEqual([125, 500, 250, 125]);
    const uneven = scalePhases(parse({}).load.phases, 7);
    expect(uneven.reduce((a, p) => a + p.duration, 0)).toBe(7);
  });

  it('rate replaces open-phase rates and scales rampTo by the same ratio', () => {
    const phases = parse({ rate: 10 }).load.phases;
    expect(phases[0]).toMatchObject({ kind: 'open', rate: 10, rampTo: 10 });
    expect(phases[1]).toMatchObject({ kind: 'open', rate: 10, rampTo: 80 });
    expect(phases[2]).toEqual({ kind: 'closed', name: 'c', duration: 10_000, concurrency: 16 });
    // A ramp from 0 has no ratio: rampTo is kept.
    expect((phases[3] as OpenPhase).rampTo).toBe(10);
  });

  it('out resolves against cwd; targetUrl switches to kind url', () => {
    const s = parse({ out: 'reports/x', targetUrl: 'http://localhost:8000/v1/' });
    expect(s.output.dir).toBe('/proj/reports/x');
    expect(s.target).toMatchObject({ kind: 'url', url: 'http://localhost:8000/v1' });
  });

  it('invalid overrides name the flag', () => {
    expect(fail({ rate: -1 })).toMatchObject({ where: '--rate', message: '--rate must be a positive number, got -1' });
    expect(fail({ rate: Number.NaN })).toMatchObject({ where: '--rate' });
    expect(fail({ duration: 0 })).toMatchObject({ where: '--duration' });
    expect(fail({ duration: 3 })).toMatchObject({ where: '--duration', message: '--duration 3ms is too short for 4 phases' });
    expect(fail({ targetUrl: 'localhost:8000' })).toMatchObject({ where: '--target-url', hint: expect.stringContaining('/v1') });
    expect(fail({ out: ' ' })).toMatchObject({ where: '--out' });
  });

  it('--rate on a scenario without open phases is an error', () => {
    const closed = TEXT.replace(/ {4}- \{ name: [abd].*\n/g, '');
    expect(() => parseScenario(closed, '/proj/t.yaml', { rate: 5 }, env)).toThrow(/--rate has no effect/);
  });
});
