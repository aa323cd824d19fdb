/**
 * Writes one SSE response on a schedule: a prologue with the headers, content events due at
 * ttft + j·step (or at precomputed times when tokens jitter), then the tail. All events that
 * are due go out in one write, under a single timer per stream, scheduled from the stream's
 * own start so lateness never accumulates. Stream faults (cut, stall, malformed event) and
 * the truth log's stamps live here, so every streaming API gets them alike.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FaultDecision } from './faults.js';
import { epochNow } from './truth-log.js';

export interface StreamPlan {
  /** ms from t0 to the first content event */
  ttft: number;
  /** ms between content events when `dueAt` is absent; 0 = all at once */
  stepMs: number;
  /** number of content events */
  total: number;
  /** optional per-event due times (ms from t0), for jittered token rates */
  dueAt?: Float64Array;
  /** SSE text of content event j */
  render(j: number): string;
  /** events sent with the headers (role chunk, response.created, ...) and how many there are */
  prologue: string;
  prologueEvents: number;
  /** events sent just before the first content event (the Responses API opening its output item) */
  beforeFirst?: string;
  beforeFirstEvents?: number;
  /** events after the last content event */
  tail: string;
  /** the broken event a malformed fault sends, in this API's framing */
  malformed?: string;
  /** 'latin1': every string above is in wire form (wire-text.ts) and is written byte for byte */
  encoding?: 'latin1';
}

/** Stamps of the response as the server wrote it (epoch ms), for the truth log. */
export interface WriteStamps {
  headers: number | null;
  firstToken: number | null;
  lastToken: number | null;
  end: number | null;
}

const CHAT_MALFORMED = 'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n';

export class TimedEventStream {
  private next = 0;
  private written = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly stamps: WriteStamps = { headers: null, firstToken: null, lastToken: null, end: null };
  private readonly tick = (): void => this.pump('');

  constructor(
    private readonly res: ServerResponse,
    /** performance.now() the schedule counts from */
    private t0: number,
    private readonly plan: StreamPlan,
    private readonly fault: FaultDecision,
    private onDone: (stream: TimedEventStream) => void,
  ) {
    if (fault.kind === 'stall') this.t0 += fault.ms;
  }

  /** Sends the status line with `headers`, then the stream on its schedule. */
  start(headers: OutgoingHttpHeaders): void {
    if (this.res.destroyed) return this.finish();
    if (this.allDueNow()) return this.sendWhole(headers);
    this.res.writeHead(200, headers);
    this.stamps.headers = epochNow();
    if (this.fault.kind !== 'stall' && this.plan.ttft <= 0) {
      this.pump(this.plan.prologue);
      if (this.closed) return; // answered in one write: nothing left to clean up
    } else {
      this.emit(this.plan.prologue, this.plan.prologueEvents);
      this.schedule();
    }
    this.res.once('close', () => {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.finish();
    });
  }

  /** Zero latency and no fault: the whole stream is known now. */
  private allDueNow(): boolean {
    const p = this.plan;
    return this.fault.kind === 'none' && p.ttft <= 0 && p.stepMs <= 0 && p.dueAt === undefined;
  }

  /**
   * One write with a Content-Length instead of chunked framing: the same events, and the
   * cheapest way to serve them, so a zero-latency mock stays far from being the bottleneck.
   */
  private sendWhole(headers: OutgoingHttpHeaders): void {
    const parts = new Array<string>(this.plan.total + 2);
    parts[0] = this.plan.prologue + (this.plan.total > 0 ? (this.plan.beforeFirst ?? '') : '');
    for (let j = 0; j < this.plan.total; j++) parts[j + 1] = this.plan.render(j);
    parts[this.plan.total + 1] = this.plan.tail;
    // join gives one flat string; a rope of hundreds of pieces costs more to write out
    const body = parts.join('');
    headers['content-length'] = this.plan.encoding === 'latin1' ? body.length : Buffer.byteLength(body);
    this.res.writeHead(200, headers);
    this.res.end(body, this.encoding);
    const now = epochNow();
    this.stamps.headers = now;
    if (this.plan.total > 0) this.stamps.firstToken = this.stamps.lastToken = now;
    this.stamps.end = now;
    this.next = this.plan.total;
    this.closed = true;
    this.finish();
  }

  private get encoding(): BufferEncoding {
    return this.plan.encoding ?? 'utf8';
  }

  private dueAt(j: number): number {
    const d = this.plan.dueAt;
    return d ? d[j]! : this.plan.ttft + j * this.plan.stepMs;
  }

  private dueCount(elapsed: number): number {
    const { total, dueAt, ttft, stepMs } = this.plan;
    if (elapsed < ttft) return 0;
    if (dueAt) {
      let n = this.next;
      while (n < total && dueAt[n]! <= elapsed) n++;
      return n;
    }
    if (stepMs <= 0) return total;
    return Math.min(total, Math.floor((elapsed - ttft) / stepMs) + 1);
  }

  /** Content event j, which will be the (written + pending + 1)-th event of the response. */
  private content(j: number, pending: number): string {
    if (this.fault.kind === 'malformed' && this.written + pending + 1 === this.fault.atEvent) return this.plan.malformed ?? CHAT_MALFORMED;
    return this.plan.render(j);
  }

  /** Writes every event that is due (in one write), then re-arms the single timer. */
  private pump(prefix: string): void {
    this.timer = undefined;
    if (this.closed) return;
    const elapsed = performance.now() - this.t0;
    const due = this.dueCount(elapsed);
    let out = prefix;
    let events = prefix.length > 0 ? this.plan.prologueEvents : 0;
    const first = this.next;
    for (; this.next < due; this.next++) {
      if (this.next === 0 && this.plan.beforeFirst) {
        out += this.plan.beforeFirst;
        events += this.plan.beforeFirstEvents ?? 0;
      }
      if (this.cutReached(events)) return this.cut(out);
      out += this.content(this.next, events);
      events++;
    }
    if (this.next > first) {
      const now = epochNow();
      if (first === 0) this.stamps.firstToken = now;
      if (this.next === this.plan.total) this.stamps.lastToken = now;
    }
    if (this.next >= this.plan.total) {
      if (this.cutReached(events)) return this.cut(out);
      this.closed = true;
      this.res.end(out + this.plan.tail, this.encoding);
      this.stamps.end = epochNow();
      return this.finish();
    }
    if (out.length > 0) this.emit(out, events);
    this.schedule();
  }

  private cutReached(pendingEvents: number): boolean {
    return this.fault.kind === 'cut' && this.written + pendingEvents >= this.fault.afterEvents;
  }

  /** The stream breaks: what was due is written, then the socket goes away mid-response. */
  private cut(out: string): void {
    this.closed = true;
    this.stamps.end = epochNow();
    // What was written must reach the client before the connection breaks.
    const socket = this.res.socket;
    this.res.write(out, this.encoding, () => socket?.destroy());
    this.finish();
  }

  private emit(text: string, events: number): void {
    this.written += events;
    this.res.write(text, this.encoding);
  }

  private schedule(): void {
    const wait = this.t0 + this.dueAt(this.next) - performance.now();
    this.timer = setTimeout(this.tick, Math.max(1, Math.ceil(wait)));
  }

  private finish(): void {
    if (this.closed && this.stamps.end === null) this.stamps.end = epochNow();
    this.closed = true;
    const done = this.onDone;
    this.onDone = noop;
    done(this);
  }
}

const noop = (): void => undefined;
