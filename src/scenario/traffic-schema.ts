/**
 * How the client shapes its traffic: pacing by requests and tokens, retries, tenants.
 * (The load phases say when requests arrive; these say when and how often they may go.)
 */
import { z } from 'zod';
import { parseRetryOn } from '../load/retry.js';
import { datasetSchema } from './dataset-schema.js';
import { custom, duration } from './schema-parts.js';

export const pacingSchema = z
  .object({
    rpm: z.int().min(1).optional().meta({ description: 'Requests per minute the client allows itself (left out: learnt from x-ratelimit-* headers when adaptive).' }),
    tpm: z.int().min(1).optional().meta({ description: 'Tokens per minute (each request costs input + max output tokens).' }),
    headroom: z.number().gt(0).max(1).default(0.9).meta({ description: 'Use this fraction of the limits.' }),
    burst: duration('How much of the rate may go at once; smaller smooths harder inside the minute.', { positive: true }).default('1s'),
    adaptive: z.boolean().default(true).meta({ description: 'Follow the x-ratelimit-* headers of every response, and slow down before a 429.' }),
    reserve: z.number().min(0).max(1).default(0).meta({ description: 'Fraction of capacity batch tenants may never use (kept for interactive traffic).' }),
  })
  .strict();

export const retrySchema = z
  .object({
    maxRetries: z.int().min(0).max(10).default(2),
    base: duration('First backoff step.', { positive: true }).default('500ms'),
    max: duration('Longest backoff step.', { positive: true }).default('8s'),
    jitter: z.enum(['full', 'equal', 'none']).default('full'),
    on: z
      .array(z.union([z.string(), z.number()]))
      .default([429, '5xx', 'timeout', 'network'])
      .superRefine((items, ctx) => {
        const r = parseRetryOn(items);
        if (!r.ok) custom(ctx, [], `{path}: ${r.message}`, 'use any of 429, 5xx, timeout, network, stream_cut');
      })
      .meta({ description: 'What to retry: 429, 5xx, timeout, network, stream_cut.' }),
    resendCutStreams: z.boolean().default(false).meta({ description: 'Re-send a stream that was cut after it delivered tokens (otherwise it counts as stream_cut).' }),
  })
  .strict();

export const tenantSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/),
    share: z
      .number()
      .positive()
      .optional()
      .meta({ description: 'Relative share of the open phases\' own arrivals and of the closed phases\' requests (default 1 when the tenant has no rate).' }),
    rate: z
      .number()
      .positive()
      .optional()
      .meta({
        description:
          'Requests/s of the tenant\'s own arrivals, on top of the phases\' rates: during every open phase a seeded stream at this constant rate, with the phase\'s arrival kind and burstiness (no ramp). When every tenant has a rate, open phases send only these. Not with share.',
      }),
    rpm: z.int().min(1).optional().meta({ description: 'Requests per minute this tenant may send (its own bucket, inside the shared pacing).' }),
    tpm: z.int().min(1).optional().meta({ description: 'Tokens per minute this tenant may spend (input + max output per request).' }),
    priority: z.enum(['interactive', 'batch']).default('interactive').meta({ description: 'Interactive requests go before batch ones; batch never uses pacing.reserve.' }),
    dataset: datasetSchema
      .optional()
      .meta({ description: 'The tenant\'s own prompts (same fields as the scenario\'s dataset; paths relative to the scenario file). Default: the scenario\'s dataset.' }),
    dailyRequests: z.int().min(1).optional().meta({ description: 'Requests this tenant may send per day; beyond it arrivals are refused (counted as dropped).' }),
    dailyTokens: z.int().min(1).optional().meta({ description: 'Tokens (input + max output) this tenant may spend per day.' }),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.share !== undefined && t.rate !== undefined) {
      custom(ctx, ['rate'], '{parent}: give a tenant a share or a rate, not both', 'share splits the phases\' arrivals among tenants; rate gives the tenant its own arrivals (requests/s) — keep one', 'key');
    }
  });

export const tenantsSchema = z.array(tenantSchema).min(1).superRefine((ts, ctx) => {
  const seen = new Set<string>();
  ts.forEach((t, i) => {
    if (seen.has(t.name)) custom(ctx, [i, 'name'], `tenant '${t.name}' is listed twice`, 'give every tenant a unique name');
    seen.add(t.name);
  });
}).meta({
  description:
    'Who the traffic belongs to. Tenants with a share split the phases\' own arrivals by a seeded draw; a tenant with a rate brings its own arrivals on top. Each has optional buckets (rpm, tpm), a priority, daily budgets and its own dataset; every metric is also labelled tenant=<name>.',
});
