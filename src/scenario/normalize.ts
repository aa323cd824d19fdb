/** Validated file (schema.ts) -> the `Scenario` every other stage consumes. Pure. */
import path from 'node:path';
import { parseDrift } from '../gate/drift.js';
import { parseThresholds } from '../gate/parse.js';
import type { Phase, Scenario, TargetSpec } from '../types.js';
import { parseDuration } from './duration.js';
import { normalizeDataset } from './normalize-dataset.js';
import { normalizeMock } from './normalize-mock.js';
import { normalizeTraffic, tenantArrivals } from './normalize-traffic.js';
import type { RawScenario } from './schema.js';

export interface NormalizeEnv {
  /** Absolute path of the scenario file, or '<inline>'. */
  file: string;
  cwd: string;
  now: Date;
}

/** 2026-11-29T20:15:00.123Z -> 20261129T201500Z */
export function utcStamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Default output directory: `reports/<name>-<UTC timestamp>` resolved against the CURRENT
 * WORKING DIRECTORY, not the scenario file — scenarios are often shared read-only (a repo's
 * scenarios/ folder, a package), while reports belong to whoever runs them, like `./coverage`.
 * An explicit `output.dir` is a path in the file, so it is relative to the file like every other.
 */
export function defaultOutputDir(name: string, cwd: string, now: Date): string {
  return path.resolve(cwd, 'reports', `${name}-${utcStamp(now)}`);
}

export function normalizeScenario(raw: RawScenario, env: NormalizeEnv): Scenario {
  const baseDir = env.file === '<inline>' ? env.cwd : path.dirname(env.file);
  const t = raw.target;
  const target: TargetSpec = {
    kind: t.kind,
    // For kind mock the URL is filled in once the mock listens.
    url: t.kind === 'url' && t.url !== undefined ? t.url.replace(/\/+$/, '') : '',
    api: t.api,
    model: t.model,
    apiKeyEnv: t.apiKeyEnv,
    timeout: parseDuration(t.timeout),
    stream: t.stream,
    streamUsage: t.streamUsage,
    http: {
      h2: t.http.h2,
      insecure: t.http.insecure,
      ...(t.http.connections === undefined ? {} : { connections: t.http.connections }),
    },
    headers: { ...t.headers },
  };

  const dataset = normalizeDataset(raw.dataset, baseDir);

  const phases: Phase[] = raw.load.phases.map((p, i) => {
    const name = p.name ?? `phase${i + 1}`;
    const duration = parseDuration(p.duration);
    if (p.concurrency !== undefined) return { kind: 'closed', name, duration, concurrency: p.concurrency };
    const rate = p.rate ?? 0;
    return { kind: 'open', name, duration, arrival: p.arrival ?? 'constant', rate, rampTo: p.rampTo ?? rate, burstiness: p.burstiness ?? 1 };
  });

  const traffic = normalizeTraffic(raw, baseDir);
  return {
    name: raw.name,
    seed: raw.seed,
    file: env.file,
    target,
    dataset,
    load: { maxInFlight: raw.load.maxInFlight, phases, ...tenantArrivals(traffic.tenants) },
    mock: normalizeMock(raw.mock, baseDir, raw.seed),
    ...traffic,
    ...(raw.pricing
      ? { pricing: { input: raw.pricing.input, cachedInput: raw.pricing.cachedInput ?? raw.pricing.input, output: raw.pricing.output } }
      : {}),
    // Already validated by the schema (with YAML locations); this only builds the specs.
    thresholds: parseThresholds(raw.thresholds ?? {}),
    drift: parseDrift((raw.drift ?? {}) as Record<string, string | undefined>),
    output: {
      dir: raw.output?.dir !== undefined ? path.resolve(baseDir, raw.output.dir) : defaultOutputDir(raw.name, env.cwd, env.now),
      ...(raw.output?.interval !== undefined ? { interval: parseDuration(raw.output.interval) } : {}),
      ...(raw.output?.requests ? { requests: true } : {}),
    },
  };
}
