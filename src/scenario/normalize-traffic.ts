/** pacing / retry / tenants / chaos as written → their normalised configs. Pure. */
import { parseRetryOn } from '../load/retry.js';
import type { PacingConfig, RetryConfig, Scenario, TenantSpec } from '../types.js';
import { parseDuration } from './duration.js';
import { normalizeChaos } from './normalize-chaos.js';
import type { RawScenario } from './schema.js';

export function normalizeTraffic(raw: RawScenario): Pick<Scenario, 'pacing' | 'retry' | 'tenants' | 'chaos' | 'slo'> {
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
      const tenant: TenantSpec = { name: t.name, share: t.share ?? 1, priority: t.priority };
      for (const k of ['rpm', 'tpm', 'dailyRequests', 'dailyTokens'] as const) if (t[k] !== undefined) tenant[k] = t[k];
      return tenant;
    });
  }
  return out;
}
