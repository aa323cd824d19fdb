/**
 * Server-sent events framing. Every event parsed out of one read carries that read's
 * arrival time: the stamp is when the bytes came off the socket, not when parsing finished.
 */
import { StringDecoder } from 'node:string_decoder';

export type SseListener = (data: string, event: string | null, t: number) => void;

export class SseDecoder {
  private readonly text = new StringDecoder('utf8');
  private pending = '';
  private dataLines: string[] = [];
  private event: string | null = null;

  constructor(private readonly listener: SseListener) {}

  push(chunk: Buffer, t: number): void {
    const s = this.pending.length > 0 ? this.pending + this.text.write(chunk) : this.text.write(chunk);
    let pos = 0;
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl < 0) break;
      const stop = nl > pos && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(s, pos, stop, t);
      pos = nl + 1;
    }
    this.pending = pos === 0 ? s : s.slice(pos);
  }

  /** Flush an event the server did not terminate with a blank line. */
  end(t: number): void {
    const rest = this.pending + this.text.end();
    this.pending = '';
    if (rest.length > 0) this.line(rest, 0, rest.length, t);
    this.dispatch(t);
  }

  private line(s: string, from: number, to: number, t: number): void {
    if (from === to) {
      this.dispatch(t);
      return;
    }
    if (s.charCodeAt(from) === 58 /* ':' comment */) return;
    const colon = s.indexOf(':', from);
    const fieldEnd = colon < 0 || colon > to ? to : colon;
    let valueStart = fieldEnd + 1;
    if (valueStart < to && s.charCodeAt(valueStart) === 32) valueStart++;
    const value = valueStart >= to ? '' : s.slice(valueStart, to);
    const len = fieldEnd - from;
    if (len === 4 && s.startsWith('data', from)) this.dataLines.push(value);
    else if (len === 5 && s.startsWith('event', from)) this.event = value;
  }

  private dispatch(t: number): void {
    if (this.dataLines.length === 0) {
      this.event = null;
      return;
    }
    const data = this.dataLines.length === 1 ? this.dataLines[0]! : this.dataLines.join('\n');
    const event = this.event;
    this.dataLines = [];
    this.event = null;
    this.listener(data, event, t);
  }
}
