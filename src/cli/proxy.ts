/** `llm-bench proxy`: serve the embedded Toxiproxy-compatible server in this process. */
import { startToxiproxyServer } from '../chaos/toxiproxy/server.js';
import { UserError } from '../errors.js';

export async function proxyCommand(
  opts: { port: number; host: string; seed?: number },
  io: { out(s: string): void },
): Promise<{ close(): Promise<void> }> {
  const handle = await startToxiproxyServer(opts).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      const inUse = err.code === 'EADDRINUSE';
      throw new UserError(`cannot listen on ${opts.host}:${opts.port} (${err.code})`, {
        where: err.code === 'EADDRNOTAVAIL' ? '--host' : '--port',
        ...(inUse ? { hint: 'another process (perhaps toxiproxy-server) uses that port; pick another with --port' } : {}),
      });
    }
    throw err;
  });
  io.out(`llm-bench proxy (Toxiproxy API) listening on ${handle.url}`);
  return { close: () => handle.close() };
}
