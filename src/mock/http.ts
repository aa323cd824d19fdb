/** HTTP helpers shared by the mock's handlers: ids, common headers, JSON and error bodies. */
import type { IncomingMessage, ServerResponse, OutgoingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';

export const OPENAI_VERSION = '2020-10-01';

/** Per-server id source: a random prefix plus a counter, so ids are unique and cheap. */
export class IdSource {
  private readonly prefix = randomBytes(8).toString('hex');
  private n = 0;

  /** 32 hex digits after `req_`. */
  requestId(): string {
    return 'req_' + this.prefix + (this.n++).toString(16).padStart(16, '0');
  }

  /** `chatcmpl-` + 29 base-36-ish characters. */
  completionId(index: number): string {
    return 'chatcmpl-' + this.prefix + 'M' + index.toString(36).padStart(12, '0');
  }
}

export function baseHeaders(requestId: string, processingMs: number, contentType: string): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    'x-request-id': requestId,
    'openai-processing-ms': String(Math.max(0, Math.round(processingMs))),
    'openai-version': OPENAI_VERSION,
  };
}

/** Sends a complete JSON body (already serialised) with Content-Length. */
export function sendJson(res: ServerResponse, status: number, body: string, headers: OutgoingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}

export interface ApiError {
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

export function errorBody(e: ApiError): string {
  return JSON.stringify({
    error: { message: e.message, type: e.type ?? 'invalid_request_error', param: e.param ?? null, code: e.code ?? null },
  });
}

export function sendError(
  res: ServerResponse,
  status: number,
  e: ApiError,
  requestId: string,
  extra: OutgoingHttpHeaders = {},
): void {
  const headers = { ...baseHeaders(requestId, 0, 'application/json'), ...extra };
  sendJson(res, status, errorBody(e), headers);
}

/** Describes a JSON value's type the way the API's messages do ("a string", "an array"). */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(v) ? 'an integer' : 'a decimal';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** Path of a request URL without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
