/**
 * One proxied connection: the client's socket, a socket to the upstream, and a Link per
 * direction (upstream = client → server, downstream = server → client). A Link is a chain of
 * toxic stages ending at the destination socket; with no toxics a chunk goes straight from the
 * source's 'data' event to the destination's write(), with the same backpressure as pipe().
 */
import { connect, type Socket } from 'node:net';
import { mixSeed, mulberry32 } from '../../random.js';
import type { HostPort, Stream, ToxicConfig } from './model.js';
import { createStage, type Receiver, type Stage } from './toxics.js';

/** Bytes read but not yet written on (held by toxics) above which the source is paused. */
const MAX_IN_FLIGHT = 1 << 20;

class Link {
  private stages: Stage[] = [];
  private inFlight = 0;
  private drainWait = false;
  private finished = false;
  private shut = false;
  private readonly terminal: Receiver = {
    write: (chunk) => this.deliver(chunk),
    end: (close) => this.finish(close),
  };

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly conn: Connection,
  ) {
    src.on('data', (chunk: Buffer) => {
      if (this.shut) return;
      this.inFlight += chunk.length;
      this.head().write(chunk);
      this.regulate();
    });
    src.on('end', () => {
      if (!this.shut) this.head().end(false);
    });
    // A broken source ends this direction after what is held, then the whole connection.
    src.on('error', () => {
      if (!this.shut) this.head().end(true);
    });
  }

  private head(): Receiver {
    return this.stages[0] ?? this.terminal;
  }

  add(config: ToxicConfig, seed: number): void {
    const stage = createStage(
      config,
      { rng: mulberry32(seed), dropped: (n) => this.dropped(n), reset: () => this.conn.reset() },
      this.terminal,
    );
    const last = this.stages.at(-1);
    if (last) last.next = stage;
    this.stages.push(stage);
  }

  update(config: ToxicConfig): void {
    this.stages.find((s) => s.name === config.name)?.reconfigure(config);
  }

  /** Unlinks the stage, then lets it hand on what it holds. */
  remove(name: string): void {
    const i = this.stages.findIndex((s) => s.name === name);
    const stage = this.stages[i];
    if (stage === undefined) return;
    const prev = this.stages[i - 1];
    if (prev) prev.next = stage.next;
    this.stages.splice(i, 1);
    stage.flush();
    stage.dispose();
  }

  /** Stops everything: no more reads are forwarded, every timer is cancelled. */
  shutdown(): void {
    this.shut = true;
    for (const stage of this.stages) stage.dispose();
    this.stages = [];
  }

  private dropped(bytes: number): void {
    this.inFlight -= bytes;
    this.regulate();
  }

  private deliver(chunk: Buffer): void {
    this.inFlight -= chunk.length;
    const dst = this.dst;
    if (!this.shut && !dst.destroyed && !dst.writableEnded && !dst.write(chunk) && !this.drainWait) {
      this.drainWait = true;
      dst.once('drain', () => {
        this.drainWait = false;
        this.regulate();
      });
    }
    this.regulate();
  }

  private finish(close: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.dst.destroyed) this.dst.end();
    if (close) this.conn.close();
  }

  private regulate(): void {
    const hold = this.drainWait || this.inFlight > MAX_IN_FLIGHT;
    if (hold && !this.src.isPaused()) this.src.pause();
    else if (!hold && !this.shut && this.src.isPaused()) this.src.resume();
  }
}

export interface ConnectionOptions {
  client: Socket;
  upstream: HostPort;
  toxics: Iterable<ToxicConfig>;
  seed: number;
  onClosed(): void;
}

export class Connection {
  readonly client: Socket;
  readonly server: Socket;
  private readonly links: Record<Stream, Link>;
  private readonly seed: number;
  private stageSerial = 0;
  private closing = false;

  constructor(opts: ConnectionOptions) {
    this.seed = opts.seed;
    this.client = opts.client;
    this.client.setNoDelay(true);
    this.server = connect({ host: opts.upstream.host || 'localhost', port: opts.upstream.port, allowHalfOpen: true, noDelay: true });
    this.links = {
      upstream: new Link(this.client, this.server, this),
      downstream: new Link(this.server, this.client, this),
    };
    for (const toxic of opts.toxics) this.addToxic(toxic);
    let open = 2;
    const closed = (): void => {
      if (--open > 0) return;
      this.shutdown();
      opts.onClosed();
    };
    this.client.once('close', closed);
    this.server.once('close', closed);
  }

  addToxic(config: ToxicConfig): void {
    this.links[config.stream].add(config, mixSeed(this.seed, ++this.stageSerial));
  }

  updateToxic(config: ToxicConfig): void {
    this.links[config.stream].update(config);
  }

  removeToxic(config: ToxicConfig): void {
    this.links[config.stream].remove(config.name);
  }

  /** Both sockets closed with a TCP RST (reset_peer). */
  reset(): void {
    this.shutdown();
    for (const socket of [this.client, this.server]) {
      if (socket.destroyed) continue;
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
    }
  }

  /** A toxic closed one direction: FIN both ways once what was written is flushed. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.shutdown();
    for (const socket of [this.client, this.server]) {
      if (socket.destroyed) continue;
      if (socket.writableFinished) {
        socket.destroy();
        continue;
      }
      socket.once('finish', () => socket.destroy());
      if (!socket.writableEnded) socket.end();
    }
  }

  /** At once, nothing flushed (proxy disabled or deleted, server closing). */
  destroy(): void {
    this.shutdown();
    this.client.destroy();
    this.server.destroy();
  }

  private shutdown(): void {
    this.links.upstream.shutdown();
    this.links.downstream.shutdown();
  }
}
