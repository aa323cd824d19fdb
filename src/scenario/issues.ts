/**
 * Turn zod issues into problems a user can act on: the field path, what is wrong, what to do.
 * Custom issues (schema.ts) bring their own message and `params.hint`; `{path}` and `{parent}`
 * in their message are replaced by field paths, otherwise the field path is prefixed.
 */
import type { z } from 'zod';
import { tryParseDuration } from './duration.js';
import { DURATION_SCHEMAS } from './schema-parts.js';
import { didYouMean } from './suggest.js';

export interface Problem {
  path: PropertyKey[];
  /** Point at the key (unknown/misplaced fields) or the value. */
  at: 'key' | 'value';
  message: string;
  hint?: string;
  /** a key the schema does not know (often the cause of a complaint about its object) */
  unknownKey?: true;
}

/** `load.phases[1].rate`, `target.headers["X-Api"]` */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

const EXPECTED: Record<string, [what: string, hint: string]> = {
  int: ['a whole number', 'write a whole number without quotes, e.g. 16'],
  number: ['a number', 'write a plain number without quotes or units, e.g. 10'],
  string: ['text', 'write a single text value'],
  boolean: ['true or false', 'write true or false'],
  array: ['a list', 'write a list: [a, b], or one "- item" per line'],
  object: ['a mapping', 'write key: value lines indented under it'],
  record: ['a mapping', 'write key: value lines indented under it'],
};

const REQUIRED_HINTS: Record<string, string> = {
  name: 'add name: my-benchmark at the top level',
  dataset: 'add dataset: { file: prompts.jsonl } (one JSON object per line, relative to this file)',
  load: 'add load: { phases: [{ name: steady, duration: 30s, rate: 5 }] }',
  'load.phases': 'add phases: [{ name: steady, duration: 30s, rate: 5 }] under load',
  'load.phases[].duration': 'add duration: 30s to the phase',
};

type Def = { type: string; shape?: Record<string, z.core.$ZodType>; innerType?: z.core.$ZodType; element?: z.core.$ZodType; in?: z.core.$ZodType; valueType?: z.core.$ZodType };
const defOf = (s: z.core.$ZodType): Def => s._zod.def as Def;

/** The schema at `path`, with optional/default/prefault/pipe wrappers removed. */
export function schemaAt(root: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  const unwrap = (s: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    while (s && (defOf(s).innerType || defOf(s).type === 'pipe')) s = defOf(s).innerType ?? defOf(s).in;
    return s;
  };
  let s = unwrap(root);
  for (const seg of path) {
    if (!s) return undefined;
    const def = defOf(s);
    s = unwrap(def.type === 'object' ? def.shape?.[String(seg)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined);
  }
  return s;
}

/** The object keys the schema accepts at `path`, for did-you-mean. */
export function keysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(root, path);
  return s && defOf(s).type === 'object' ? Object.keys(defOf(s).shape ?? {}) : [];
}

export function explainIssues(issues: readonly z.core.$ZodIssue[], root: z.core.$ZodType): Problem[] {
  return issues.flatMap((issue) => explain(issue, root));
}

function explain(issue: z.core.$ZodIssue, root: z.core.$ZodType): Problem[] {
  const path = issue.path;
  const fp = fieldPath(path) || 'the scenario';
  const input = issue.input;
  const last = path[path.length - 1];
  const problem = (message: string, hint?: string, at: 'key' | 'value' = 'value'): Problem[] => [{ path, at, message, hint }];

  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(root, path);
    const isMetric = path.length === 1 && path[0] === 'thresholds';
    return issue.keys.map((k) => {
      const s = didYouMean(k, known);
      const inside = path.length ? ` in ${fieldPath(path)}` : '';
      return {
        path: [...path, k],
        at: 'key' as const,
        unknownKey: true as const,
        message: `unknown ${isMetric ? 'metric' : 'field'} '${fieldPath([...path, k])}'${s ? ` — did you mean '${s}'?` : ''}`,
        hint: `${s ? `rename it to ${s}; known` : 'known'} ${isMetric ? 'metrics' : 'fields'}${inside}: ${known.join(', ')}`,
      };
    });
  }
  if (path.length === 0 && issue.code === 'invalid_type') {
    return input === undefined || input === null
      ? problem('the scenario file is empty', 'start with name:, dataset: and load: (see scenarios/quickstart.yaml)')
      : problem(`the scenario must be a mapping of fields, got ${show(input)}`, 'write key: value lines such as name: my-benchmark');
  }
  if (issue.code === 'invalid_type' && input === undefined) {
    const generic = fieldPath(path).replace(/\[\d+\]/g, '[]');
    const parent = fieldPath(path.slice(0, -1));
    return problem(`${fp} is required`, REQUIRED_HINTS[generic] ?? `add ${String(last)}: under ${parent || 'the top level'}`);
  }
  if (input === null && issue.code !== 'custom') {
    return problem(`${fp} has no value`, 'give it a value, or delete the line to use the default');
  }
  const target = schemaAt(root, path);
  if (issue.code !== 'custom' && target && DURATION_SCHEMAS.has(target)) {
    const r = tryParseDuration(input);
    if (!r.ok) return problem(`${fp}: ${r.message}`, r.hint);
  }
  switch (issue.code) {
    case 'invalid_type': {
      const [what, generic] = EXPECTED[issue.expected] ?? [issue.expected, undefined];
      const scalar = typeof input === 'number' || typeof input === 'boolean' || typeof input === 'string';
      const hint =
        issue.expected === 'string' && scalar ? `quote it: "${String(input)}"` : issue.expected === 'array' && scalar ? `put it in a list: [${JSON.stringify(input)}]` : generic;
      return problem(`${fp} must be ${what}, got ${show(input)}`, hint);
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'string') return problem(small ? `${fp} must not be empty` : `${fp} is too long`, small ? 'give it a value' : undefined);
      if (issue.origin === 'array') {
        return problem(`${fp} needs ${small ? 'at least' : 'at most'} ${limit} ${limit === '1' ? 'entry' : 'entries'}`, REQUIRED_HINTS[fieldPath(path)]);
      }
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return problem(`${fp} must be ${op} ${limit}, got ${show(input)}`, `use a value ${op} ${limit}`);
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      const s = didYouMean(String(input), values);
      const hint = s ? `did you mean ${s}?` : last === 'api' ? 'chat and responses are supported so far; embeddings and realtime come later' : `use one of: ${values.join(', ')}`;
      return problem(`${fp} must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, got ${show(input)}`, hint);
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; at?: 'key' | 'value' };
      const tokens = /\{(path|parent)\}/.test(issue.message);
      const message = tokens
        ? issue.message.replace(/\{path\}/g, fp).replace(/\{parent\}/g, fieldPath(path.slice(0, -1)) || 'the scenario')
        : `${fp} ${issue.message}`;
      return problem(message, params.hint, params.at ?? 'value');
    }
    default:
      return problem(`${fp}: ${issue.message}`);
  }
}
