import { describe, expect, it } from 'vitest';
import { FaultInjector, faultLabel, faultResponse, validateFaults, type FaultDecision, type FaultSpec } from './faults.js';
import { UserError } from '../errors.js';

const N = 20_000;
const countFaulted = (inj: FaultInjector): number => {
  let n = 0;
  for (let i = 0; i < N; i++) if (inj.decide(i).kind !== 'none') n++;
  return n;
};

describe('FaultInjector', () => {
  it('faults ~rate of requests, reproducibly per seed', () => {
    const specs: FaultSpec[] = [{ type: 'status', status: 500, rate: 0.1 }];
    const a = new FaultInjector(specs, 42);
    const b = new FaultInjector(specs, 42);
    const c = new FaultInjector(specs, 43);
    const sigma = Math.sqrt(N * 0.1 * 0.9);
    const count = countFaulted(a);
    expect(Math.abs(count - 2000)).toBeLessThan(4 * sigma);
    let differ = 0;
    for (let i = 0; i < N; i++) {
      expect(b.decide(i)).toEqual(a.decide(i));
      if (c.decide(i).kind !== a.decide(i).kind) differ++;
    }
    expect(countFaulted(b)).toBe(count);
    expect(differ).toBeGreaterThan(0);
    // The other seed is also ~10 %, but a different set of requests.
    expect(Math.abs(countFaulted(c) - 2000)).toBeLessThan(4 * sigma);
  });

  it('answers the same for an index no matter the call order', () => {
    const specs: FaultSpec[] = [{ type: 'cut', afterEvents: 3, rate: 0.3 }];
    const a = new FaultInjector(specs, 7);
    const forward = Array.from({ length: 500 }, (_, i) => a.decide(i));
    const b = new FaultInjector(specs, 7);
    const backward = Array.from({ length: 500 }, (_, i) => b.decide(499 - i)).reverse();
    expect(backward).toEqual(forward);
  });

  it('appending a spec does not reshuffle the earlier ones', () => {
    const first: FaultSpec = { type: 'stall', ms: 500, rate: 0.2 };
    const one = new FaultInjector([first], 9);
    const two = new FaultInjector([first, { type: 'malformed', rate: 0.5 }], 9);
    for (let i = 0; i < 5000; i++) {
      const d = one.decide(i);
      if (d.kind === 'stall') expect(two.decide(i)).toEqual(d);
      else expect(two.decide(i).kind).not.toBe('stall');
    }
  });

  it('rate 0 never faults, rate 1 (and no rate) always does', () => {
    expect(countFaulted(new FaultInjector([{ type: 'status', status: 503, rate: 0 }], 1))).toBe(0);
    expect(countFaulted(new FaultInjector([{ type: 'status', status: 503, rate: 1 }], 1))).toBe(N);
    expect(countFaulted(new FaultInjector([{ type: 'slowHeaders', ms: 10 }], 1))).toBe(N);
  });

  it('faults only inside the [from, to) window of the injected clock', () => {
    let t = 0;
    const inj = new FaultInjector([{ type: 'status', status: 502, from: 1000, to: 2000 }], 5, () => t);
    const at = (ms: number): string => ((t = ms), inj.decide(ms).kind);
    expect(at(0)).toBe('none');
    expect(at(999.9)).toBe('none');
    expect(at(1000)).toBe('status');
    expect(at(1999.9)).toBe('status');
    expect(at(2000)).toBe('none');
    expect(at(5000)).toBe('none');
  });

  it('combines a window with a rate, and an open-ended window', () => {
    let t = 0;
    const inj = new FaultInjector([{ type: 'cut', afterEvents: 2, rate: 0.5, from: 100 }], 11, () => t);
    let inside = 0;
    for (let i = 0; i < 2000; i++) {
      t = 50;
      expect(inj.decide(i).kind).toBe('none');
      t = 1e9;
      if (inj.decide(i).kind === 'cut') inside++;
    }
    expect(inside).toBeGreaterThan(850);
    expect(inside).toBeLessThan(1150);
  });

  it('the first matching spec in list order wins', () => {
    let t = 0;
    const inj = new FaultInjector(
      [
        { type: 'status', status: 429, from: 0, to: 100 },
        { type: 'status', status: 500 },
        { type: 'cut', afterEvents: 1 },
      ],
      3,
      () => t,
    );
    expect(inj.decide(0)).toEqual({ kind: 'status', status: 429, code: 'rate_limit_exceeded' });
    t = 100;
    expect(inj.decide(1)).toEqual({ kind: 'status', status: 500, code: null });
  });

  it('normalises decisions and reports enabled', () => {
    const d = (spec: FaultSpec): FaultDecision => new FaultInjector([spec], 0).decide(0);
    expect(d({ type: 'malformed' })).toEqual({ kind: 'malformed', atEvent: 1 });
    expect(d({ type: 'malformed', atEvent: 4 })).toEqual({ kind: 'malformed', atEvent: 4 });
    expect(d({ type: 'status', status: 429, code: 'insufficient_quota' })).toEqual({ kind: 'status', status: 429, code: 'insufficient_quota' });
    expect(d({ type: 'cut', afterEvents: 0 })).toEqual({ kind: 'cut', afterEvents: 0 });
    expect(faultLabel(d({ type: 'stall', ms: 250 }))).toBe('stall:250');
    expect(faultLabel({ kind: 'none' })).toBeNull();
    expect(new FaultInjector([], 0).enabled).toBe(false);
    expect(new FaultInjector([], 0).decide(5)).toEqual({ kind: 'none' });
    expect(new FaultInjector([{ type: 'stall', ms: 1 }], 0).enabled).toBe(true);
  });
});

