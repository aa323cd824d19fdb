/**
 * `run --workers N`: N worker threads each send a slice of the plan (slices compose with a
 * shard's: worker w of shard s takes slice s + shards·w of shards·N). The parent only
 * coordinates: one time zero for all, a merged live view for progress and abortOnFail, a stop
 * message on Ctrl-C, and the slices' results to merge.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { PlanSlice } from '../load/run-loop.js';
import { decode, newHistogram } from '../metrics/hdr.js';
import type { Results } from '../metrics/results.js';
import { failingInView, mergeLiveViews, type LiveView } from './live-thresholds.js';
import type { ProgressSnapshot } from './progress.js';
import type { FromSliceWorker, SliceWorkerData, ToSliceWorker } from './slice-worker.js';

export interface WorkersInput {
  data: Omit<SliceWorkerData, 'slice' | 'requestLog'>;
  /** this process's slice of the plan (the shard; 0 of 1 without one) */
  shard: PlanSlice;
  workers: number;
  /** write requests.jsonl here (each worker writes a part; they are joined at the end) */
  requestLogDir: string | null;
  log(line: string): void;
  /** called once every worker is ready to send: returns the run's time zero (performance.now() here) */
  begin(): number;
  stop: AbortSignal;
  plannedMs: number;
  onProgress?(p: ProgressSnapshot): void;
}

export interface WorkersOutcome {
  parts: Results[];
  partial: { reason: string; byThreshold?: boolean } | null;
}

type Tick = Extract<FromSliceWorker, { type: 'tick' }>;

export async function runInWorkers(input: WorkersInput): Promise<WorkersOutcome> {
  const n = input.workers;
  const abortSpecs = input.data.scenario.thresholds.filter((t) => t.abortOnFail);
  const ticks: Array<Tick | null> = Array.from({ length: n }, () => null);
  const parts: Array<Results | null> = Array.from({ length: n }, () => null);
  let partial: WorkersOutcome['partial'] = null;
  let lastProgress = { at: -Infinity, requests: 0 };
  const workers: Worker[] = [];
  let ready = 0;
  const onReady = (): void => {
    if (++ready < n) return;
    const t0Epoch = performance.timeOrigin + input.begin();
    for (const w of workers) w.postMessage({ type: 'go', t0Epoch } satisfies ToSliceWorker);
  };
  const logNames = Array.from({ length: n }, (_, w) => `requests.w${w + 1}.jsonl`);

  const stopAll = (reason: string): void => {
    for (const w of workers) w.postMessage({ type: 'stop', reason } satisfies ToSliceWorker);
  };
  const onStop = (): void => {
    partial ??= { reason: String(input.stop.reason ?? 'interrupted') };
    stopAll(partial.reason);
  };

  const onTick = (): void => {
    if (ticks.some((t) => t === null)) return;
    const all = ticks as Tick[];
    const elapsedMs = Math.max(...all.map((t) => t.elapsedMs));
    if (elapsedMs - lastProgress.at < 900) return;
    if (abortSpecs.length > 0 && partial === null) {
      const views = all.flatMap((t) => (t.live ? [t.live] : [])) as LiveView[];
      const failed = views.length === n ? failingInView(abortSpecs, mergeLiveViews(views), elapsedMs) : null;
      if (failed) {
        partial = { reason: `threshold ${failed} failed (abortOnFail)`, byThreshold: true };
        input.log(`llm-bench: ${partial.reason} — stopping`);
        stopAll(partial.reason);
      }
    }
    const requests = sum(all, (t) => t.requests);
    input.onProgress?.({
      elapsedMs,
      plannedMs: input.plannedMs,
      phase: all[0]!.phase,
      requests,
      failed: sum(all, (t) => t.failed),
      dropped: sum(all, (t) => t.dropped),
      inFlight: sum(all, (t) => t.inFlight),
      requestsPerSecond: Number.isFinite(lastProgress.at) ? ((requests - lastProgress.requests) * 1000) / Math.max(1, elapsedMs - lastProgress.at) : 0,
      ttftP95Ms: mergedP95(all.map((t) => t.ttft)),
      saturated: all.some((t) => t.saturated),
    });
    lastProgress = { at: elapsedMs, requests };
  };

  const finished = Array.from({ length: n }, (_, w) => {
    const slice = { index: input.shard.index + input.shard.count * w, count: input.shard.count * n };
    const data: SliceWorkerData = {
      ...input.data,
      slice,
      ...(input.requestLogDir ? { requestLog: { dir: input.requestLogDir, name: logNames[w]! } } : {}),
    };
    const worker = new Worker(workerFile(), { workerData: data });
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromSliceWorker) => {
        if (m.type === 'log') {
          if (w === 0) input.log(m.line);
        } else if (m.type === 'ready') {
          onReady();
        } else if (m.type === 'tick') {
          ticks[w] = m;
          onTick();
        } else if (m.type === 'done') {
          parts[w] = m.results;
          if (m.partial && !partial) partial = m.partial;
          resolve();
        } else {
          reject(new Error(`worker ${w + 1} of ${n} failed: ${m.message}`));
        }
      });
      worker.once('error', (err) => reject(new Error(`worker ${w + 1} of ${n} crashed: ${err.message}`, { cause: err })));
      worker.once('exit', (code) => {
        if (parts[w] === null) reject(new Error(`worker ${w + 1} of ${n} exited (code ${code}) without results`));
      });
    });
  });

  if (input.stop.aborted) onStop();
  else input.stop.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.all(finished);
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  } finally {
    input.stop.removeEventListener('abort', onStop);
  }
  // Every worker has sent its results (and closed its request log): nothing is left to wait for.
  await Promise.all(workers.map((w) => w.terminate()));
  if (input.requestLogDir) await joinRequestLogs(input.requestLogDir, logNames);
  return { parts: parts as Results[], partial };
}

function workerFile(): URL {
  // From TypeScript sources (vitest) the compiled worker is used: `npm test` builds dist/ first.
  const file = import.meta.url.endsWith('.ts') ? '../../dist/run/slice-worker.js' : './slice-worker.js';
  return new URL(file, import.meta.url);
}

const sum = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((s, x) => s + f(x), 0);

function mergedP95(encoded: Array<string | null>): number | null {
  const total = newHistogram();
  try {
    for (const b64 of encoded) {
      if (!b64) continue;
      const h = decode(b64);
      total.add(h);
      h.destroy();
    }
    return total.totalCount > 0 ? total.getValueAtPercentile(95) / 1000 : null;
  } finally {
    total.destroy();
  }
}

/** Each worker wrote its own rows; users get one requests.jsonl, written whole before it takes its name. */
async function joinRequestLogs(dir: string, names: string[]): Promise<void> {
  const final = path.join(dir, 'requests.jsonl');
  const tmp = `${final}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  for (const name of names) {
    await pipeline(createReadStream(path.join(dir, name)), out, { end: false });
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  await rename(tmp, final);
  await Promise.all(names.map((name) => unlink(path.join(dir, name))));
}
