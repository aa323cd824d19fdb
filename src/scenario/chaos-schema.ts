/** The `chaos:` section: episodes on the run's timeline, network (Toxiproxy) or HTTP-layer. */
import { z } from 'zod';
import { custom, duration } from './schema-parts.js';

const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

const toxic = z
  .object({
    type: z.enum(TOXIC_TYPES),
    attributes: z.record(z.string(), z.number()).default({}).meta({ description: 'As Toxiproxy takes them, e.g. { latency: 200, jitter: 100 } (ms).' }),
    stream: z.enum(['downstream', 'upstream']).default('downstream'),
    toxicity: z.number().min(0).max(1).default(1),
  })
  .strict();

const http = z
  .object({
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
    code: z.enum(['rate_limit_exceeded', 'insufficient_quota']).optional(),
    cut: z.object({ afterEvents: z.int().min(0) }).strict().optional(),
    stall: duration('Silence after the headers.', { positive: true }).optional(),
    slowHeaders: duration('Silence before the status line.', { positive: true }).optional(),
    malformed: z.object({ atEvent: z.int().min(1).default(1) }).strict().optional(),
    rate: z.number().min(0).max(1).default(1).meta({ description: 'Share of requests the fault hits during the episode.' }),
  })
  .strict()
  .superRefine((h, ctx) => {
    const kinds = (['status', 'cut', 'stall', 'slowHeaders', 'malformed'] as const).filter((k) => h[k] !== undefined);
    if (kinds.length !== 1) custom(ctx, [], '{path} needs exactly one of status, cut, stall, slowHeaders, malformed', 'e.g. http: { status: 429, rate: 0.5 }');
  });

const episode = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/).optional().meta({ description: 'Label for results (default: the kind and start, e.g. latency@30s).' }),
    at: duration('When the episode starts, from the start of the run.'),
    for: duration('How long it lasts.', { positive: true }),
    toxic: toxic.optional(),
    down: z.literal(true).optional().meta({ description: 'The proxy is disabled: connections are refused.' }),
    http: http.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const kinds = (['toxic', 'down', 'http'] as const).filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) custom(ctx, [], '{path} needs exactly one of toxic, down, http', 'e.g. { at: 30s, for: 20s, toxic: { type: latency, attributes: { latency: 200 } } }');
  });

export const chaosSchema = z
  .object({
    toxiproxy: z
      .object({ url: z.string().url().meta({ description: 'A real Toxiproxy server; leave out to use the embedded one.' }) })
      .strict()
      .optional(),
    episodes: z.array(episode).min(1),
  })
  .strict();

export type RawChaos = z.output<typeof chaosSchema>;