describe('faultResponse', () => {
  const parse = (status: number, code: string | null) => {
    const r = faultResponse({ status, code });
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body) as { error: { message: string; type: string; param: null; code: string | null } };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.param).toBeNull();
    return { ...r, error: body.error };
  };

  it('429 rate_limit_exceeded carries retry headers', () => {
    const r = parse(429, 'rate_limit_exceeded');
    expect(r.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(r.error.message).toMatch(/^Rate limit reached for requests /);
    expect(r.headers['retry-after']).toBe('1');
    expect(r.headers['retry-after-ms']).toBe('1000');
  });

  it('429 insufficient_quota has no retry headers', () => {
    const r = parse(429, 'insufficient_quota');
    expect(r.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(r.error.message).toMatch(/^You exceeded your current quota, please check your plan and billing details\./);
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.headers['retry-after-ms']).toBeUndefined();
  });

  it('5xx are server_error with a null code', () => {
    expect(parse(500, null).error).toEqual({
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    });
    expect(parse(502, null).error).toMatchObject({ message: 'Bad gateway.', type: 'server_error', code: null });
    expect(parse(503, null).error).toMatchObject({
      message: 'The engine is currently overloaded, please try again later.',
      type: 'server_error',
      code: null,
    });
    expect(parse(500, null).headers['retry-after']).toBeUndefined();
  });
});

describe('validateFaults', () => {
  const where = (specs: unknown[]): string | undefined => {
    try {
      validateFaults(specs);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as UserError).where;
    }
    return undefined;
  };

  it('accepts good specs and drops nothing', () => {
    const specs = [
      { type: 'status', status: 429, code: 'insufficient_quota', rate: 0.5, from: 0, to: 1000 },
      { type: 'cut', afterEvents: 3 },
      { type: 'stall', ms: 200, rate: 0 },
      { type: 'slowHeaders', ms: 1500 },
      { type: 'malformed' },
    ];
    expect(validateFaults(specs)).toEqual(specs);
  });

  it('names the bad field', () => {
    const ok = { type: 'cut', afterEvents: 1 };
    expect(where([ok, ok, { type: 'stall', ms: 10, rate: 1.5 }])).toBe('mock.faults[2].rate');
    expect(where([{ type: 'boom' }])).toBe('mock.faults[0].type');
    expect(where(['x'])).toBe('mock.faults[0]');
    expect(where([{ type: 'status', status: 404 }])).toBe('mock.faults[0].status');
    expect(where([{ type: 'status', status: 500, code: 'insufficient_quota' }])).toBe('mock.faults[0].code');
    expect(where([{ type: 'cut' }])).toBe('mock.faults[0].afterEvents');
    expect(where([{ type: 'cut', afterEvents: 1.5 }])).toBe('mock.faults[0].afterEvents');
    expect(where([{ type: 'stall', ms: -1 }])).toBe('mock.faults[0].ms');
    expect(where([{ type: 'malformed', atEvent: 0 }])).toBe('mock.faults[0].atEvent');
    expect(where([{ type: 'malformed', from: 500, to: 500 }])).toBe('mock.faults[0].to');
    expect(where([{ type: 'stall', ms: 5, afterEvents: 2 }])).toBe('mock.faults[0].afterEvents');
  });
});
