/**
 * The one seam between the run loop and an API. A new API is one file here plus its twin
 * in src/mock/. Protocols write stamps and facts into the RequestRecord and nothing else.
 */
import type { RequestRecord } from '../record.js';
import type { Prompt, TargetSpec } from '../types.js';

/** A request serialised once, before the run (bodies are never rebuilt per send). */
export interface PreparedRequest {
  path: string;
  body: Buffer;
}

/** Consumes one response body. `t` is the arrival time of the read that carried `chunk`. */
export interface ResponseParser {
  onData(chunk: Buffer, t: number): void;
  /** The body ended cleanly at `t`; the parser decides whether the response was complete. */
  onEnd(t: number): void;
}

export interface Protocol {
  readonly api: string;
  prepare(prompt: Prompt): PreparedRequest;
  /** Parser for a 2xx response (error bodies are handled by the transport). */
  parser(record: RequestRecord): ResponseParser;
}

export type ProtocolFactory = (target: TargetSpec) => Protocol;
