/**
 * The `dataset` section: where prompts come from. Shared by the scenario's dataset and a
 * tenant's own (tenants[].dataset), so both are written, checked and documented alike.
 */
import { z } from 'zod';
import { custom } from './schema-parts.js';

const tokenDist = z
  .object({ mean: z.number().positive(), stddev: z.number().min(0).default(0) })
  .strict();

export const datasetSchema = z
  .object({
    file: z.string().min(1).optional().meta({ description: 'JSONL prompts, relative to the scenario file.' }),
    synthetic: z.object({ inputTokens: tokenDist, outputTokens: tokenDist, count: z.int().min(1) }).strict().optional(),
    maxOutputTokens: z.int().min(1).default(128).meta({ description: 'Per prompt unless its line says otherwise.' }),
    order: z.enum(['sequential', 'shuffle']).default('sequential').meta({ description: 'shuffle is seeded.' }),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.file !== undefined && d.synthetic !== undefined) {
      custom(ctx, ['synthetic'], '{parent} has both file and synthetic', 'keep exactly one of file or synthetic', 'key');
    } else if (d.file === undefined && d.synthetic === undefined) {
      custom(ctx, [], '{path} needs a file or synthetic prompts', 'add file: prompts.jsonl, or synthetic: { inputTokens: {mean: 500, stddev: 100}, outputTokens: {mean: 128, stddev: 0}, count: 100 }');
    }
  });
