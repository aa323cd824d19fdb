/** Building blocks shared by the scenario schema and the mock's config schema. */
import { z } from 'zod';
import { DURATION_EXAMPLES, DURATION_PATTERN, tryParseDuration } from './duration.js';

export type Ctx = z.core.$RefinementCtx;

/** Duration fields, so issues.ts can explain any failure there with the duration parser. */
export const DURATION_SCHEMAS = new WeakSet<object>();

export function custom(ctx: Ctx, path: PropertyKey[], message: string, hint: string, at: 'key' | 'value' = 'value'): void {
  ctx.addIssue({ code: 'custom', path, message, params: { hint, at } });
}

export function duration(description: string, opts: { positive?: boolean } = {}) {
  const text = z.string().regex(new RegExp(DURATION_PATTERN));
  // Both are unions so a bare number gets the duration message (issues.ts), not "expected string".
  const base = opts.positive ? z.union([text]) : z.union([text, z.literal(0)]);
  const checked = opts.positive
    ? base.superRefine((v, ctx) => {
        const r = tryParseDuration(v);
        if (r.ok && r.ms <= 0) custom(ctx, [], 'must be greater than 0', 'write e.g. 30s');
      })
    : base;
  const bare = opts.positive ? 'a bare number is rejected' : 'a bare number other than 0 is rejected';
  const schema = checked.meta({
    description: `${description} A number with a unit: us, ms, s, m, h (e.g. 500ms, 1.5s, 1m30s); ${bare}.`,
    examples: [...DURATION_EXAMPLES],
  });
  DURATION_SCHEMAS.add(schema);
  return schema;
}

export function pattern(re: RegExp, message: string, hint: string) {
  return z
    .string()
    .superRefine((s, ctx) => {
      if (!re.test(s)) custom(ctx, [], `"${s}" ${message}`, hint);
    })
    .meta({ pattern: re.source });
}

