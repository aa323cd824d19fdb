/**
 * `llm-bench tokens <file>`: shows what a dataset will cost before running it —
 * per-prompt input tokens, max output and budget — and warms the token cache.
 */
import path from 'node:path';
import Table from 'cli-table3';
import { loadPrompts, promptBudget, tokenCachePath } from '../dataset/index.js';
import { UserError } from '../errors.js';

export const DEFAULT_TOKENS_MODEL = 'gpt-4o-mini';
/** Output budget for lines that name no maxOutputTokens (no scenario is involved here). */
export const DEFAULT_TOKENS_MAX_OUTPUT = 128;

const CACHE_WORDS = {
  hit: 'hit (nothing tokenized)',
  built: 'built',
  none: 'not written (directory not writable)',
  synthetic: 'n/a',
} as const;

export async function tokensCommand(
  file: string,
  opts: { model?: string; json?: boolean },
  io: { out: (s: string) => void },
): Promise<number> {
  const model = opts.model ?? DEFAULT_TOKENS_MODEL;
  const absolute = path.resolve(file);
  const loaded = await loadPrompts(
    { file: absolute, maxOutputTokens: DEFAULT_TOKENS_MAX_OUTPUT, order: 'sequential' },
    { model, seed: 0 },
  ).catch((err: unknown) => {
    // Name the file as typed. The dataset stage's unreadable-file hint talks about scenario
    // files; here the path is a command-line argument.
    if (err instanceof UserError && err.where === absolute) {
      const hint = err.hint?.includes('dataset.file')
        ? `the path is resolved against the current directory (${process.cwd()})`
        : err.hint;
      throw new UserError(err.message, { where: file, ...(hint !== undefined ? { hint } : {}) });
    }
    throw err;
  });

  const rows = loaded.prompts.map((p) => ({
    id: p.id,
    inputTokens: p.inputTokens,
    maxOutputTokens: p.maxOutputTokens,
    budget: promptBudget(p),
  }));
  const totals = {
    prompts: rows.length,
    inputTokens: loaded.plannedInputTokens,
    maxOutputTokens: loaded.plannedOutputTokens,
    budget: loaded.plannedInputTokens + loaded.plannedOutputTokens,
  };

  if (opts.json) {
    const report = {
      file: absolute,
      model,
      encoding: loaded.encoding,
      encodingGuessed: loaded.encodingGuessed,
      cache: loaded.cache,
      cacheFile: tokenCachePath(absolute),
      prompts: rows,
      totals,
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }

  // No colours: the table is often piped into files and CI logs.
  const table = new Table({
    head: ['id', 'input', 'maxOutput', 'budget'],
    colAligns: ['left', 'right', 'right', 'right'],
    style: { head: [], border: [] },
    // One line per prompt: a rule between every row doubles the height of long datasets.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) table.push([r.id, r.inputTokens, r.maxOutputTokens, r.budget]);
  table.push([`total (${totals.prompts} prompts)`, totals.inputTokens, totals.maxOutputTokens, totals.budget]);

  const guess = loaded.encodingGuessed
    ? ` — model not recognised, assuming ${loaded.encoding}; counts are estimates`
    : '';
  io.out(`${table.toString()}\n`);
  io.out(`encoding: ${loaded.encoding} (model ${model})${guess}\n`);
  io.out(`cache: ${CACHE_WORDS[loaded.cache]} — ${tokenCachePath(absolute)}\n`);
  return 0;
}
