/**
 * Scenario loading: `loadScenario` reads the file; `parseScenario` (pure) parses YAML, validates
 * with the zod schema, reports the first problem as one UserError at `file:line:col`, then
 * normalises and applies command-line overrides.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Scenario } from '../types.js';
import { normalizeScenario } from './normalize.js';
import { applyOverrides, type ScenarioOverrides } from './overrides.js';
import { scenarioSchema } from './schema.js';
import { parseYamlWith } from './yaml-document.js';

export type { ScenarioOverrides } from './overrides.js';

export interface ParseEnv {
  /** Relative paths on the command line (and the default output dir) resolve against this. */
  cwd: string;
  /** Used for the default output directory name. */
  now: Date;
}

/** How a file is named in messages: relative to cwd when inside it, else absolute. */
function displayPath(file: string, cwd: string): string {
  if (file === '<inline>') return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * Parse scenario YAML. `file` is the scenario's path (resolved against env.cwd; '<inline>' for
 * text with no file — relative paths in it then resolve against env.cwd).
 */
export function parseScenario(
  text: string,
  file: string,
  overrides: ScenarioOverrides = {},
  env: ParseEnv = { cwd: process.cwd(), now: new Date() },
): Scenario {
  const abs = file === '<inline>' ? file : path.resolve(env.cwd, file);
  const shown = displayPath(abs, env.cwd);
  const data = parseYamlWith(scenarioSchema, text, shown);
  const scenario = normalizeScenario(data, { file: abs, cwd: env.cwd, now: env.now });
  return applyOverrides(scenario, overrides, env.cwd);
}

/** Read and parse a scenario file; `file` is relative to the current working directory. */
export async function loadScenario(file: string, overrides: ScenarioOverrides = {}): Promise<Scenario> {
  const cwd = process.cwd();
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'scenario file not found' : code === 'EISDIR' ? 'scenario path is a directory' : `cannot read the scenario file (${code ?? (err as Error).message})`;
    throw new UserError(`${what}: ${abs}`, { where: file, hint: 'scenario paths are relative to the current directory, e.g. scenarios/quickstart.yaml' });
  }
  return parseScenario(text, abs, overrides, { cwd, now: new Date() });
}
