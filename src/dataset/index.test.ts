import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import type { DatasetSpec } from '../types.js';
import { countChatTokens } from './chat-tokens.js';
import { getEncoder } from './encoding.js';
import { loadPrompts } from './index.js';
import { parseJsonlDataset } from './jsonl.js';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';


const QUICKSTART = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../datasets/quickstart.jsonl');
const LINES = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `p${i}`, prompt: `Question number ${i}?` }));

describe('loadPrompts', () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  const fileSpec = (file: string, order: DatasetSpec['order'] = 'sequential'): DatasetSpec => ({
    file,
    maxOutputTokens: 50,
    order,
  });

  it('loads a file in file order with planned totals and cache status', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', LINES.join('\n'));
    const first = await loadPrompts(fileSpec(file), { model: 'gpt-4o-mini', seed: 1 });
    expect(first.prompts.map((p) => p.id)).toEqual(LINES.map((_, i) => `p${i}`));
    expect(first).toMatchObject({ encoding: 'o200k_base', encodingGuessed: false, cache: 'built' });
    expect(first.plannedInputTokens).toBe(first.prompts.reduce((s, p) => s + p.inputTokens, 0));
    expect(first.plannedOutputTokens).toBe(12 * 50);

    const again = await loadPrompts(fileSpec(file), { model: 'gpt-4o', seed: 1 });
    expect(again.cache).toBe('hit');
    expect(again.prompts).toEqual(first.prompts);
  });

  it('uses cl100k for gpt-4 and flags unknown models as a guess', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', LINES.join('\n'));
    expect((await loadPrompts(fileSpec(file), { model: 'gpt-4-turbo', seed: 1 })).encoding).toBe('cl100k_base');
    const guessed = await loadPrompts(fileSpec(file), { model: 'llama-3-70b', seed: 1 });
    expect(guessed).toMatchObject({ encoding: 'o200k_base', encodingGuessed: true });
  });

  it('shuffles deterministically by seed', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', LINES.join('\n'));
    const ids = async (seed: number) =>
      (await loadPrompts(fileSpec(file, 'shuffle'), { model: 'gpt-4o', seed })).prompts.map((p) => p.id);
    const a = await ids(7);
    expect(await ids(7)).toEqual(a);
    expect(await ids(8)).not.toEqual(a);
    expect([...a].sort()).toEqual([...LINES.map((_, i) => `p${i}`)].sort());
    expect(a).not.toEqual(LINES.map((_, i) => `p${i}`));
  });

  it('generates synthetic prompts with exact token counts', async () => {
    const spec: DatasetSpec = {
      synthetic: { inputTokens: { mean: 100, stddev: 20 }, outputTokens: { mean: 30, stddev: 5 }, count: 10 },
      maxOutputTokens: 128,
      order: 'sequential',
    };
    const loaded = await loadPrompts(spec, { model: 'gpt-4o', seed: 3 });
    const counter = await getEncoder('o200k_base');
    expect(loaded.cache).toBe('synthetic');
    expect(loaded.prompts).toHaveLength(10);
    for (const p of loaded.prompts) expect(countChatTokens(p.messages, counter)).toBe(p.inputTokens);
    expect(loaded.plannedOutputTokens).toBe(loaded.prompts.reduce((s, p) => s + p.maxOutputTokens, 0));
  });

  it('rejects a spec with neither or both sources', async () => {
    const none: DatasetSpec = { maxOutputTokens: 10, order: 'sequential' };
    await expect(loadPrompts(none, { model: 'gpt-4o', seed: 1 })).rejects.toBeInstanceOf(UserError);
    const both: DatasetSpec = {
      ...none,
      file: '/x.jsonl',
      synthetic: { inputTokens: { mean: 10, stddev: 0 }, outputTokens: { mean: 10, stddev: 0 }, count: 1 },
    };
    await expect(loadPrompts(both, { model: 'gpt-4o', seed: 1 })).rejects.toThrow(/both/);
  });
});

describe('datasets/quickstart.jsonl', () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it('parses with at least 50 varied prompts', async () => {
    const prompts = parseJsonlDataset(readFileSync(QUICKSTART, 'utf8'), QUICKSTART, 128);
    expect(prompts.length).toBeGreaterThanOrEqual(50);
    expect(prompts.some((p) => p.messages.some((m) => m.role === 'system'))).toBe(true);
    expect(prompts.some((p) => p.messages.filter((m) => m.role === 'user').length > 1)).toBe(true);
    const ownMax = prompts.map((p) => p.maxOutputTokens).filter((n) => n !== 128);
    expect(ownMax.length).toBeGreaterThan(20);
    for (const n of ownMax) {
      expect(n).toBeGreaterThanOrEqual(32);
      expect(n).toBeLessThanOrEqual(256);
    }

    // Load through the public API from a temp copy, so no cache is written into the repo.
    tmp = makeTempDir('llm-bench-dataset-');
    const copy = tmp.write('quickstart.jsonl', readFileSync(QUICKSTART, 'utf8'));
    const loaded = await loadPrompts({ file: copy, maxOutputTokens: 128, order: 'sequential' }, { model: 'gpt-4o-mini', seed: 0 });
    const inputs = loaded.prompts.map((p) => p.inputTokens);
    expect(Math.min(...inputs)).toBeLessThan(20);
    expect(Math.max(...inputs)).toBeGreaterThan(200);
  });
});
