/**
 * YAML text → a value validated by a zod schema, or one UserError at `file:line:col` of the
 * first problem (with a did-you-mean for unknown keys). Shared by scenario and mock config.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { explainIssues } from './issues.js';
import { locate } from './locate.js';

/** `shown` is how the file is named in messages. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, shown: string): z.output<S> {
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

  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems = explainIssues(parsed.error.issues, schema)
      .map((p) => ({ ...p, pos: locate(doc, lc, p.path, p.at) }))
      .sort((a, b) => a.pos.offset - b.pos.offset);
    // "needs exactly one of …" about an object is usually caused by a mistyped key inside it:
    // name that key first.
    const container = problems[0]!;
    const first =
      problems.find((p) => p.unknownKey && p.path.length > container.path.length && container.path.every((seg, i) => p.path[i] === seg)) ?? container;
    const more = problems.length - 1;
    const tail = more > 0 ? `(${more} more problem${more === 1 ? '' : 's'} in this file after this one)` : '';
    const hint = [first.hint, tail].filter(Boolean).join('\n  ');
    throw new UserError(first.message, { where: `${shown}:${first.pos.line}:${first.pos.col}`, ...(hint ? { hint } : {}) });
  }

  return parsed.data;
}
