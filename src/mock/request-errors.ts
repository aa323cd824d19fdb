/**
 * The real API's 400 answers to a malformed request body, in its own words: `param` is the
 * JSON path of the offending field, `code` says what was wrong with it.
 */
import { jsonTypeName, type ApiError } from './http.js';

export type Fail = { ok: false; status: number; error: ApiError };

export const fail = (message: string, param: string | null, code: string | null): Fail => ({ ok: false, status: 400, error: { message, param, code } });

export const invalidJson = (): Fail =>
  fail('We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.', null, null);

export const notAnObject = (body: unknown): Fail => fail(`Invalid body: expected a JSON object, but got ${jsonTypeName(body)} instead.`, null, 'invalid_type');

export const missing = (param: string): Fail => fail(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');

export const badType = (param: string, expected: string, v: unknown): Fail =>
  fail(`Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(v)} instead.`, param, 'invalid_type');

/** "Supported values are: 'a', 'b', and 'c'." ("'a' and 'b'" for two) */
export function badValue(param: string, v: unknown, allowed: readonly string[]): Fail {
  const q = allowed.map((a) => `'${a}'`);
  const list = q.length <= 2 ? q.join(' and ') : `${q.slice(0, -1).join(', ')}, and ${q.at(-1)}`;
  return fail(`Invalid value: '${String(v)}'. Supported values are: ${list}.`, param, 'invalid_value');
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const absent = (v: unknown): v is undefined | null => v === undefined || v === null;
export const isFail = (v: unknown): v is Fail => isObject(v) && v.ok === false;
