/**
 * One named proxy: a TCP listener in front of an upstream, its toxics in the order they were
 * added, and the connections open through it. Toxics added, updated or removed at runtime
 * reach the open connections at once.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { mixSeed } from '../../random.js';
import { Connection } from './link.js';
import {
  ApiError,
  joinHostPort,
  notFound,
  parseToxicUpdate,
  splitHostPort,
  type ProxyInput,
  type ProxyJson,
  type ProxyPatch,
  type ToxicConfig,
} from './model.js';

export class ToxicProxy {
  readonly name: string;
  listen: string;
  upstream: string;
  private server: Server | undefined;
  private readonly toxics = new Map<string, ToxicConfig>();
  private readonly connections = new Set<Connection>();
  private connectionSerial = 0;

  constructor(
    input: ProxyInput,
    private readonly seed: number,
  ) {
    this.name = input.name;
    this.listen = input.listen;
    this.upstream = input.upstream;
  }

  get enabled(): boolean {
    return this.server !== undefined;
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.listToxics() };
  }

  listToxics(): ToxicConfig[] {
    return [...this.toxics.values()];
  }

  getToxic(name: string): ToxicConfig {
    const toxic = this.toxics.get(name);
    if (toxic === undefined) throw notFound('toxic');
    return toxic;
  }

  /** Listens on `listen`; a port of 0 becomes the real one, kept for later re-enables. */
  async start(): Promise<void> {
    if (this.server) return;
    const address = splitHostPort(this.listen);
    if (address === undefined) throw new ApiError(400, `listen address "${this.listen}" is not host:port`);
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: address.port, ...(address.host ? { host: address.host } : {}) }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new ApiError(500, `listen tcp ${this.listen}: ${err.message}`);
    });
    const bound = server.address() as AddressInfo;
    this.listen = joinHostPort(bound.address, bound.port);
    this.server = server;
  }

  /** Stops listening and drops every open connection (clients then see connection refused). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) conn.destroy();
    this.connections.clear();
    await closed;
  }

  /** PATCH: a new listen or upstream restarts the proxy (dropping its connections). */
  async update(patch: ProxyPatch): Promise<void> {
    const enabled = patch.enabled ?? this.enabled;
    const listen = patch.listen ?? this.listen;
    const upstream = patch.upstream ?? this.upstream;
    if (listen !== this.listen || upstream !== this.upstream) {
      await this.stop();
      this.listen = listen;
      this.upstream = upstream;
    }
    if (enabled) await this.start();
    else await this.stop();
  }

  addToxic(toxic: ToxicConfig): ToxicConfig {
    if (this.toxics.has(toxic.name)) throw new ApiError(409, 'toxic already exists');
    this.toxics.set(toxic.name, toxic);
    for (const conn of this.connections) conn.addToxic(toxic);
    return toxic;
  }

  updateToxic(name: string, body: unknown): ToxicConfig {
    const toxic = parseToxicUpdate(this.getToxic(name), body);
    this.toxics.set(name, toxic);
    for (const conn of this.connections) conn.updateToxic(toxic);
    return toxic;
  }

  removeToxic(name: string): void {
    const toxic = this.getToxic(name);
    this.toxics.delete(name);
    for (const conn of this.connections) conn.removeToxic(toxic);
  }

  removeAllToxics(): void {
    for (const name of [...this.toxics.keys()]) this.removeToxic(name);
  }

  private accept(socket: Socket): void {
    const upstream = splitHostPort(this.upstream);
    if (upstream === undefined) {
      socket.destroy();
      return;
    }
    const conn: Connection = new Connection({
      client: socket,
      upstream,
      toxics: this.toxics.values(),
      seed: mixSeed(this.seed, ++this.connectionSerial),
      onClosed: () => this.connections.delete(conn),
    });
    this.connections.add(conn);
  }
}
