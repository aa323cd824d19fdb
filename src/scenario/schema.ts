/**
 * The scenario file as the user writes it (durations as strings, paths relative to the file).
 * Every object is strict so a mistyped key is an error, not a silently ignored setting.
 * normalize.ts turns the parsed value into the `Scenario` of types.ts; the JSON Schema for
 * editors is generated from this same definition (`io: 'input'`).
 *
 * Custom issues carry `params.hint`, and may use `{path}` / `{parent}` in their message
 * (see issues.ts); otherwise the field path is prefixed.
 */
import { z } from 'zod';
import { checkThreshold, LATENCY_METRICS, metricKind, splitSelector, THRESHOLD_METRICS, thresholdDescription, thresholdExample, thresholdPattern } from '../gate/parse.js';
import { checkDrift, checkDriftKey, driftDescription, driftExample, driftPattern } from '../gate/drift.js';
import { DRIFT_METRICS } from '../metrics/drift.js';
import { chaosSchema } from './chaos-schema.js';
import { datasetSchema } from './dataset-schema.js';
import { mockSchema as mock } from './mock-schema.js';
import { pacingSchema, retrySchema, tenantsSchema } from './traffic-schema.js';
import { custom, duration, pattern } from './schema-parts.js';
import { didYouMean } from './suggest.js';

export { DURATION_SCHEMAS } from './schema-parts.js';

const httpUrl = z
  .string()
  .superRefine((s, ctx) => {
    let u: URL | undefined;
    try {
      u = new URL(s);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      custom(ctx, [], `"${s}" is not an http(s) URL`, 'write the base URL including /v1, e.g. http://127.0.0.1:8080/v1');
    }
  })
  .meta({ description: 'Base URL including /v1 (kind: url). Validated but ignored for kind: mock.', format: 'uri', examples: ['http://127.0.0.1:8080/v1'] });

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const target = z
  .object({
    kind: z.enum(['mock', 'url']).default('mock').meta({ description: 'mock: start the built-in mock in-process; url: a real endpoint' }),
    url: httpUrl.optional(),
    api: z
      .enum(['chat', 'responses'])
      .default('chat')
      .meta({ description: 'chat: POST /chat/completions; responses: POST /responses (the Responses API, sent with store: false). Embeddings and realtime come later.' }),
    model: z.string().min(1).default('gpt-4o-mini'),
    apiKeyEnv: pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name', 'write e.g. OPENAI_API_KEY')
      .default('OPENAI_API_KEY')
      .meta({ description: 'Environment variable holding the API key, sent as Bearer when set; never logged.' }),
    timeout: duration('Per-request timeout.', { positive: true }).default('60s'),
    stream: z.boolean().default(true),
    streamUsage: z.boolean().default(true).meta({ description: 'api: chat: send stream_options.include_usage. (The Responses API always reports usage in its last event.)' }),
    http: z
      .object({
        h2: z.boolean().default(false),
        connections: z.int().min(1).optional().meta({ description: 'Connection pool size; default maxInFlight for HTTP/1.1.' }),
        insecure: z.boolean().default(false).meta({ description: 'Skip TLS certificate verification (self-signed test endpoints only).' }),
      })
      .strict()
      .prefault({}),
    headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Extra request headers (quote numeric values).' }),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.kind === 'url' && t.url === undefined) {
      custom(ctx, ['url'], '{path} is required when target.kind is url', 'add e.g. url: http://127.0.0.1:8080/v1 under target, or use kind: mock');
    }
    for (const name of Object.keys(t.headers)) {
      if (!headerName.test(name)) custom(ctx, ['headers', name], 'is not a valid HTTP header name', 'use letters, digits and -', 'key');
    }
  });

