import { describe, it, expect, afterEach } from 'vitest';
import { userErrorOf } from '../../test/helpers/user-error.js';
import path from 'node:path';
import { UserError } from '../errors.js';
import { parseJsonlDataset, readDatasetFile } from './jsonl.js';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';




const F = '/data/set.jsonl';

describe('parseJsonlDataset', () => {
  it('parses full lines and the prompt shorthand, with default ids and max output', () => {
    const text = [
      '{"id":"q1","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi","name":"ann"}],"maxOutputTokens":64}',
      '',
      '{"prompt":"Hello"}',
      '   ',
      '{"id":7,"prompt":"Seven","maxOutputTokens":5}',
    ].join('\n');
    expect(parseJsonlDataset(text, F, 128)).toEqual([
      {
        id: 'q1',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi', name: 'ann' },
        ],
        maxOutputTokens: 64,
      },
      { id: 'line-3', messages: [{ role: 'user', content: 'Hello' }], maxOutputTokens: 128 },
      { id: '7', messages: [{ role: 'user', content: 'Seven' }], maxOutputTokens: 5 },
    ]);
  });

  it('accepts CRLF line endings and a UTF-8 BOM', () => {
    const prompts = parseJsonlDataset('\uFEFF{"prompt":"a"}\r\n{"prompt":"b"}\r\n', F, 10);
    expect(prompts.map((p) => p.messages[0]?.content)).toEqual(['a', 'b']);
  });

  it('points a bad JSON line at file:line:col', () => {
    const text = '{"prompt":"ok"}\n{"prompt":"fine"}\n{"prompt":"broken",}\n';
    const err = userErrorOf(() => parseJsonlDataset(text, F, 10));
    // V8 stops at the "}" after the trailing comma: 0-based position 19 → column 20.
    expect(err.where).toBe(`${F}:3:20`);
    expect(err.message).toMatch(/^invalid JSON/);
    expect(err.hint).toContain('{"prompt":"Hi"}');
  });

  it('falls back to column 1 when the parser gives no position', () => {
    const err = userErrorOf(() => parseJsonlDataset('{"prompt":"ok"}\n{"prompt":}', F, 10));
    expect(err.where).toBe(`${F}:2:1`);
    expect(err.message).not.toContain('{"prompt":}');
  });

  it.each([
    ['{"messages":[{"role":"bot","content":"x"}]}', /messages\[0\]\.role must be one of system, developer, user, assistant, tool/],
    ['{"messages":[{"role":"user","content":42}]}', /messages\[0\]\.content must be a string/],
    ['{"messages":[]}', /must not be empty/],
    ['{"messages":"hi"}', /must be an array/],
    ['{"prompt":"x","maxOutputTokens":0}', /positive integer/],
    ['{"prompt":"x","maxOutputTokens":1.5}', /positive integer/],
    ['{"prompt":"x","maxOutputTokens":"64"}', /positive integer/],
    ['{"prompt":"x","max_tokens":64}', /unknown field "max_tokens"/],
    ['{"prompt":"x","messages":[{"role":"user","content":"y"}]}', /either "prompt" or "messages"/],
    ['{"id":"q"}', /missing "messages"/],
    ['[1,2]', /must be a JSON object/],
    ['{"prompt":"x","id":""}', /"id" must be a non-empty string/],
  ])('rejects %s', (line, message) => {
    const err = userErrorOf(() => parseJsonlDataset(`{"prompt":"ok"}\n${line}\n`, F, 10));
    expect(err.message).toMatch(message);
    expect(err.where).toBe(`${F}:2:1`);
  });

  it('rejects duplicate ids, naming the first line', () => {
    const err = userErrorOf(() => parseJsonlDataset('{"id":"a","prompt":"x"}\n{"id":"a","prompt":"y"}', F, 10));
    expect(err.message).toBe('duplicate id "a" (first used on line 1)');
    expect(err.where).toBe(`${F}:2:1`);
  });

  it('rejects an empty dataset', () => {
    const err = userErrorOf(() => parseJsonlDataset('\n  \n', F, 10));
    expect(err.where).toBe(F);
    expect(err.message).toMatch(/no prompts/);
  });
});

describe('readDatasetFile', () => {
  let tmp: TempDir;
  afterEach(() => tmp?.cleanup());

  it('reports a missing file with its path and a hint about dataset.file', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const missing = path.join(tmp.dir, 'nope.jsonl');
    const err = await readDatasetFile(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe(missing);
    expect((err as UserError).message).toBe('dataset file not found');
    expect((err as UserError).hint).toMatch(/dataset\.file.*relative.*scenario file/);
  });

  it('reports a directory given as the dataset', async () => {
    tmp = makeTempDir('llm-bench-dataset-');
    const err = await readDatasetFile(tmp.dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/directory/);
  });
});
