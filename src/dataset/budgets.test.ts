import { describe, it, expect, afterEach } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { budgetJsonlDataset, promptBudget } from './budgets.js';
import { TOKEN_CACHE_VERSION, hashContent, tokenCachePath, type TokenCacheFile } from './cache.js';
import { countChatTokens } from './chat-tokens.js';
import { getEncoder } from './encoding.js';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';


const DATASET = [
  '{"id":"a","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello world"}],"maxOutputTokens":32}',
  '{"id":"b","prompt":"Summarise the plot of Hamlet in one sentence."}',
].join('\n');

const opts = { encoding: 'o200k_base', defaultMaxOutputTokens: 100 };

describe('budgetJsonlDataset', () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it('counts chat input tokens and writes the cache beside the file', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    const result = await budgetJsonlDataset(file, opts);
    const counter = await getEncoder('o200k_base');

    expect(result.cache).toBe('built');
    expect(result.prompts.map((p) => [p.id, p.maxOutputTokens])).toEqual([['a', 32], ['b', 100]]);
    expect(result.prompts[0]?.inputTokens).toBe(16);
    expect(result.prompts[1]?.inputTokens).toBe(
      countChatTokens([{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }], counter),
    );
    expect(promptBudget(result.prompts[0]!)).toBe(16 + 32);

    const cache = JSON.parse(readFileSync(tokenCachePath(file), 'utf8')) as TokenCacheFile;
    expect(cache).toEqual({
      version: TOKEN_CACHE_VERSION,
      contentHash: hashContent(DATASET),
      encoding: 'o200k_base',
      prompts: result.prompts.map((p) => ({ id: p.id, inputTokens: p.inputTokens })),
    });
    // Atomic write leaves no temp files behind.
    expect(readdirSync(tmp.dir).sort()).toEqual(['set.jsonl', 'set.jsonl.tokens.json']);
  });

  it('reads the cache on a rerun instead of tokenizing', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    const first = await budgetJsonlDataset(file, opts);

    // Plant sentinel counts with the right hash: only a cache read can return them.
    const cachePath = tokenCachePath(file);
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as TokenCacheFile;
    cache.prompts = cache.prompts.map((p) => ({ ...p, inputTokens: 9999 }));
    tmp.write('set.jsonl.tokens.json', JSON.stringify(cache));

    const second = await budgetJsonlDataset(file, opts);
    expect(second.cache).toBe('hit');
    expect(second.prompts.map((p) => p.inputTokens)).toEqual([9999, 9999]);
    // Max output still comes from this load's defaults, not the cache.
    expect(second.prompts.map((p) => p.maxOutputTokens)).toEqual(first.prompts.map((p) => p.maxOutputTokens));
  });

  it('rebuilds when the file content changes', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    await budgetJsonlDataset(file, opts);
    tmp.write('set.jsonl', `${DATASET}\n{"id":"c","prompt":"One more"}`);

    const result = await budgetJsonlDataset(file, opts);
    expect(result.cache).toBe('built');
    expect(result.prompts.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect((await budgetJsonlDataset(file, opts)).cache).toBe('hit');
  });

  it('rebuilds for another encoding, and ignores a corrupt cache', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    await budgetJsonlDataset(file, opts);
    expect((await budgetJsonlDataset(file, { ...opts, encoding: 'cl100k_base' })).cache).toBe('built');

    tmp.write('set.jsonl.tokens.json', '{"version": 1, "prompts": [');
    expect((await budgetJsonlDataset(file, opts)).cache).toBe('built');
    expect((await budgetJsonlDataset(file, opts)).cache).toBe('hit');
  });

  it('works without a cache when the cache path cannot be written', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    // A directory where the cache file should go: unreadable as a cache and rename fails,
    // even for root (which ignores permission bits).
    mkdirSync(tokenCachePath(file));
    const result = await budgetJsonlDataset(file, opts);
    expect(result.cache).toBe('none');
    expect(result.prompts).toHaveLength(2);
    expect(readdirSync(tmp.dir).sort()).toEqual(['set.jsonl', 'set.jsonl.tokens.json']);
  });

  it('works without a cache when the directory is not writable', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('set.jsonl', DATASET);
    chmodSync(tmp.dir, 0o555);
    try {
      const result = await budgetJsonlDataset(file, opts);
      // root ignores directory permissions; then the cache is simply written.
      const expected = process.getuid?.() === 0 ? 'built' : 'none';
      expect(result.cache).toBe(expected);
      expect(result.prompts).toHaveLength(2);
      if (expected === 'none') expect(existsSync(tokenCachePath(file))).toBe(false);
    } finally {
      chmodSync(tmp.dir, 0o755);
    }
  });
});
