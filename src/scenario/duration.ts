/**
 * Durations in scenario files: `250us`, `500ms`, `1.5s`, `2m`, `1h`, or combinations such as
 * `1m30s` (parts are summed, Go style). A bare number is rejected — `timeout: 60` could mean
 * seconds (k6) or milliseconds (many HTTP clients), so we make the user say which — except 0,
 * which means the same in every unit. Everything is normalised to milliseconds.
 */
import { UserError } from '../errors.js';
import type { Millis } from '../types.js';

const UNIT_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
};

/** One `<number><unit>` part; the unit is captured loosely so bad units get a precise message. */
const PART = /(\d+(?:\.\d+)?|\.\d+)([^\d.]*)/y;

/** The accepted string forms, as a regular expression source (also used by the JSON Schema). */
export const DURATION_PATTERN = '^(?:0|(?:(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:h|ms|m|s|us|µs))+)$';

export const DURATION_EXAMPLES = ['250us', '500ms', '1.5s', '60s', '2m', '1m30s', '1h'] as const;

export const DURATION_HINT = 'write a number with a unit: 250us, 500ms, 1.5s, 2m, 1h, or a combination like 1m30s';

export type DurationResult = { ok: true; ms: Millis } | { ok: false; message: string; hint: string };

function fail(message: string, hint: string = DURATION_HINT): DurationResult {
  return { ok: false, message, hint };
}

function bareNumber(n: string): DurationResult {
  return fail(`${n} has no unit`, `write a unit, e.g. ${n}s or ${n}ms (a bare number is ambiguous)`);
}

/** Parse a duration without throwing. Accepts a string, or the number 0. */
export function tryParseDuration(input: unknown): DurationResult {
  if (typeof input === 'number') {
    if (input === 0) return { ok: true, ms: 0 };
    return Number.isFinite(input) ? bareNumber(String(input)) : fail(`${input} is not a duration`);
  }
  if (typeof input !== 'string') return fail('expected a duration such as "500ms" or "60s"');
  // No trimming: the JSON Schema pattern rejects surrounding spaces, so the parser does too.
  const text = input;
  if (text === '') return fail('empty duration');
  if (text === '0') return { ok: true, ms: 0 };
  if (text.startsWith('-')) return fail(`"${text}" is negative`, 'durations must be >= 0');
  if (/^\+?(?:\d+(?:\.\d+)?|\.\d+)$/.test(text)) return bareNumber(text.replace(/^\+/, ''));

  let us = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) return fail(`"${text}" is not a duration (unexpected "${text.slice(at)}")`);
    const [, num, unit = ''] = m;
    if (unit === '') return fail(`"${text}" is not a duration: ${num} has no unit`);
    const factor = UNIT_US[unit];
    if (factor === undefined) {
      return fail(`"${text}" is not a duration: unknown unit "${unit}"`);
    }
    us += Number(num) * factor;
  }
  if (!Number.isFinite(us)) return fail(`"${text}" is too large`);
  // Microsecond resolution avoids float noise such as 1.1s -> 1100.0000000000002ms.
  return { ok: true, ms: Math.round(us) / 1000 };
}

/**
 * Parse a duration to milliseconds or throw a UserError. `where` is what the CLI shows as the
 * location (a flag name such as `--duration`, or `file:line:col`).
 */
export function parseDuration(input: unknown, where?: string): Millis {
  const r = tryParseDuration(input);
  if (r.ok) return r.ms;
  return throwDuration(r, where);
}

function throwDuration(r: { message: string; hint: string }, where: string | undefined): never {
  throw new UserError(`invalid duration: ${r.message}`, where === undefined ? { hint: r.hint } : { where, hint: r.hint });
}

function num(n: number): string {
  // Drop float noise past the microsecond; String() keeps short forms like 1.5.
  return String(Math.round(n * 1e6) / 1e6);
}

/**
 * Format milliseconds the way a user would write them: 0s, 250us, 1.5ms, 500ms, 1.5s, 1m30s,
 * 1h5m. `parseDuration(formatDuration(x)) === x` at microsecond resolution.
 */
export function formatDuration(ms: Millis): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const us = Math.round(ms * 1000);
  if (us === 0) return '0s';
  if (us < 1000) return `${us}us`;
  if (us < 1_000_000) return `${num(us / 1000)}ms`;
  const h = Math.floor(us / 3_600_000_000);
  const m = Math.floor((us % 3_600_000_000) / 60_000_000);
  const restUs = us % 60_000_000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (restUs > 0) out += `${num(restUs / 1_000_000)}s`;
  return out;
}
