/**
 * The mock's server-side truth log: one JSON line per generation request with the server's own
 * timestamps, so tests can hold the client's measurements against what the server actually did.
 * Recording is a string push; the file is written asynchronously in batches (at least every
 * 100 ms) so the log never blocks or throws into the request path.
 */
import { closeSync, createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface TruthEntry {
  requestId: string;
  index: number;
  api: string;
  model: string;
  status: number;
  fault: string | null;
  /** epoch milliseconds with sub-ms precision: performance.timeOrigin + performance.now() */
  arrived: number;
  headers: number | null;
  firstToken: number | null;
  lastToken: number | null;
  end: number | null;
}

/** Epoch milliseconds with sub-ms precision, on the same clock as performance.now(). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

const FLUSH_EVERY_MS = 100;

export class TruthLog {
  private lines: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private error: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(private readonly stream: WriteStream) {
    stream.on('error', (err) => {
      this.error ??= err;
    });
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Creates parent directories and opens `file` for appending; open errors are thrown here, at startup. */
  static open(file: string): TruthLog {
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'a');
    try {
      return new TruthLog(createWriteStream('', { fd, autoClose: true }));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Queues one entry (serialised now, so later mutation of `entry` does not change the log). Never throws. */
  record(entry: TruthEntry): void {
    if (this.closing) return;
    try {
      this.lines.push(JSON.stringify(entry) + '\n');
    } catch (err) {
      this.error ??= err as Error;
    }
  }

  private flush(): void {
    if (this.lines.length === 0 || this.error) return;
    const chunk = this.lines.join('');
    this.lines = [];
    this.stream.write(chunk);
  }

  /** Flushes everything and closes the file. Rejects with the first write error, if any. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      clearInterval(this.timer);
      this.flush();
      const done = (): void => (this.error ? reject(this.error) : resolve());
      if (this.stream.destroyed) return done();
      this.stream.once('close', done);
      this.stream.end();
    });
    return this.closing;
  }
}

/** Reads a truth log back. A trailing line without its newline (still being written) is ignored. */
export async function readTruthLog(file: string): Promise<TruthEntry[]> {
  const text = await readFile(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const out: TruthEntry[] = [];
  let lineNo = 0;
  for (const line of complete.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as TruthEntry);
    } catch (err) {
      throw new Error(`${file}:${lineNo}: not a JSON truth-log line: ${(err as Error).message}`);
    }
  }
  return out;
}
