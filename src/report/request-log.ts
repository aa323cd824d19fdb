/**
 * requests.jsonl: one JSON row per finished request, streamed to disk for users who opt in
 * (a run otherwise keeps nothing per request). Rows are buffered and written in batches —
 * at ~64 KiB or every 200 ms — so thousands of rows a second cost one write each batch; while
 * the stream reports backpressure the rows wait in the buffer for 'drain', so memory only grows
 * when the disk is slower than the run. The file is written as `<name>.<pid>.tmp` and renamed
 * to its name on close(): an interrupted run never leaves a half file under the real name.
 *
 * A row holds stamps and facts only: no headers, no prompt or completion text.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RequestRecord } from '../record.js';

export interface RequestLogExtra {
  /** output tokens as the metrics counted them (usage, or tiktoken); null when unknown */
  outputTokens: number | null;
  episode?: string;
  tenant?: string;
  /** the phase's name */
  phase: string;
}

/** One line of requests.jsonl. Times are ms from the run's zero; durations are ms. */
export interface RequestRow {
  seq: number;
  phase: string;
  tenant?: string;
  episode?: string;
  promptIndex: number;
  attempts: number;
  status: number;
  errorClass: string | null;
  errorMessage: string | null;
  intended: number | null;
  sent: number | null;
  firstToken: number | null;
  lastToken: number | null;
  end: number | null;
  ttftMs: number | null;
  e2eMs: number | null;
  ttftFromIntendedMs: number | null;
  /** content events received */
  tokens: number;
  outputTokens: number | null;
  usageInputTokens: number | null;
  requestId: string | null;
  finishReason: string | null;
}

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 200;
const MESSAGE_MAX = 200;

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;
/** b - a, or null when either did not happen */
const span = (a: number, b: number): number | null => (Number.isNaN(a) || Number.isNaN(b) ? null : round3(b - a));

export function requestRow(rec: RequestRecord, extra: RequestLogExtra, t0: number): RequestRow {
  const last = Number.isNaN(rec.lastToken) ? rec.end : rec.lastToken;
  const message = rec.errorMessage;
  const row: RequestRow = {
    seq: rec.seq,
    phase: extra.phase,
    promptIndex: rec.promptIndex,
    attempts: rec.attempts,
    status: rec.status,
    errorClass: rec.errorClass,
    errorMessage: message === null || message.length <= MESSAGE_MAX ? message : `${message.slice(0, MESSAGE_MAX - 1)}…`,
    intended: span(t0, rec.intended),
    sent: span(t0, rec.sent),
    firstToken: span(t0, rec.firstToken),
    lastToken: span(t0, rec.lastToken),
    end: span(t0, rec.end),
    ttftMs: span(rec.sent, rec.firstToken),
    e2eMs: span(rec.sent, last),
    ttftFromIntendedMs: span(rec.intended, rec.firstToken),
    tokens: rec.tokenTimes.length,
    outputTokens: extra.outputTokens,
    usageInputTokens: rec.usageInputTokens,
    requestId: rec.requestId,
    finishReason: rec.finishReason,
  };
  if (extra.tenant !== undefined) row.tenant = extra.tenant;
  if (extra.episode !== undefined) row.episode = extra.episode;
  return row;
}

export class RequestLog {
  private lines: string[] = [];
  private buffered = 0;
  private waitingForDrain = false;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private closed = false;
  private count = 0;

  private constructor(
    private readonly stream: WriteStream,
    private readonly tmp: string,
    private readonly final: string,
    private readonly t0: number,
  ) {
    // A failing disk must not crash the run: remember the error, report it from close().
    stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Creates `dir` if needed and opens `<name>.<pid>.tmp` in it. `t0`: performance.now() of the run's zero. */
  static async open(dir: string, name = 'requests.jsonl', t0: number): Promise<RequestLog> {
    await mkdir(dir, { recursive: true });
    const final = path.join(dir, name);
    const tmp = `${final}.${process.pid}.tmp`;
    const stream = createWriteStream(tmp);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => {
        stream.off('error', reject);
        resolve();
      });
      stream.once('error', reject);
    });
    return new RequestLog(stream, tmp, final, t0);
  }

  /** rows written so far */
  get rows(): number {
    return this.count;
  }

  /** One finished request. After close() (or a write error) rows are dropped silently. */
  write(rec: RequestRecord, extra: RequestLogExtra): void {
    if (this.closed || this.failure) return;
    const line = JSON.stringify(requestRow(rec, extra, this.t0));
    this.lines.push(line);
    this.buffered += line.length + 1;
    this.count++;
    if (this.buffered >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(this.onTimer, FLUSH_MS);
      this.timer.unref();
    }
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.flush();
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    if (this.lines.length > 0 && !this.closed) this.flush();
  };

  /** Hands the buffered rows to the stream, unless it is still digesting the last batch. */
  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.waitingForDrain || this.lines.length === 0 || this.failure) return;
    const chunk = this.take();
    if (!this.stream.write(chunk)) {
      this.waitingForDrain = true;
      this.stream.once('drain', this.onDrain);
    }
  }

  private take(): string {
    const chunk = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.buffered = 0;
    return chunk;
  }

  /** Writes what is buffered, closes the file and renames it into place; resolves with its path. */
  async close(): Promise<string> {
    if (this.closed) throw new Error('request log already closed');
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stream.off('drain', this.onDrain);
    const rest = this.lines.length > 0 && !this.failure ? this.take() : '';
    this.lines = [];
    await new Promise<void>((resolve) => {
      this.stream.once('close', () => resolve());
      if (this.stream.closed) resolve();
      else this.stream.end(rest);
    });
    if (this.failure) {
      await rm(this.tmp, { force: true }).catch(() => undefined);
      throw new Error(`could not write ${this.final}: ${this.failure.message}`);
    }
    await rename(this.tmp, this.final);
    return this.final;
  }
}
