import { describe, it, expect, afterEach } from 'vitest';
import { tokensCommand } from '../cli/tokens.js';
import { UserError } from '../errors.js';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';


const DATASET = '{"id":"a","prompt":"Hello world","maxOutputTokens":32}\n{"id":"b","prompt":"Tell me a joke"}\n';

function capture(): { out: (s: string) => void; text: () => string } {
  const chunks: string[] = [];
  return { out: (s) => chunks.push(s), text: () => chunks.join('') };
}

describe('tokensCommand', () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it('prints a table with totals, the encoding and the cache status', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', DATASET);
    const io = capture();
    expect(await tokensCommand(file, {}, io)).toBe(0);
    const text = io.text();
    // "Hello world" as one user message: 3 + 1 + 2 + 3 = 9 input, + 32 output.
    expect(text).toMatch(/│ a\s+│\s+9 │\s+32 │\s+41 │/);
    expect(text).toMatch(/│ b\s+│\s+\d+ │\s+128 │/);
    expect(text).toMatch(/total \(2 prompts\)/);
    expect(text).toContain('encoding: o200k_base (model gpt-4o-mini)');
    expect(text).toMatch(/cache: built/);
    expect(text).not.toContain('\u001b['); // no ANSI colours

    const again = capture();
    await tokensCommand(file, {}, again);
    expect(again.text()).toMatch(/cache: hit/);
  });

  it('prints JSON with --json and notes a guessed encoding', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', DATASET);
    const io = capture();
    await tokensCommand(file, { json: true, model: 'some-local-model' }, io);
    const report = JSON.parse(io.text()) as Record<string, unknown>;
    expect(report).toMatchObject({
      model: 'some-local-model',
      encoding: 'o200k_base',
      encodingGuessed: true,
      cache: 'built',
      totals: { prompts: 2, maxOutputTokens: 160 },
    });
    expect((report.prompts as unknown[])[0]).toEqual({ id: 'a', inputTokens: 9, maxOutputTokens: 32, budget: 41 });
  });

  it('throws a UserError for bad input', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const file = tmp.write('d.jsonl', '{"prompt": nope}\n');
    await expect(tokensCommand(file, {}, capture())).rejects.toBeInstanceOf(UserError);
  });

  it('names a missing file as given on the command line', async () => {
    const err = await tokensCommand('no/such/file.jsonl', {}, capture()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('no/such/file.jsonl');
    expect((err as UserError).hint).toMatch(/current directory/);
  });
});
