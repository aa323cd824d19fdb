/** Every failure maps to one stable class, used as a label and in the error rate. */
import type { ErrorClass } from '../metrics/results.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

export function classifyStatus(status: number): ErrorClass | null {
  if (status >= 200 && status < 300) return null;
  if (status === 429) return 'http_429';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'bad_response';
}

/** A transport error; `afterHeaders` means a 2xx had already arrived, so the stream was cut. */
export function classifyError(err: unknown, afterHeaders: boolean): ErrorClass {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  return afterHeaders ? 'stream_cut' : 'network';
}

export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
