/** The dispatcher's tenant decision: a tenant fixed by the plan is kept, share tenants split the rest. */
import { describe, expect, it } from 'vitest';
import { newRecord, type RequestRecord } from '../record.js';
import type { TenantSpec } from '../types.js';
import { Dispatcher, drawWeights } from './dispatcher.js';

const tenants: TenantSpec[] = [
  { name: 'a', share: 1, priority: 'interactive' },
  { name: 'own', rate: 50, priority: 'interactive' },
  { name: 'c', share: 3, priority: 'batch' },
];

/** A dispatcher whose transport finishes every attempt at once, keeping what it was handed. */
function dispatcher(specs: TenantSpec[], extra: { promptOf?: (tenant: number, seq: number) => number; budgets?: number[] } = {}) {
  const sent: RequestRecord[] = [];
  const budgetAsked: number[] = [];
  const d = new Dispatcher({
    seed: 17,
    tenants: specs,
    budgetOf: (i) => {
      budgetAsked.push(i);
      return 10;
    },
    ...(extra.promptOf ? { promptOf: extra.promptOf } : {}),
    sendAttempt: (rec, done) => {
      sent.push(rec);
      done(rec);
    },
  });
  const send = (seq: number, planTenant: number | null = null): RequestRecord => {
    const rec = newRecord(seq, seq % 4, 0, 0);
    if (planTenant !== null) {
      rec.planTenant = planTenant;
      rec.tenant = planTenant;
    }
    d.send(rec, () => undefined);
    return sent.at(-1)!;
  };
  return { d, send, sent, budgetAsked };
}

describe('tenant of a request', () => {
  it('keeps the tenant the plan fixed (a rate tenant\'s own arrival)', () => {
    const { send } = dispatcher(tenants);
    for (let seq = 0; seq < 200; seq++) {
      expect(send(seq, 1).tenant).toBe(1);
      expect(send(seq + 1000, 2).tenant).toBe(2);
    }
  });

  it('draws the rest among the share tenants only, by share, the same on every run', () => {
    const { send } = dispatcher(tenants);
    const n = [0, 0, 0];
    for (let seq = 0; seq < 8000; seq++) n[send(seq).tenant]! += 1;
    expect(n[1]).toBe(0);
    // share 1 : 3 → 2000 : 6000, binomial σ ≈ 39
    expect(Math.abs(n[0]! - 2000)).toBeLessThan(200);
    const again = dispatcher(tenants);
    for (let seq = 0; seq < 100; seq++) expect(again.send(seq).tenant).toBe(dispatcher(tenants).send(seq).tenant);
  });

  it('with share tenants only, draws exactly as before rates existed', () => {
    const shares: TenantSpec[] = [tenants[0]!, tenants[2]!];
    const mixed = dispatcher(tenants);
    const plain = dispatcher(shares);
    // the same uniform per seq over the same weights: 'a' stays 'a', 'c' (index 2 vs 1) stays 'c'
    for (let seq = 0; seq < 500; seq++) expect(shares[plain.send(seq).tenant]!.name).toBe(tenants[mixed.send(seq).tenant]!.name);
  });

  it('when every tenant has a rate, draws what needs a tenant (closed phases) by rate', () => {
    const rates: TenantSpec[] = [
      { name: 'x', rate: 10, priority: 'interactive' },
      { name: 'y', rate: 30, priority: 'interactive' },
    ];
    expect(drawWeights(rates)).toEqual([10, 30]);
    expect(drawWeights(tenants)).toEqual([1, 0, 3]);
    const { send } = dispatcher(rates);
    let y = 0;
    for (let seq = 0; seq < 4000; seq++) if (send(1_000_000_000 + seq).tenant === 1) y++;
    expect(Math.abs(y - 3000)).toBeLessThan(150);
  });

  it('tenantFor answers the same for a dropped arrival as send would have decided', () => {
    const { d, send } = dispatcher(tenants);
    for (let seq = 0; seq < 100; seq++) expect(d.tenantFor(seq, null)).toBe(send(seq).tenant);
    expect(d.tenantFor(5, 1)).toBe(1);
  });
});

describe('prompt of a request', () => {
  it('is chosen once the tenant is known, before the budget is charged and the attempt sent', () => {
    const { send, budgetAsked } = dispatcher(tenants, { promptOf: (tenant, seq) => (tenant === 1 ? 100 + (seq % 2) : seq % 4) });
    const rec = send(7, 1);
    expect(rec.promptIndex).toBe(101);
    expect(budgetAsked.at(-1)).toBe(101);
    const other = send(6);
    expect(other.promptIndex).toBe(2);
    expect(budgetAsked.at(-1)).toBe(2);
  });
});