const phase = z
  .object({
    name: z.string().min(1).optional().meta({ description: 'Label for per-phase metrics; default phase<N>.' }),
    duration: duration('Phase length.', { positive: true }),
    arrival: z.enum(['constant', 'poisson', 'gamma']).optional().meta({ description: 'Open loop only; default constant.' }),
    rate: z.number().min(0).optional().meta({ description: 'Open loop: requests/s at the phase start.' }),
    rampTo: z.number().min(0).optional().meta({ description: 'Open loop: requests/s at the phase end (linear ramp).' }),
    burstiness: z.number().positive().optional().meta({ description: 'arrival: gamma only. < 1 burstier than poisson, 1 = poisson, > 1 smoother. Default 1.' }),
    concurrency: z.int().min(1).optional().meta({ description: 'Closed loop: requests kept in flight.' }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.rate !== undefined && p.concurrency !== undefined) {
      return custom(ctx, ['concurrency'], '{parent} has both rate (open loop) and concurrency (closed loop)', 'keep rate for an open-loop phase or concurrency for a closed-loop phase', 'key');
    }
    if (p.rate === undefined && p.concurrency === undefined) {
      return custom(ctx, [], '{path} has neither rate nor concurrency', 'add rate: <requests/s> (open loop) or concurrency: <n> (closed loop)');
    }
    if (p.concurrency !== undefined) {
      for (const k of ['arrival', 'rampTo', 'burstiness'] as const) {
        if (p[k] !== undefined) custom(ctx, [k], 'only applies to open-loop phases (with rate)', `remove ${k}, or use rate instead of concurrency`, 'key');
      }
      return;
    }
    if (p.burstiness !== undefined && p.arrival !== 'gamma') {
      custom(ctx, ['burstiness'], 'only applies to arrival: gamma', 'set arrival: gamma or remove burstiness', 'key');
    }
    // A phase at rate 0 is checked with the tenants (scenarioSchema): a tenant's own rate may fill it.
  });

const load = z
  .object({
    maxInFlight: z.int().min(1).default(512).meta({ description: 'Open-loop cap: arrivals above it are counted as dropped, never silently skipped.' }),
    phases: z.array(phase).min(1),
  })
  .strict()
  .superRefine((l, ctx) => {
    const seen = new Set<string>();
    l.phases.forEach((p, i) => {
      const name = p.name ?? `phase${i + 1}`;
      if (seen.has(name)) custom(ctx, ['phases', i, 'name'], `'${name}' is already used by an earlier phase`, 'give every phase a unique name');
      seen.add(name);
    });
  });

function thresholdList(metric: string) {
  const expr = z
    .string()
    .superRefine((s, ctx) => {
      const r = checkThreshold(metric, s);
      if (!r.ok) custom(ctx, [], `{path}: ${r.message}`, r.hint);
    })
    .meta({ pattern: thresholdPattern(metric) });
  const withAbort = z
    .object({
      threshold: expr,
      abortOnFail: z.boolean().default(false).meta({ description: 'Stop the run as soon as this threshold fails (checked every second).' }),
      delayAbortEval: duration('Wait this long into the run before checking (let the metric settle).').optional(),
    })
    .strict();
  return z.array(z.union([expr, withAbort])).optional().meta({ description: thresholdDescription(metric), examples: [[thresholdExample(metric)]] });
}

const thresholds = z
  .object(Object.fromEntries(THRESHOLD_METRICS.map((m) => [m, thresholdList(m)])) as Record<string, ReturnType<typeof thresholdList>>)
  // Other keys must be selectors such as ttft{phase=ramp}; a mistyped metric is still an error.
  .catchall(z.array(z.union([z.string(), z.object({ threshold: z.string(), abortOnFail: z.boolean().default(false), delayAbortEval: z.string().optional() }).strict()])))
  .superRefine((t, ctx) => {
    for (const [key, exprs] of Object.entries(t)) {
      const sel = splitSelector(key);
      if (!('error' in sel) && metricKind(sel.metric) === 'cost') {
        // Abort checks run on live counts, which carry no prices: the run would never stop.
        (exprs ?? []).forEach((item, i) => {
          if (typeof item !== 'string' && item.abortOnFail) {
            custom(ctx, [key, i, 'abortOnFail'], `{path}: ${sel.metric} is known only when the run ends; abortOnFail is not supported`, 'remove abortOnFail (the threshold still fails the run when it ends), or bound the spend with a shorter run', 'key');
          }
        });
      }
      if ((THRESHOLD_METRICS as readonly string[]).includes(key)) continue;
      if (!key.includes('{')) {
        const s = didYouMean(key, THRESHOLD_METRICS);
        custom(ctx, [key], `unknown metric '{path}'${s ? ` — did you mean '${s}'?` : ''}`, `metrics: ${THRESHOLD_METRICS.join(', ')}; select a label with e.g. ttft{phase=ramp}`, 'key');
        continue;
      }
      (exprs ?? []).forEach((item, i) => {
        const expr = typeof item === 'string' ? item : item.threshold;
        const r = checkThreshold(key, expr);
        if (!r.ok) custom(ctx, [key, i], `thresholds.${key}[${i}]: ${r.message}`, r.hint);
      });
    }
  })
  .meta({ description: `Pass/fail gates, keyed by metric. Latency metrics (${LATENCY_METRICS.join(', ')}) take "p95 < 800ms".` });

