/**
 * Seeded, deterministic HTTP-layer fault decisions for the mock. Whether request `index` is
 * faulted by spec `k` depends only on (seed, index, k) and on the clock when a window is set,
 * so adding a spec at the end of the list never reshuffles the earlier ones.
 */
import { performance } from 'node:perf_hooks';
import { mixSeed, mulberry32 } from '../random.js';
import { UserError } from '../errors.js';
import { errorBody } from './http.js';

/** Normalised fault specs (durations already in ms). `rate` is a probability per request (default 1 inside a window);
 *  `from`/`to` (ms since the server started) restrict it to a time window `[from, to)`; both may be combined. */
export type FaultSpec =
  | { type: 'status'; status: 429 | 500 | 502 | 503; code?: 'rate_limit_exceeded' | 'insufficient_quota'; rate?: number; from?: number; to?: number }
  | { type: 'cut'; afterEvents: number; rate?: number; from?: number; to?: number }
  | { type: 'stall'; ms: number; rate?: number; from?: number; to?: number }
  | { type: 'slowHeaders'; ms: number; rate?: number; from?: number; to?: number }
  | { type: 'malformed'; atEvent?: number; rate?: number; from?: number; to?: number };

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: number; code: string | null }
  | { kind: 'cut'; afterEvents: number }
  | { kind: 'stall'; ms: number }
  | { kind: 'slowHeaders'; ms: number }
  | { kind: 'malformed'; atEvent: number };

/** RNG purpose for fault draws; distinct from the mock's latency/text purposes (see rng.ts). */
export const FAULT_RNG_PURPOSE = 0x6661756c; // 'faul'

const NONE: FaultDecision = Object.freeze({ kind: 'none' });

export class FaultInjector {
  private readonly specs: readonly FaultSpec[];
  private readonly seed: number;
  private readonly now: () => number;

  constructor(specs: FaultSpec[], seed: number, now?: () => number) {
    this.specs = specs.slice();
    this.seed = seed;
    if (now) this.now = now;
    else {
      const t0 = performance.now();
      this.now = () => performance.now() - t0;
    }
  }

  get enabled(): boolean {
    return this.specs.length > 0;
  }

  /** The fault for the index-th generation request (arrival order). First matching spec in list order wins. */
  decide(index: number): FaultDecision {
    let t: number | undefined;
    for (let k = 0; k < this.specs.length; k++) {
      const s = this.specs[k] as FaultSpec;
      if (s.from !== undefined || s.to !== undefined) {
        t ??= this.now();
        if (s.from !== undefined && t < s.from) continue;
        if (s.to !== undefined && t >= s.to) continue;
      }
      const rate = s.rate ?? 1;
      if (rate <= 0) continue;
      if (rate < 1 && mulberry32(mixSeed(this.seed, index, FAULT_RNG_PURPOSE, k))() >= rate) continue;
      return toDecision(s);
    }
    return NONE;
  }
}

function toDecision(s: FaultSpec): FaultDecision {
  switch (s.type) {
    case 'status':
      return { kind: 'status', status: s.status, code: s.status === 429 ? (s.code ?? 'rate_limit_exceeded') : null };
    case 'cut':
      return { kind: 'cut', afterEvents: s.afterEvents };
    case 'stall':
      return { kind: 'stall', ms: s.ms };
    case 'slowHeaders':
      return { kind: 'slowHeaders', ms: s.ms };
    case 'malformed':
      return { kind: 'malformed', atEvent: s.atEvent ?? 1 };
  }
}

/** A short label for logs (e.g. the truth log's `fault` field); null for no fault. */
export function faultLabel(d: FaultDecision): string | null {
  switch (d.kind) {
    case 'none':
      return null;
    case 'status':
      return d.code ? `status:${d.status}:${d.code}` : `status:${d.status}`;
    case 'cut':
      return `cut:${d.afterEvents}`;
    case 'stall':
      return `stall:${d.ms}`;
    case 'slowHeaders':
      return `slowHeaders:${d.ms}`;
    case 'malformed':
      return `malformed:${d.atEvent}`;
  }
}

const RATE_LIMIT_MESSAGE =
  'Rate limit reached for requests in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. ' +
  'Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.';
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
  'read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
const SERVER_ERROR_MESSAGE = 'The server had an error while processing your request. Sorry about that!';

