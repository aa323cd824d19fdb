/**
 * The `mock:` section of a scenario — also the whole of a `llm-bench mock --config` file.
 * Latency left unset falls back to the built-in per-model profiles.
 */
import { z } from 'zod';
import { tryParseDuration } from './duration.js';
import { custom, duration } from './schema-parts.js';

const ttft = z
  .object({
    median: duration('Median time to first token (lognormal).'),
    p99: duration('99th percentile time to first token; default 3 × median.').optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const med = tryParseDuration(t.median);
    const p99 = t.p99 === undefined ? null : tryParseDuration(t.p99);
    if (med.ok && p99?.ok && p99.ms < med.ms) custom(ctx, ['p99'], 'must be >= median', 'raise p99 or lower median');
  });

const tokensPerSecond = z.number().min(0).meta({ description: 'Output tokens per second after the first; 0 = no delay between tokens.' });
const tokensPerChunk = z.int().min(1).meta({ description: 'Tokens per streamed event (>1 imitates servers that batch).' });

const modelProfile = z
  .object({
    ttft: ttft.optional(),
    prefillPerToken: duration('Extra time to first token per input token (prefill cost), e.g. 0.05ms.').optional(),
    tokensPerSecond: tokensPerSecond.optional(),
    jitter: z.number().min(0).max(1).optional().meta({ description: 'Relative spread of the gaps between tokens (0 = steady).' }),
    tokensPerChunk: tokensPerChunk.optional(),
    reasoningRatio: z.number().min(0).optional().meta({ description: 'Hidden reasoning tokens per visible output token (o-series).' }),
    stream: z.boolean().optional().meta({ description: 'false: the model refuses stream: true, as o1-pro does.' }),
  })
  .strict();

const when = {
  rate: z.number().min(0).max(1).optional().meta({ description: 'Probability per request (default 1, or every request inside the window).' }),
  from: duration('Start of the window, from when the mock started.').optional(),
  to: duration('End of the window.').optional(),
};

const fault = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]), code: z.enum(['rate_limit_exceeded', 'insufficient_quota']).optional(), ...when }).strict(),
  z.object({ type: z.literal('cut'), afterEvents: z.int().min(0).meta({ description: 'SSE events delivered before the connection drops.' }), ...when }).strict(),
  z.object({ type: z.literal('stall'), for: duration('Silence after the headers before the stream goes on.', { positive: true }), ...when }).strict(),
  z.object({ type: z.literal('slowHeaders'), delay: duration('Silence before the status line.', { positive: true }), ...when }).strict(),
  z.object({ type: z.literal('malformed'), atEvent: z.int().min(1).optional(), ...when }).strict(),
]);

export const mockSchema = z
  .object({
    ttft: ttft.optional().meta({ description: 'Overrides every model profile\'s time to first token.' }),
    tokensPerSecond: tokensPerSecond.optional(),
    tokensPerChunk: tokensPerChunk.optional(),
    defaultOutputTokens: z.int().min(1).default(128).meta({ description: 'Output length when the request names no max tokens.' }),
    seed: z.int().min(0).optional().meta({ description: 'Defaults to the scenario seed.' }),
    models: z.record(z.string(), modelProfile).optional().meta({ description: 'Per-model profile overrides, keyed by model name.' }),
    rateLimits: z
      .object({
        rpm: z.int().min(1).optional(),
        tpm: z.int().min(1).optional(),
        window: duration('Sub-minute enforcement: how much of the minute\'s budget may be spent at once (default 60s).', { positive: true }).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'Emulate RPM/TPM limits per API key and model, with x-ratelimit-* headers and 429s.' }),
    faults: z.array(fault).optional().meta({ description: 'HTTP-layer faults, by probability and/or time window (seeded).' }),
    truthLog: z.string().min(1).optional().meta({ description: 'JSONL file of server-side stamps per request (relative to this file).' }),
  })
  .strict()
  .prefault({});

export type RawMock = z.output<typeof mockSchema>;
