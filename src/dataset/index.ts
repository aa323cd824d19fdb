/**
 * The dataset stage: turns a scenario's dataset spec into the prompt list the load
 * stage sends, each with its input tokens counted before the run starts.
 */
import { UserError } from '../errors.js';
import type { DatasetSpec, Prompt } from '../types.js';
import { budgetJsonlDataset, type CacheStatus } from './budgets.js';
import { encodingForModel, getEncoder } from './encoding.js';
import { createRng, deriveSeed, shuffled } from '../random.js';
import { generateSyntheticPrompts } from './synthetic.js';

export { encodingForModel, getEncoder, type TokenCounter, type ModelEncoding } from './encoding.js';
export { countChatTokens } from './chat-tokens.js';
export { promptBudget, type CacheStatus } from './budgets.js';
export { tokenCachePath } from './cache.js';

export interface LoadedPrompts {
  prompts: Prompt[];
  encoding: string;
  /** The model was not recognised; token counts use the default encoding and are estimates. */
  encodingGuessed: boolean;
  cache: CacheStatus | 'synthetic';
  plannedInputTokens: number;
  /** Sum of every prompt's max output tokens: the most output the dataset can ask for. */
  plannedOutputTokens: number;
}

export async function loadPrompts(spec: DatasetSpec, opts: { model: string; seed: number }): Promise<LoadedPrompts> {
  const { encoding, guessed } = encodingForModel(opts.model);
  if (spec.file !== undefined && spec.synthetic !== undefined) {
    throw new UserError('dataset has both "file" and "synthetic"', {
      where: 'dataset',
      hint: 'pick one: a JSONL file of real prompts, or synthetic prompts drawn from token distributions',
    });
  }

  let prompts: Prompt[];
  let cache: LoadedPrompts['cache'];
  if (spec.file !== undefined) {
    const budgets = await budgetJsonlDataset(spec.file, { encoding, defaultMaxOutputTokens: spec.maxOutputTokens });
    prompts = budgets.prompts;
    cache = budgets.cache;
  } else if (spec.synthetic !== undefined) {
    // Its own seed stream, so adding a shuffle or changing the count elsewhere never changes the text.
    const counter = await getEncoder(encoding);
    prompts = generateSyntheticPrompts(spec.synthetic, counter, deriveSeed(opts.seed, 'dataset.synthetic'));
    cache = 'synthetic';
  } else {
    throw new UserError('dataset needs "file" or "synthetic"', {
      where: 'dataset',
      hint: 'e.g. dataset: { file: datasets/quickstart.jsonl } or dataset: { synthetic: { inputTokens: {mean: 512, stddev: 64}, outputTokens: {mean: 128, stddev: 16}, count: 100 } }',
    });
  }

  if (spec.order === 'shuffle') prompts = shuffled(prompts, createRng(deriveSeed(opts.seed, 'dataset.shuffle')));

  let plannedInputTokens = 0;
  let plannedOutputTokens = 0;
  for (const p of prompts) {
    plannedInputTokens += p.inputTokens;
    plannedOutputTokens += p.maxOutputTokens;
  }
  return { prompts, encoding, encodingGuessed: guessed, cache, plannedInputTokens, plannedOutputTokens };
}
