/**
 * A toxic as a stage of one direction of one proxied connection. A stage receives chunks and
 * EOF from the stage before it and hands them on to `next` (another stage, or the socket at the
 * end of the direction), delayed, sliced, dropped or cut as its type says (toxics.ts).
 *
 * Time-based stages queue their output on a Timeline: a FIFO of actions with non-decreasing due
 * times, so order is always kept (one slow chunk holds back the ones behind it, as in Toxiproxy).
 */
import { performance } from 'node:perf_hooks';
import type { Uniform } from '../../random.js';
import type { ToxicConfig } from './model.js';

/** Where a stage sends its output. */
export interface Receiver {
  write(chunk: Buffer): void;
  /** EOF. `close`: a toxic (or an error) ended the stream, so the whole connection closes once delivered. */
  end(close: boolean): void;
}

export interface StageContext {
  /** This stage's own PRNG (toxicity draw, jitter, slice sizes). */
  rng: Uniform;
  /** Bytes taken out of the flow, for the direction's in-flight accounting. */
  dropped(bytes: number): void;
  /** Closes both sockets of the connection with a TCP RST, now. */
  reset(): void;
}

/** Timer slack: actions due within this many ms run now (Node timers have 1 ms resolution). */
const SLACK_MS = 1;

class Timeline {
  private items: Array<{ at: number; run: () => void }> = [];
  private head = 0;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  private get idle(): boolean {
    return this.head >= this.items.length;
  }

  /** Runs `run` at `at` (performance.now() ms), never before anything queued earlier. */
  at(at: number, run: () => void): void {
    const due = Math.max(at, this.last);
    this.last = due;
    if (this.idle && due <= performance.now() + SLACK_MS) return run();
    this.items.push({ at: due, run });
    this.arm();
  }

  /** Runs everything queued now, in order. */
  flush(): void {
    this.cancel();
    while (!this.idle) this.items[this.head++]!.run();
    this.compact();
  }

  /** Forgets everything queued. */
  clear(): void {
    this.cancel();
    this.items = [];
    this.head = 0;
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined || this.idle) return;
    this.timer = setTimeout(this.fire, Math.max(0, this.items[this.head]!.at - performance.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now() + SLACK_MS;
    while (!this.idle && this.items[this.head]!.at <= now) this.items[this.head++]!.run();
    this.compact();
    this.arm();
  };

  private compact(): void {
    if (this.idle) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export abstract class Stage implements Receiver {
  /** Whether this connection drew the toxic (toxicity); an inactive stage passes everything on. */
  protected active = false;
  protected outEnded = false;
  protected readonly timeline = new Timeline();

  constructor(
    protected config: ToxicConfig,
    protected readonly ctx: StageContext,
    public next: Receiver,
  ) {}

  get name(): string {
    return this.config.name;
  }

  /** Draws toxicity and starts attach-time timers. Called once the stage is linked in. */
  activate(): void {
    this.active = this.ctx.rng() < this.config.toxicity;
    if (this.active) this.start();
  }

  write(chunk: Buffer): void {
    if (this.outEnded) return this.ctx.dropped(chunk.length);
    if (!this.active) return this.timeline.at(0, () => this.emit(chunk));
    this.onData(chunk);
  }

  end(close: boolean): void {
    if (this.outEnded) return;
    if (!this.active) return this.timeline.at(0, () => this.endOut(close));
    this.onEnd(close);
  }

  /** New attributes/toxicity: a fresh draw; data already queued keeps its schedule. */
  reconfigure(config: ToxicConfig): void {
    this.stop();
    this.config = config;
    if (!this.outEnded) this.activate();
  }

  /** The toxic is being removed: hand on everything held, now. */
  flush(): void {
    this.stop();
    this.timeline.flush();
  }

  /** The connection is gone: cancel every timer, keep nothing. */
  dispose(): void {
    this.stop();
    this.timeline.clear();
  }

  protected attr(key: string): number {
    return this.config.attributes[key] ?? 0;
  }

  protected emit(chunk: Buffer): void {
    if (this.outEnded) this.ctx.dropped(chunk.length);
    else this.next.write(chunk);
  }

  protected endOut(close: boolean): void {
    if (this.outEnded) return;
    this.outEnded = true;
    this.stop();
    this.next.end(close);
  }

  protected abstract onData(chunk: Buffer): void;

  /** By default EOF follows the data queued before it. */
  protected onEnd(close: boolean): void {
    this.timeline.at(0, () => this.endOut(close));
  }

  /** Attach-time timers (timeout). */
  protected start(): void {}
  /** Cancels this stage's own timers (not the timeline). */
  protected stop(): void {}
}
