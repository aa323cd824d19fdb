/**
 * Every proxy of one server, by name. Changes that start or stop listeners run one at a time
 * (`serial`), so concurrent API calls cannot interleave half-done restarts.
 */
import { deriveSeed } from '../../random.js';
import { ApiError, notFound, type ProxyInput } from './model.js';
import { ToxicProxy } from './proxy.js';

export class ProxyCollection {
  private readonly proxies = new Map<string, ToxicProxy>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly seed: number) {}

  /** Runs `fn` after every change queued before it. */
  serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get(name: string): ToxicProxy {
    const proxy = this.proxies.get(name);
    if (proxy === undefined) throw notFound('proxy');
    return proxy;
  }

  all(): ToxicProxy[] {
    return [...this.proxies.values()];
  }

  async create(input: ProxyInput): Promise<ToxicProxy> {
    if (this.closed) throw new ApiError(503, 'server is shutting down');
    if (this.proxies.has(input.name)) throw new ApiError(409, 'proxy already exists');
    const proxy = new ToxicProxy(input, deriveSeed(this.seed, input.name));
    if (input.enabled) await proxy.start();
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  /** Creates what is missing; replaces a proxy only where its listen or upstream differ. */
  async populate(inputs: ProxyInput[]): Promise<ToxicProxy[]> {
    const out: ToxicProxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
        out.push(existing);
        continue;
      }
      if (existing) await this.remove(input.name);
      out.push(await this.create(input));
    }
    return out;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /** Every proxy enabled, every toxic removed. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      proxy.removeAllToxics();
      await proxy.start();
    }
  }

  /** Stops every listener and connection (server shutdown). */
  async closeAll(): Promise<void> {
    this.closed = true;
    const proxies = this.all();
    this.proxies.clear();
    await Promise.all(proxies.map((p) => p.stop()));
  }
}
