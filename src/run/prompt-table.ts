/**
 * Every dataset a run sends from — the scenario's and each tenant's own — read and token-counted
 * before anything is sent, and joined into one table so a request's promptIndex names exactly one
 * prompt whatever dataset it came from (budgets, the send and the input-token fallback all look
 * it up by that index).
 */
import { UserError } from '../errors.js';
import { loadPrompts, type LoadedPrompts } from '../dataset/index.js';
import { promptCycle } from '../load/run-loop.js';
import { deriveSeed } from '../random.js';
import type { DatasetSpec, Prompt, Scenario } from '../types.js';
import { belowOutputMinimum, RESPONSES_MIN_OUTPUT_TOKENS } from '../protocols/responses.js';

export interface RunDatasets {
  scenario: LoadedPrompts;
  /** per tenant (same order as scenario.tenants): its own prompts, or null for the scenario's */
  tenants: Array<LoadedPrompts | null>;
}

/**
 * Loads the scenario's dataset, then each tenant's. A tenant's mistakes name the tenant's field
 * (tenants[i].dataset.file), or file:line:col inside its JSONL; they exit 2 like the scenario's.
 */
export async function loadRunDatasets(scenario: Scenario, model: string): Promise<RunDatasets> {
  const main = await loadPrompts(scenario.dataset, { model, seed: scenario.seed });
  const tenants: RunDatasets['tenants'] = [];
  for (const [i, t] of (scenario.tenants ?? []).entries()) {
    // A seed of the tenant's own (by name): its shuffle and synthetic text differ from the
    // scenario's, and do not move when other tenants are added.
    tenants.push(t.dataset ? await loadTenantDataset(t.dataset, `tenants[${i}].dataset`, { model, seed: deriveSeed(scenario.seed, `tenant.dataset:${t.name}`) }) : null);
  }
  return { scenario: main, tenants };
}

async function loadTenantDataset(spec: DatasetSpec, field: string, opts: { model: string; seed: number }): Promise<LoadedPrompts> {
  try {
    return await loadPrompts(spec, opts);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // Errors about the whole file name only the file; say which field pointed at it.
    const hint = err.hint?.replace(/\bdataset\.file\b/g, `${field}.file`);
    if (spec.file !== undefined && err.where === spec.file) {
      throw new UserError(`${err.message}: ${spec.file}`, { where: `${field}.file`, ...(hint ? { hint } : {}) });
    }
    if (err.where === 'dataset') throw new UserError(err.message, { where: field, ...(hint ? { hint } : {}) });
    throw err; // file:line:col already points at the line
  }
}

export interface PromptTable<P> {
  /** the scenario's prompts, then each tenant dataset's, in tenant order */
  prompts: Prompt[];
  /** prepared requests, same indices */
  prepared: P[];
  /** the prompt a tenant's seq-th request sends: cycling by seq within that tenant's dataset */
  indexOf(tenant: number, seq: number): number;
}

export function promptTable<P>(datasets: RunDatasets, prepare: (p: Prompt) => P): PromptTable<P> {
  const prompts = [...datasets.scenario.prompts];
  const main = { offset: 0, count: prompts.length };
  const ranges = datasets.tenants.map((d) => {
    if (!d) return main;
    const range = { offset: prompts.length, count: d.prompts.length };
    for (const p of d.prompts) prompts.push(p); // no spread: datasets may be too long for one call
    return range;
  });
  return {
    prompts,
    prepared: prompts.map(prepare),
    indexOf(tenant, seq) {
      const r = ranges[tenant] ?? main;
      return r.offset + (promptCycle(seq) % r.count);
    },
  };
}

/**
 * What `run` and `validate` say when a Responses target would refuse prompts for their output
 * limit; null when nothing would be. Said, not refused: vLLM and others may take less.
 */
export function outputLimitWarning(api: string, datasets: RunDatasets): string | null {
  if (api !== 'responses') return null;
  const short = [datasets.scenario, ...datasets.tenants].reduce((n, d) => n + (d ? belowOutputMinimum(d.prompts) : 0), 0);
  if (short === 0) return null;
  const min = RESPONSES_MIN_OUTPUT_TOKENS;
  return `${short} prompt${short === 1 ? ' asks' : 's ask'} for fewer than ${min} output tokens; OpenAI's Responses API (and the mock) refuse max_output_tokens below ${min} with a 400 — set dataset.maxOutputTokens to ${min} or more`;
}
