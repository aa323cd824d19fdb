/**
 * The run's live status. On a terminal one line redraws in place every second; elsewhere (CI)
 * a plain line every 10 s; `--quiet` shows neither. Only the CLI knows about terminals.
 */
import type { ProgressSnapshot } from '../run/progress.js';

/** Off a terminal, a line every 10 s; LLM_BENCH_PROGRESS_EVERY (ms) changes that (tests, impatient CI logs). */
function plainEveryMs(): number {
  const ms = Number(process.env.LLM_BENCH_PROGRESS_EVERY);
  return Number.isFinite(ms) && ms > 0 ? ms : 10_000;
}

function line(p: ProgressSnapshot): string {
  const secs = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const ttft = p.ttftP95Ms === null ? '–' : `${Math.round(p.ttftP95Ms)}ms`;
  // The saturation warning goes first: a narrow terminal cuts the end of the line.
  return (
    `${secs(p.elapsedMs)}/${secs(p.plannedMs)} ${p.phase}${p.saturated ? ' · CLIENT SATURATED' : ''}` +
    ` · ${p.requestsPerSecond.toFixed(1)} req/s · in flight ${p.inFlight}` +
    ` · ttft p95 ${ttft} · ${p.requests} sent, ${p.failed} failed, ${p.dropped} dropped`
  );
}

export interface ProgressView {
  update(p: ProgressSnapshot): void;
  /** Clears the live line (before the summary is printed). */
  done(): void;
}

export function progressView(stream: NodeJS.WriteStream, quiet: boolean): ProgressView {
  if (quiet) return { update: () => undefined, done: () => undefined };
  if (stream.isTTY) {
    let drawn = false;
    return {
      update(p) {
        // A pty without a size (script, docker -t in CI) reports 0 columns: assume 100, not 20.
        const text = line(p).slice(0, Math.max(20, (stream.columns || 100) - 1));
        stream.write(`\r\x1b[2K${text}`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write('\r\x1b[2K');
        drawn = false;
      },
    };
  }
  const every = plainEveryMs();
  let last = -Infinity;
  return {
    update(p) {
      // Snapshots come about once a second, a few ms early or late: allow half of one, or a
      // snapshot at 2999 ms after one at 2000 ms is skipped and a 10 s period becomes 11 s.
      if (p.elapsedMs - last < every - 500) return;
      last = p.elapsedMs;
      stream.write(`llm-bench: ${line(p)}\n`);
    },
    done: () => undefined,
  };
}
