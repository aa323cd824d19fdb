import { UserError } from '../errors.js';
import { runScenarioFile, EXIT_SIGINT } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import type { CliIo } from './main.js';
import { progressView } from './progress.js';

export interface RunFlags {
  duration?: string;
  rate?: number;
  out?: string;
  targetUrl?: string;
  quiet?: boolean;
  workers?: number;
  shard?: string;
  startAt?: string;
  requestsLog?: boolean;
}

export async function runCommand(file: string, flags: RunFlags, io: CliIo): Promise<number> {
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const startAt = flags.startAt !== undefined ? parseStartAt(flags.startAt) : undefined;
  const progress = progressView(process.stderr, flags.quiet === true);
  // First SIGINT/SIGTERM: stop sending, let in-flight requests finish briefly, clean up chaos,
  // write partial results. A second SIGINT ends the process at once.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      if (signal === 'SIGINT') process.exit(EXIT_SIGINT);
      return;
    }
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runScenarioFile({
      file,
      overrides: {
        ...(flags.duration !== undefined ? { duration: parseDuration(flags.duration, '--duration') } : {}),
        ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        ...(flags.targetUrl !== undefined ? { targetUrl: flags.targetUrl } : {}),
      },
      log: (l) => {
        progress.done();
        io.err(l);
      },
      signal: controller.signal,
      ...(shard ? { shard } : {}),
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
      ...(startAt !== undefined ? { startAt } : {}),
      ...(flags.requestsLog ? { requestsLog: true } : {}),
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    io.out(outcome.summary);
    const names = outcome.files.map((f) => f.slice(outcome.outputDir.length + 1));
    // Per-metric files are counted, not listed.
    const perMetric = (ext: string): string[] => names.filter((n) => n.endsWith(ext) && n !== `results${ext}`);
    const counted = ['.hgrm', '.hlog'].flatMap((ext) => (perMetric(ext).length > 0 ? [`${perMetric(ext).length} ${ext}`] : []));
    const listed = [...names.filter((n) => !perMetric('.hgrm').includes(n) && !perMetric('.hlog').includes(n)), ...counted];
    io.out(`results: ${outcome.outputDir} (${listed.join(', ')})${outcome.results.meta.partial ? ' — partial: the run was stopped early' : ''}`);
    return outcome.exitCode;
  } finally {
    progress.done();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `--shard 2/4` → { index: 2, count: 4 }. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UserError(`'${text}' is not a shard`, { where: '--shard', hint: 'write i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 (the second of four machines)' });
  }
  return { index, count };
}

/** `--start-at` takes an ISO 8601 time or epoch milliseconds. */
export function parseStartAt(text: string, now = Date.now()): number {
  const ms = /^\d{12,}$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new UserError(`'${text}' is not a time`, { where: '--start-at', hint: 'write an ISO 8601 time (2026-11-30T09:00:00Z) or epoch milliseconds' });
  }
  // A mistyped year or day would otherwise leave every shard waiting without a word of why.
  const aheadMs = ms - now;
  if (aheadMs > MAX_START_WAIT_MS) {
    throw new UserError(`${new Date(ms).toISOString()} is ${(aheadMs / 3_600_000).toFixed(1)} h from now`, {
      where: '--start-at',
      hint: 'shards wait at most 24 h; check the date, or start the run nearer the time',
    });
  }
  return ms;
}

const MAX_START_WAIT_MS = 24 * 3_600_000;
