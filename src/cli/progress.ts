/**
 * The run's live status. On a terminal one line redraws in place every second; elsewhere (CI)
 * a plain line every 10 s; `--quiet` shows neither. Only the CLI knows about terminals.
 */
import type { ProgressSnapshot } from '../run/progress.js';

const PLAIN_EVERY_MS = 10_000;

function line(p: ProgressSnapshot): string {
  const secs = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const ttft = p.ttftP95Ms === null ? '–' : `${Math.round(p.ttftP95Ms)}ms`;
  return (
    `${secs(p.elapsedMs)}/${secs(p.plannedMs)} ${p.phase} · ${p.requestsPerSecond.toFixed(1)} req/s · in flight ${p.inFlight}` +
    ` · ttft p95 ${ttft} · ${p.requests} sent, ${p.failed} failed, ${p.dropped} dropped${p.saturated ? ' · CLIENT SATURATED' : ''}`
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
        const text = line(p).slice(0, Math.max(20, (stream.columns ?? 100) - 1));
        stream.write(`\r\x1b[2K${text}`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write('\r\x1b[2K');
      },
    };
  }
  let last = -Infinity;
  return {
    update(p) {
      if (p.elapsedMs - last < PLAIN_EVERY_MS) return;
      last = p.elapsedMs;
      stream.write(`llm-bench: ${line(p)}\n`);
    },
    done: () => undefined,
  };
}
