/** The validated `mock:` section (or mock config file) → MockOptions. Pure. */
import path from 'node:path';
import type { MockFaultSpec, MockOptions, ModelProfileOverride, TtftSpec } from '../types.js';
import { parseDuration } from './duration.js';
import type { RawMock } from './mock-schema.js';

function ttftOf(t: { median: string | 0; p99?: string | 0 | undefined }): TtftSpec {
  const median = parseDuration(t.median);
  return { median, p99: t.p99 === undefined ? median * 3 : parseDuration(t.p99) };
}

const ms = (d: string | 0 | undefined): number | undefined => (d === undefined ? undefined : parseDuration(d));

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function faultOf(f: NonNullable<RawMock['faults']>[number]): MockFaultSpec {
  const when = compact({ rate: f.rate, from: ms(f.from), to: ms(f.to) });
  switch (f.type) {
    case 'status':
      return compact({ type: 'status', status: f.status, code: f.code, ...when });
    case 'cut':
      return { type: 'cut', afterEvents: f.afterEvents, ...when };
    case 'stall':
      return { type: 'stall', ms: parseDuration(f.for), ...when };
    case 'slowHeaders':
      return { type: 'slowHeaders', ms: parseDuration(f.delay), ...when };
    case 'malformed':
      return compact({ type: 'malformed', atEvent: f.atEvent, ...when });
  }
}

/** `baseDir` resolves truthLog; `seed` is the default when the section names none. */
export function normalizeMock(raw: RawMock, baseDir: string, seed: number): MockOptions {
  const models: Record<string, ModelProfileOverride> = {};
  for (const [name, m] of Object.entries(raw.models ?? {})) {
    models[name] = compact({
      ttft: m.ttft ? ttftOf(m.ttft) : undefined,
      prefillPerToken: ms(m.prefillPerToken),
      tokensPerSecond: m.tokensPerSecond,
      jitter: m.jitter,
      tokensPerChunk: m.tokensPerChunk,
      reasoningRatio: m.reasoningRatio,
      stream: m.stream,
    });
  }
  return compact({
    ttft: raw.ttft ? ttftOf(raw.ttft) : undefined,
    tokensPerSecond: raw.tokensPerSecond,
    tokensPerChunk: raw.tokensPerChunk,
    defaultOutputTokens: raw.defaultOutputTokens,
    seed: raw.seed ?? seed,
    models: raw.models ? models : undefined,
    rateLimits: raw.rateLimits ? compact({ rpm: raw.rateLimits.rpm, tpm: raw.rateLimits.tpm, window: ms(raw.rateLimits.window) }) : undefined,
    faults: raw.faults?.map(faultOf),
    truthLog: raw.truthLog === undefined ? undefined : path.resolve(baseDir, raw.truthLog),
  });
}
