/**
 * `llm-bench merge <files...> -o merged.json`: one results.json from the parts of a run split
 * across shards or worker threads (results.json files or run directories). Thresholds are
 * re-evaluated on the merged numbers and set the exit code, so a CI step can gate on it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { exitCodeFor } from '../gate/exit-code.js';
import type { Results } from '../metrics/results.js';
import { ciOutputFiles } from '../report/ci-outputs.js';
import { renderHtml } from '../report/html.js';
import { writeOutputs } from '../report/write-outputs.js';
import { deferredThresholds, mergeResults } from '../run/merge-results.js';
import { readResults } from './compare.js';

export interface MergeFlags {
  out: string;
  allowMismatch?: boolean;
  report?: boolean;
}

/** results.json inside a directory, as readResults reads it. */
async function resultsPath(file: string): Promise<string> {
  const isDir = await stat(file).then((s) => s.isDirectory(), () => false);
  return path.resolve(isDir ? path.join(file, 'results.json') : file);
}

/** --out names a file; an existing directory (or a trailing slash) gets results.json inside. */
async function outputPath(out: string): Promise<string> {
  const isDir = /[\\/]$/.test(out) || (await stat(out).then((s) => s.isDirectory(), () => false));
  return path.resolve(isDir ? path.join(out, 'results.json') : out);
}

/** A path as short as it is clear: relative under the current directory, else absolute. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export async function mergeCommand(files: readonly string[], flags: MergeFlags, io: { out(s: string): void; err(s: string): void }): Promise<number> {
  if (files.length < 2) {
    throw new UserError(`merge needs at least two results, got ${files.length}`, { hint: 'e.g. llm-bench merge shard-1-of-2/ shard-2-of-2/ -o merged.json' });
  }
  const out = await outputPath(flags.out);
  const seen = new Map<string, string>();
  for (const f of files) {
    const real = await resultsPath(f);
    const twice = seen.get(real);
    if (twice !== undefined) throw new UserError(`the same results are given twice (also as ${twice})`, { where: f, hint: 'pass each part once' });
    seen.set(real, f);
    if (real === out) throw new UserError('--out would overwrite one of the inputs', { where: '--out', hint: 'write the merged results to a new file, e.g. -o merged.json' });
  }

  const parts: Results[] = [];
  for (const f of files) parts.push(await readResults(f));
  const merged = mergeResults(parts, { ...(flags.allowMismatch ? { allowMismatch: true } : {}), names: files });

  // Everything is rendered before anything is written: a failure leaves no half output.
  const content: Record<string, string> = { [path.basename(out)]: `${JSON.stringify(merged, null, 2)}\n` };
  if (flags.report) {
    try {
      Object.assign(content, { 'report.html': renderHtml(merged) }, ciOutputFiles(merged));
    } catch (err) {
      throw new UserError(`cannot render the report: ${(err as Error).message}`, { hint: 'merge without --report, or check the inputs (a histogram or series that will not decode)' });
    }
  }
  await writeOutputs(path.dirname(out), content);

  const deferred = deferredThresholds(parts);
  for (const d of deferred) io.err(`note: threshold ${d.metric}: ${d.expr} not re-evaluated on the merged results (${d.reason})`);
  if (merged.meta.partial) io.err(`note: partial — ${merged.meta.partialReason ?? 'a part was stopped early'}`);

  const shards = parts.map((p) => p.meta.shard).filter((s) => s !== undefined);
  const what = shards.length === parts.length ? `${parts.length} shards of ${shards[0]!.count}` : `${parts.length} results`;
  const hosts = merged.meta.host.split(',').filter((h) => h !== '');
  const failed = merged.thresholds.filter((v) => !v.pass);
  const verdict =
    merged.thresholds.length === 0
      ? ''
      : failed.length === 0
        ? `; thresholds: all ${merged.thresholds.length} passed`
        : `; thresholds: ${failed.length} of ${merged.thresholds.length} failed (${failed.map((v) => `${v.metric}: ${v.expr}`).join(', ')})`;
  const extra = flags.report ? ` (+ report.html and the CI files)` : '';
  io.out(
    `merged ${what}: ${merged.counts.requests} requests from ${hosts.length} host${hosts.length === 1 ? '' : 's'} (${hosts.join(', ')}) → ${shown(out)}${extra}${verdict}`,
  );
  return exitCodeFor(merged.thresholds);
}
