/**
 * A non-streamed response: the body is collected, then read as JSON once it has ended. A body
 * that is not JSON is a bad response, whatever the API.
 */
import type { RequestRecord } from '../record.js';
import type { ResponseParser } from './protocol.js';

export class JsonBodyParser implements ResponseParser {
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly rec: RequestRecord,
    /** reads the API's body into the record; `t` is when the body ended */
    private readonly read: (rec: RequestRecord, body: any, t: number) => void,
  ) {}

  onData(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onEnd(t: number): void {
    const rec = this.rec;
    rec.end = t;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
    } catch {
      rec.errorClass = 'bad_response';
      rec.errorMessage = 'response body is not JSON';
      return;
    }
    this.read(rec, body, t);
  }
}
