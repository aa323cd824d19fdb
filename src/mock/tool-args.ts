/**
 * Arguments a mock model "chooses" for a function tool: a JSON object that satisfies the
 * tool's JSON Schema well enough for a client to parse and dispatch it. Seeded.
 */
import type { Rng } from './rng.js';

const WORDS = ['Paris', 'Berlin', 'Tokyo', 'celsius', 'today', 'latest', 'summary', 'alpha', 'report', 'blue'];

function valueFor(schema: unknown, rng: Rng, depth: number): unknown {
  const s = (schema && typeof schema === 'object' ? schema : {}) as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(rng() * s.enum.length)];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'integer':
      return Math.floor(rng() * 100);
    case 'number':
      return Math.round(rng() * 10_000) / 100;
    case 'boolean':
      return rng() < 0.5;
    case 'array':
      return depth > 3 ? [] : [valueFor(s.items, rng, depth + 1)];
    case 'object':
      return depth > 3 ? {} : objectFor(s, rng, depth + 1);
    default:
      return WORDS[Math.floor(rng() * WORDS.length)];
  }
}

function objectFor(s: Record<string, unknown>, rng: Rng, depth: number): Record<string, unknown> {
  const props = (s.properties && typeof s.properties === 'object' ? s.properties : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(props)) out[name] = valueFor(sub, rng, depth);
  return out;
}

/** JSON text of the arguments for a tool with these parameters. */
export function toolArguments(parameters: unknown, rng: Rng): string {
  return JSON.stringify(objectFor((parameters ?? {}) as Record<string, unknown>, rng, 0));
}

/** Argument text cut into stream-sized pieces (about a token each), each JSON-escaped for a string body. */
export function argumentPieces(args: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += 4) pieces.push(JSON.stringify(args.slice(i, i + 4)).slice(1, -1));
  return pieces;
}