/** The real-looking error response for a status fault (JSON envelope; caller adds x-request-id etc.). */
export function faultResponse(d: { status: number; code: string | null }): { status: number; body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let body: string;
  if (d.status === 429 && d.code === 'insufficient_quota') {
    body = errorBody({ message: QUOTA_MESSAGE, type: 'insufficient_quota', code: 'insufficient_quota' });
  } else if (d.status === 429) {
    body = errorBody({ message: RATE_LIMIT_MESSAGE, type: 'requests', code: d.code ?? 'rate_limit_exceeded' });
    headers['retry-after'] = '1';
    headers['retry-after-ms'] = '1000';
  } else if (d.status === 502) {
    body = errorBody({ message: 'Bad gateway.', type: 'server_error', code: null });
  } else if (d.status === 503) {
    body = errorBody({ message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null });
  } else {
    body = errorBody({ message: SERVER_ERROR_MESSAGE, type: 'server_error', code: null });
  }
  return { status: d.status, body, headers };
}

const COMMON_KEYS = ['type', 'rate', 'from', 'to'];
const TYPE_KEYS: Record<FaultSpec['type'], string[]> = {
  status: ['status', 'code'],
  cut: ['afterEvents'],
  stall: ['ms'],
  slowHeaders: ['ms'],
  malformed: ['atEvent'],
};

/** Checks already-normalised specs; throws UserError with a field path such as `mock.faults[2].rate`. */
export function validateFaults(specs: unknown[], path = 'mock.faults'): FaultSpec[] {
  return specs.map((raw, i) => validateOne(raw, `${path}[${i}]`));
}

function validateOne(raw: unknown, at: string): FaultSpec {
  const fail = (field: string, msg: string, hint?: string): never => {
    const where = field ? `${at}.${field}` : at;
    throw new UserError(`${where} ${msg}`, hint === undefined ? { where } : { where, hint });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('', 'must be an object');
  const o = raw as Record<string, unknown>;
  const type = o['type'];
  if (typeof type !== 'string' || !Object.hasOwn(TYPE_KEYS, type)) {
    return fail('type', `must be one of ${Object.keys(TYPE_KEYS).join(', ')}, got ${JSON.stringify(type)}`);
  }
  const t = type as FaultSpec['type'];
  const allowed = [...COMMON_KEYS, ...TYPE_KEYS[t]];
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) fail(key, `is not a field of a ${t} fault`, `allowed: ${allowed.join(', ')}`);
  }
  const num = (key: string, ok: (v: number) => boolean, msg: string, required: boolean): number | undefined => {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'number' || !ok(v)) return fail(key, `${msg}, got ${JSON.stringify(v) ?? 'nothing'}`);
    return v;
  };
  const nonNeg = (v: number) => Number.isFinite(v) && v >= 0;
  const out: Record<string, unknown> = { type: t };
  const put = (key: string, v: unknown) => {
    if (v !== undefined) out[key] = v;
  };
  if (t === 'status') {
    put('status', num('status', (v) => [429, 500, 502, 503].includes(v), 'must be one of 429, 500, 502, 503', true));
    if (o['code'] !== undefined) {
      if (o['status'] !== 429) fail('code', 'is only allowed with status 429');
      if (o['code'] !== 'rate_limit_exceeded' && o['code'] !== 'insufficient_quota') {
        fail('code', `must be rate_limit_exceeded or insufficient_quota, got ${JSON.stringify(o['code'])}`);
      }
      out['code'] = o['code'];
    }
  } else if (t === 'cut') {
    put('afterEvents', num('afterEvents', (v) => Number.isInteger(v) && v >= 0, 'must be an integer >= 0', true));
  } else if (t === 'stall' || t === 'slowHeaders') {
    put('ms', num('ms', nonNeg, 'must be a finite number of ms >= 0', true));
  } else {
    put('atEvent', num('atEvent', (v) => Number.isInteger(v) && v >= 1, 'must be an integer >= 1', false));
  }
  put('rate', num('rate', (v) => Number.isFinite(v) && v >= 0 && v <= 1, 'must be a probability from 0 to 1', false));
  const from = num('from', nonNeg, 'must be a finite number of ms >= 0', false);
  const to = num('to', (v) => !Number.isNaN(v) && v >= 0, 'must be a number of ms >= 0', false);
  if (from !== undefined && to !== undefined && to <= from) fail('to', `must be greater than from (${from}), got ${to}`);
  put('from', from);
  put('to', to);
  return out as FaultSpec;
}