function driftExpr(metric: string) {
  return z
    .string()
    .superRefine((s, ctx) => {
      const r = checkDrift(metric, s);
      if (!r.ok) custom(ctx, [], `{parent}.${metric}: ${r.message}`, r.hint);
    })
    .optional()
    .meta({ description: driftDescription(metric), pattern: driftPattern(metric), examples: [driftExample(metric)] });
}

const drift = z
  .object(Object.fromEntries(DRIFT_METRICS.map((m) => [m, driftExpr(m)])) as Record<string, ReturnType<typeof driftExpr>>)
  // Unknown keys get a drift-specific message (did-you-mean, "needs a percentile") below; the
  // JSON Schema still closes the mapping.
  .catchall(z.unknown())
  .superRefine((d, ctx) => {
    for (const key of Object.keys(d)) {
      const bad = checkDriftKey(key);
      if (bad) custom(ctx, [key], `{parent}: ${bad.message}`, bad.hint, 'key');
    }
  })
  .meta({
    description:
      'Trend gates for long (soak) runs, keyed by drift metric: the slope of a least-squares line through the interval windows (results.series), e.g. ttft.p95: "< 5%/h", e2e.p99: "< 200ms/h", errorRate: "< 0.5pp/h". Every verdict joins the thresholds (metric drift.<key>).',
    additionalProperties: false,
    examples: [{ 'ttft.p95': '< 5%/h', 'e2e.p99': '< 200ms/h', errorRate: '< 0.5pp/h' }],
  });

export const scenarioSchema = z
  .object({
    name: pattern(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'is not a valid name', 'use letters, digits, ., _ and - (it becomes part of the report directory name)'),
    seed: z.int().min(0).default(1),
    target: target.prefault({}),
    dataset: datasetSchema,
    load,
    mock,
    pacing: pacingSchema.optional(),
    retry: retrySchema.optional(),
    tenants: tenantsSchema.optional(),
    chaos: chaosSchema.optional(),
    slo: z
      .object({
        ttft: duration('A request is good only with a TTFT at most this.', { positive: true }).optional(),
        e2e: duration('… and an end-to-end time at most this.', { positive: true }).optional(),
        tpot: duration('… and a time per output token at most this.', { positive: true }).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'Per-request SLOs for goodput: requests meeting all of them ÷ all that arrived (gate with thresholds.goodput).' }),
    pricing: z
      .object({
        input: z.number().min(0).meta({ description: 'USD per 1M input tokens (not read from the prompt cache).' }),
        output: z.number().min(0).meta({ description: 'USD per 1M output tokens (reasoning tokens included, as billed).' }),
        cachedInput: z.number().min(0).optional().meta({ description: 'USD per 1M cached input tokens (usage cached_tokens); default: the input price.' }),
      })
      .strict()
      .optional()
      .meta({
        description: 'Token prices for results.cost (USD per 1M tokens); overrides the built-in list prices of the target model. Gate with thresholds.cost and thresholds.costPerRequest.',
        examples: [{ input: 0.15, cachedInput: 0.075, output: 0.6 }],
      }),
    thresholds: thresholds.optional(),
    drift: drift.optional(),
    output: z
      .object({
        dir: z.string().min(1).optional().meta({ description: 'Relative to the scenario file. Default reports/<name>-<UTC timestamp>, relative to the current directory.' }),
        interval: duration('Length of the interval windows in results.series (default 1s; 10s for runs of an hour or more).', { positive: true }).optional(),
        requests: z.boolean().optional().meta({ description: 'Also write requests.jsonl: one line per finished request, streamed to disk (nothing per request is kept in memory). Same as --requests-log.' }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.tenants?.some((t) => t.rate !== undefined)) return;
    s.load.phases.forEach((p, i) => {
      if (p.rate === 0 && (p.rampTo ?? 0) === 0) {
        custom(ctx, ['load', 'phases', i, 'rate'], '{parent} sends no requests (rate and rampTo are 0)', 'set rate (or rampTo) above 0, or give a tenant its own rate');
      }
    });
  })
  .meta({ title: 'llm-bench scenario', description: 'A load benchmark for an OpenAI-compatible API.' });

/** The validated file, before normalisation. */
export type RawScenario = z.output<typeof scenarioSchema>;

/** JSON Schema (draft-07, which yaml-language-server understands) of the scenario file. */
export function scenarioJsonSchema(): object {
  return z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-07' });
}

/** The exact text of schema/scenario.schema.json. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
