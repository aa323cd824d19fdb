/**
 * `llm-bench compare <baseline> <candidate>`: deltas between two results.json with a
 * significance test per row; exits 1 when a --fail-on tolerance is exceeded significantly.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { compareResults, formatTolerance, parseFailOn, unmatchedTolerances, type Tolerance } from '../gate/compare.js';
import type { Results } from '../metrics/results.js';
import { renderComparison } from '../report/compare-table.js';

export const DEFAULT_ALPHA = 0.01;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads a results.json (or the results.json inside a directory) and checks its shape. */
export async function readResults(file: string): Promise<Results> {
  const hint = 'pass the results.json an `llm-bench run` wrote (or its output directory)';
  let target = file;
  let text: string;
  try {
    if ((await stat(file)).isDirectory()) target = path.join(file, 'results.json');
    text = await readFile(target, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UserError(`cannot read results: ${why}`, { where: target, hint });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, { where: target, hint });
  }
  const meta = isObject(data) ? data.meta : undefined;
  if (!isObject(data) || !isObject(meta) || meta.tool !== 'llm-bench') {
    throw new UserError('not an llm-bench results file (meta.tool is not "llm-bench")', { where: target, hint });
  }
  const counts = data.counts;
  const ok =
    isObject(data.metrics) &&
    isObject(counts) &&
    typeof counts.requests === 'number' &&
    typeof counts.failed === 'number' &&
    isObject(counts.byLabel) &&
    isObject(data.throughput) &&
    typeof data.throughput.requestsPerSecond === 'number' &&
    typeof meta.durationMs === 'number';
  if (!ok) throw new UserError('results file is incomplete (metrics, counts or throughput missing)', { where: target, hint });
  return data as unknown as Results;
}

/** Things that make a comparison less meaningful, said before the numbers. */
function notesFor(b: Results, c: Results, unmatched: Tolerance[]): string[] {
  const notes: string[] = [];
  for (const [name, r] of [['baseline', b], ['candidate', c]] as const) {
    if (r.meta.partial) notes.push(`${name} run was interrupted (${r.meta.partialReason ?? 'partial'}): it covers less than planned`);
    if (r.client?.saturated) notes.push(`${name} run's client was saturated: its latencies include client delay`);
  }
  if (b.meta.scenarioHash && c.meta.scenarioHash && b.meta.scenarioHash !== c.meta.scenarioHash) {
    notes.push(`the runs used different scenarios (${b.meta.scenario} ${b.meta.scenarioHash.slice(0, 8)} vs ${c.meta.scenario} ${c.meta.scenarioHash.slice(0, 8)})`);
  }
  for (const t of unmatched) {
    notes.push(`--fail-on ${t.metric}${t.label ? `[${t.label}]` : ''}=${formatTolerance(t)}: not measured in both runs — not gated`);
  }
  return notes;
}

export async function compareCommand(
  baselineFile: string,
  candidateFile: string,
  opts: { failOn?: string; alpha?: number; json?: boolean },
  io: { out(s: string): void },
): Promise<number> {
  // Flags first: a typo in --fail-on should not wait for (or hide behind) file errors.
  const tolerances = opts.failOn !== undefined ? parseFailOn(opts.failOn) : [];
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha must be between 0 and 1, got ${alpha}`, { where: '--alpha', hint: 'e.g. --alpha 0.01' });
  const baseline = await readResults(baselineFile);
  const candidate = await readResults(candidateFile);

  const result = compareResults(baseline, candidate, tolerances, { alpha });
  const notes = notesFor(baseline, candidate, unmatchedTolerances(result.deltas, tolerances));
  if (opts.json) {
    const report = {
      baseline: baselineFile,
      candidate: candidateFile,
      alpha,
      failOn: tolerances.map((t) => ({ ...t, label: t.label ?? 'all', expr: formatTolerance(t) })),
      notes,
      regressions: result.regressions.length,
      deltas: result.deltas,
    };
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const n of notes) io.out(`note: ${n}`);
    io.out(renderComparison(result, baselineFile, candidateFile));
  }
  return result.regressions.length > 0 ? 1 : 0;
}
