/** pacing / retry / tenants / chaos as written → their normalised configs. Pure. */
import { parseRetryOn } from '../load/retry.js';
import type { LoadSpec, PacingConfig, RetryConfig, Scenario, TenantSpec, TenantStream } from '../types.js';
import { parseDuration } from './duration.js';
import { normalizeChaos } from './normalize-chaos.js';
import { normalizeDataset } from './normalize-dataset.js';
import type { RawScenario } from './schema.js';

export function normalizeTraffic(raw: RawScenario, baseDir: string): Pick<Scenario, 'pacing' | 'retry' | 'tenants' | 'chaos' | 'slo'> {
  const out: Pick<Scenario, 'pacing' | 'retry' | 'tenants' | 'chaos' | 'slo'> = {};
  if (raw.chaos) out.chaos = normalizeChaos(raw.chaos);
  if (raw.slo) {
    const slo: NonNullable<Scenario['slo']> = {};
    for (const k of ['ttft', 'e2e', 'tpot'] as const) {
      const v = raw.slo[k];
      if (v !== undefined) slo[k] = parseDuration(v);
    }
    out.slo = slo;
  }
  if (raw.pacing) {
    const p = raw.pacing;
    const pacing: PacingConfig = { headroom: p.headroom, burst: parseDuration(p.burst), adaptive: p.adaptive, reserve: p.reserve };
    if (p.rpm !== undefined) pacing.rpm = p.rpm;
    if (p.tpm !== undefined) pacing.tpm = p.tpm;
    out.pacing = pacing;
  }
  if (raw.retry) {
    const r = raw.retry;
    const on = parseRetryOn(r.on);
    const retry: RetryConfig = {
      maxRetries: r.maxRetries,
      base: parseDuration(r.base),
      max: parseDuration(r.max),
      jitter: r.jitter,
      // validated by the schema already
      on: on.ok ? on.on : [],
      resendCutStreams: r.resendCutStreams,
    };
    out.retry = retry;
  }
  if (raw.tenants) {
    out.tenants = raw.tenants.map((t): TenantSpec => {
      // A tenant has a share or a rate (the schema refuses both); without either it takes share 1.
      const tenant: TenantSpec = t.rate !== undefined ? { name: t.name, rate: t.rate, priority: t.priority } : { name: t.name, share: t.share ?? 1, priority: t.priority };
      for (const k of ['rpm', 'tpm', 'dailyRequests', 'dailyTokens'] as const) if (t[k] !== undefined) tenant[k] = t[k];
      if (t.dataset) tenant.dataset = normalizeDataset(t.dataset, baseDir);
      return tenant;
    });
  }
  return out;
}

/**
 * What the tenants add to the load: one arrival stream per tenant with a rate, and no phase
 * arrivals of their own when every tenant has a rate (there is nobody left to share them).
 * Nothing when no tenant has a rate, so such scenarios normalise exactly as before.
 */
export function tenantArrivals(tenants: TenantSpec[] | undefined): Pick<LoadSpec, 'tenantStreams' | 'phaseArrivals'> {
  const tenantStreams: TenantStream[] = [];
  (tenants ?? []).forEach((t, tenant) => {
    if (t.rate !== undefined) tenantStreams.push({ tenant, name: t.name, rate: t.rate });
  });
  if (tenantStreams.length === 0) return {};
  return { tenantStreams, ...(tenantStreams.length === tenants!.length ? { phaseArrivals: false } : {}) };
}
