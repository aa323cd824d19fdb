/**
 * The run's handle on a Toxiproxy server — real or embedded, through the same client. It
 * creates one proxy of its own, adds and removes toxics on it, and deletes it at the end: it
 * never touches proxies it did not create.
 */
import { randomBytes } from 'node:crypto';
import { Toxiproxy, type Proxy, type Toxic } from 'toxiproxy-node-client';
import { TargetUnreachableError } from '../errors.js';
import type { ToxicSpec } from '../types.js';

export class ToxiproxyControl {
  private proxy: Proxy | null = null;
  private readonly toxics = new Map<string, Toxic<unknown>>();

  private constructor(
    private readonly api: Toxiproxy,
    readonly url: string,
  ) {}

  /** Checks the server answers before anything is created. */
  static async connect(url: string): Promise<ToxiproxyControl> {
    const api = new Toxiproxy(url.replace(/\/$/, ''));
    try {
      await api.getVersion();
    } catch (err) {
      throw new TargetUnreachableError(`cannot reach the Toxiproxy server at ${url} (${(err as Error).message})`, {
        where: 'chaos.toxiproxy.url',
        hint: 'start toxiproxy-server (or `llm-bench proxy`), or leave chaos.toxiproxy out to use the embedded one',
      });
    }
    return new ToxiproxyControl(api, url);
  }

  /** A proxy listening on a free loopback port in front of `upstream` (host:port). */
  async createProxy(upstream: string): Promise<{ host: string; port: number }> {
    const name = `llm-bench-${randomBytes(4).toString('hex')}`;
    this.proxy = await this.api.createProxy({ name, listen: '127.0.0.1:0', upstream });
    const listen = this.proxy.listen;
    const colon = listen.lastIndexOf(':');
    return { host: listen.slice(0, colon).replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(listen.slice(colon + 1)) };
  }

  async addToxic(name: string, spec: ToxicSpec): Promise<void> {
    if (!this.proxy) return;
    const toxic = await this.proxy.addToxic({ name, type: spec.type, stream: spec.stream, toxicity: spec.toxicity, attributes: spec.attributes } as never);
    this.toxics.set(name, toxic as Toxic<unknown>);
  }

  async removeToxic(name: string): Promise<void> {
    const toxic = this.toxics.get(name);
    this.toxics.delete(name);
    await toxic?.remove();
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (!this.proxy) return;
    this.proxy = await this.proxy.update({ enabled } as never);
  }

  /** Removes the run's proxy (and with it its toxics). Safe to call twice; never throws. */
  async cleanup(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = null;
    this.toxics.clear();
    if (proxy) await proxy.remove().catch(() => undefined);
  }
}
