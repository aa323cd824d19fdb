/**
 * Token budgets for a JSONL dataset: each prompt's chat input tokens, served from the
 * `<file>.tokens.json` cache when the file content and encoding are unchanged.
 */
import type { Prompt } from '../types.js';
import { hashContent, readTokenCache, writeTokenCache } from './cache.js';
import { countChatTokens } from './chat-tokens.js';
import { getEncoder } from './encoding.js';
import { parseJsonlDataset, readDatasetFile, type ParsedPrompt } from './jsonl.js';

/** hit: read from cache; built: tokenized and cache written; none: tokenized, cache not writable. */
export type CacheStatus = 'hit' | 'built' | 'none';

export interface DatasetBudgets {
  prompts: Prompt[];
  cache: CacheStatus;
}

/** What a request may cost at most: its input plus the most output it may ask for. */
export function promptBudget(prompt: Pick<Prompt, 'inputTokens' | 'maxOutputTokens'>): number {
  return prompt.inputTokens + prompt.maxOutputTokens;
}

function fromCache(parsed: ParsedPrompt[], cached: { id: string; inputTokens: number }[]): Prompt[] | undefined {
  // Same bytes imply same ids, but a hand-edited or foreign cache must not be trusted blindly.
  if (cached.length !== parsed.length) return undefined;
  const prompts: Prompt[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i] as ParsedPrompt;
    const c = cached[i];
    if (c?.id !== p.id) return undefined;
    prompts.push({ ...p, inputTokens: c.inputTokens });
  }
  return prompts;
}

export async function budgetJsonlDataset(
  file: string,
  opts: { encoding: string; defaultMaxOutputTokens: number },
): Promise<DatasetBudgets> {
  const bytes = await readDatasetFile(file);
  const parsed = parseJsonlDataset(bytes.toString('utf8'), file, opts.defaultMaxOutputTokens);
  const contentHash = hashContent(bytes);

  const cached = await readTokenCache(file, contentHash, opts.encoding);
  const hit = cached && fromCache(parsed, cached);
  if (hit) return { prompts: hit, cache: 'hit' };

  const counter = await getEncoder(opts.encoding);
  const prompts = parsed.map((p) => ({ ...p, inputTokens: countChatTokens(p.messages, counter) }));
  const written = await writeTokenCache(file, {
    contentHash,
    encoding: opts.encoding,
    prompts: prompts.map((p) => ({ id: p.id, inputTokens: p.inputTokens })),
  });
  return { prompts, cache: written ? 'built' : 'none' };
}
