/** `llm-bench mock --config mock.yaml`: the same shape as a scenario's `mock:` section. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { MockOptions } from '../types.js';
import { mockSchema } from './mock-schema.js';
import { normalizeMock } from './normalize-mock.js';
import { parseYamlWith } from './yaml-document.js';

export async function loadMockConfig(file: string, seed = 0): Promise<MockOptions> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the mock config (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${abs}`, {
      where: '--config',
      hint: 'the path is relative to the current directory; the file holds what a scenario\'s mock: section holds',
    });
  }
  return normalizeMock(parseYamlWith(mockSchema, text, file), path.dirname(abs), seed);
}
