/**
 * The toxic types. Each is a Stage (stage.ts); an inactive one (toxicity not drawn for this
 * connection) is a pass-through handled by the base class.
 */
import { performance } from 'node:perf_hooks';
import type { ToxicConfig, ToxicType } from './model.js';
import { Stage, type Receiver, type StageContext } from './stage.js';

export type { Receiver, Stage, StageContext } from './stage.js';

class Noop extends Stage {
  protected onData(chunk: Buffer): void {
    this.timeline.at(0, () => this.emit(chunk));
  }
}

/** Each chunk held latency ± uniform jitter ms after it arrives; order kept. */
class Latency extends Stage {
  protected onData(chunk: Buffer): void {
    const jitter = this.attr('jitter');
    const delay = this.attr('latency') + (jitter > 0 ? (this.ctx.rng() * 2 - 1) * jitter : 0);
    this.timeline.at(performance.now() + Math.max(0, delay), () => this.emit(chunk));
  }
}

/** `rate` KB/s (1 KB = 1000 bytes, i.e. `rate` bytes per ms), passed in 100 ms slices. */
class Bandwidth extends Stage {
  private clock = 0;
  protected onData(chunk: Buffer): void {
    const rate = this.attr('rate');
    if (rate <= 0) return this.timeline.at(0, () => this.emit(chunk));
    const slice = Math.max(1, Math.round(rate * 100));
    this.clock = Math.max(this.clock, performance.now());
    for (let off = 0; off < chunk.length; off += slice) {
      const part = chunk.subarray(off, off + slice);
      this.clock += part.length / rate;
      this.timeline.at(this.clock, () => this.emit(part));
    }
  }
}

/** Data passes; the EOF is held `delay` ms. */
class SlowClose extends Stage {
  protected onData(chunk: Buffer): void {
    this.timeline.at(0, () => this.emit(chunk));
  }
  protected override onEnd(close: boolean): void {
    this.timeline.at(performance.now() + this.attr('delay'), () => this.endOut(close));
  }
}

/** Drops all data; closes the connection `timeout` ms after attaching (0 = never). */
class Timeout extends Stage {
  private timer: NodeJS.Timeout | undefined;
  protected onData(chunk: Buffer): void {
    this.ctx.dropped(chunk.length);
  }
  protected override onEnd(close: boolean): void {
    this.endOut(close);
  }
  protected override start(): void {
    const ms = this.attr('timeout');
    if (ms > 0) this.timer = setTimeout(() => this.endOut(true), ms);
  }
  protected override stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** On the first data (or EOF) waits `timeout` ms, then resets the connection; data is dropped. */
class ResetPeer extends Stage {
  private triggered = false;
  private timer: NodeJS.Timeout | undefined;
  protected onData(chunk: Buffer): void {
    this.ctx.dropped(chunk.length);
    this.trigger();
  }
  protected override onEnd(): void {
    this.trigger();
  }
  private trigger(): void {
    this.triggered = true;
    this.timer ??= setTimeout(() => this.ctx.reset(), this.attr('timeout'));
  }
  protected override start(): void {
    if (this.triggered) this.trigger();
  }
  protected override stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Cuts data into average_size ± size_variation byte pieces, `delay` µs apart. */
class Slicer extends Stage {
  private clock = 0;
  protected onData(chunk: Buffer): void {
    const average = this.attr('average_size');
    if (average < 1) return this.timeline.at(0, () => this.emit(chunk));
    const variation = Math.min(this.attr('size_variation'), average - 1);
    const gap = this.attr('delay') / 1000;
    this.clock = Math.max(this.clock, performance.now());
    for (let off = 0; off < chunk.length; ) {
      const size = Math.max(1, Math.round(average + (variation > 0 ? (this.ctx.rng() * 2 - 1) * variation : 0)));
      const part = chunk.subarray(off, off + size);
      off += size;
      this.timeline.at(this.clock, () => this.emit(part));
      this.clock += gap;
    }
  }
}

/** Passes `bytes` bytes in total, then closes the connection. The count survives updates. */
class LimitData extends Stage {
  private sent = 0;
  protected onData(chunk: Buffer): void {
    const room = this.attr('bytes') - this.sent;
    if (chunk.length < room) {
      this.sent += chunk.length;
      return this.emit(chunk);
    }
    const keep = Math.max(0, room);
    if (keep > 0) this.emit(chunk.subarray(0, keep));
    this.sent += keep;
    this.ctx.dropped(chunk.length - keep);
    this.endOut(true);
  }
}

const STAGES: Record<ToxicType, new (config: ToxicConfig, ctx: StageContext, next: Receiver) => Stage> = {
  noop: Noop,
  latency: Latency,
  bandwidth: Bandwidth,
  slow_close: SlowClose,
  timeout: Timeout,
  reset_peer: ResetPeer,
  slicer: Slicer,
  limit_data: LimitData,
};

export function createStage(config: ToxicConfig, ctx: StageContext, next: Receiver): Stage {
  const stage = new STAGES[config.type](config, ctx, next);
  stage.activate();
  return stage;
}
