/**
 * Worker-thread entry for `run --workers N`: runs one slice of the plan on its own event loop
 * and sends the parent a tick a second (progress, and what abortOnFail needs) and, at the
 * end, the slice's results, which the parent merges like shards.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encode } from '../metrics/hdr.js';
import type { Results } from '../metrics/results.js';
import { sliceResults } from './assemble-results.js';
import { liveView, type LiveView } from './live-thresholds.js';
import { plannedEpisodeDuring } from '../chaos/episode-labels.js';
import { runSlice, type SliceSetup } from './slice-runner.js';

export interface SliceWorkerData extends Pick<SliceSetup, 'scenario' | 'target' | 'sendUrl' | 'connectTo' | 'apiKey' | 'slice'> {
  graceMs: number;
  /** write this worker's rows here (the parent joins the files) */
  requestLog?: { dir: string; name: string };
}

export type FromSliceWorker =
  | { type: 'log'; line: string }
  | { type: 'ready' }
  | {
      type: 'tick';
      elapsedMs: number;
      phase: string;
      inFlight: number;
      requests: number;
      failed: number;
      dropped: number;
      /** the slice's TTFT histogram (compressed base64), for the whole run's live p95 */
      ttft: string | null;
      saturated: boolean;
      live: LiveView | null;
    }
  | { type: 'done'; results: Results; partial: { reason: string; byThreshold?: boolean } | null }
  | { type: 'failed'; message: string; name: string };

export type ToSliceWorker =
  | { type: 'stop'; reason: string }
  /** every slice is ready: the run's time zero as epoch ms (performance.timeOrigin + now in the parent) */
  | { type: 'go'; t0Epoch: number };

const data = workerData as SliceWorkerData;
const port = parentPort!;
const post = (m: FromSliceWorker): void => port.postMessage(m);

const stop = new AbortController();
let go: (t0Epoch: number) => void;
const started = new Promise<number>((resolve) => (go = resolve));
port.on('message', (m: ToSliceWorker) => {
  if (m.type === 'go') go(m.t0Epoch);
  else if (m.type === 'stop' && !stop.signal.aborted) stop.abort(m.reason);
});

async function main(): Promise<void> {
  const abortSpecs = data.scenario.thresholds.filter((t) => t.abortOnFail);
  const episodes = data.scenario.chaos?.episodes;
  let startedAt = new Date();
  const out = await runSlice(
    {
      scenario: data.scenario,
      target: data.target,
      sendUrl: data.sendUrl,
      ...(data.connectTo ? { connectTo: data.connectTo } : {}),
      ...(data.apiKey ? { apiKey: data.apiKey } : {}),
      slice: data.slice,
      start: async () => {
        post({ type: 'ready' });
        const t0Epoch = await started;
        startedAt = new Date(t0Epoch);
        return t0Epoch - performance.timeOrigin;
      },
      ...(episodes ? { episodeOf: plannedEpisodeDuring(episodes) } : {}),
      ...(data.requestLog ? { requestLog: data.requestLog } : {}),
      checkAbort: false,
    },
    {
      log: (line) => post({ type: 'log', line }),
      stop: stop.signal,
      graceMs: data.graceMs,
      onTick: (t) => {
        const ttft = t.recorder.histogram('ttft');
        post({
          type: 'tick',
          elapsedMs: t.elapsedMs,
          phase: t.phase,
          inFlight: t.inFlight,
          requests: t.recorder.requests,
          failed: t.recorder.failed,
          dropped: t.recorder.dropped,
          ttft: ttft && ttft.totalCount > 0 ? encode(ttft) : null,
          saturated: t.saturated,
          live: abortSpecs.length > 0 ? liveView(abortSpecs, t.recorder) : null,
        });
      },
    },
  );
  const results = sliceResults(out, { scenario: data.scenario, scenarioHash: '', target: data.target, startedAt, slice: data.slice });
  post({ type: 'done', results, partial: out.partial });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'failed', message: e.message, name: e.name });
});
