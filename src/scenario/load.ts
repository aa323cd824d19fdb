/**
 * Scenario loading: `loadScenario` reads the file; `parseScenario` (pure) parses YAML, validates
 * with the zod schema, reports the first problem as one UserError at `file:line:col`, then
 * normalises and applies command-line overrides.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import type { Scenario } from '../types.js';
import { explainIssues } from './issues.js';
import { locate } from './locate.js';
import { normalizeScenario } from './normalize.js';
import { applyOverrides, type ScenarioOverrides } from './overrides.js';
import { scenarioSchema } from './schema.js';

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
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });

  const syntax = doc.errors[0];
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? lc.linePos(syntax.pos[0]);
    const message = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`YAML syntax error: ${message}`, {
      where: `${shown}:${pos.line}:${pos.col}`,
      hint: 'check indentation (spaces, not tabs), colons after keys, and quotes around values with : or #',
    });
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new UserError(`cannot read the YAML: ${(err as Error).message}`, { where: shown });
  }

  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, scenarioSchema)
      .map((p) => ({ ...p, pos: locate(doc, lc, p.path, p.at) }))
      .sort((a, b) => a.pos.offset - b.pos.offset);
    const first = problems[0]!;
    const more = problems.length - 1;
    const tail = more > 0 ? `(${more} more problem${more === 1 ? '' : 's'} in this file after this one)` : '';
    const hint = [first.hint, tail].filter(Boolean).join('\n  ');
    throw new UserError(first.message, { where: `${shown}:${first.pos.line}:${first.pos.col}`, ...(hint ? { hint } : {}) });
  }

  const scenario = normalizeScenario(parsed.data, { file: abs, cwd: env.cwd, now: env.now });
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
