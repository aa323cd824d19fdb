import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens (port 0 = a free one) and resolves with the port and the host as a URL spells it. */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; urlHost: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, urlHost: host.includes(':') ? `[${host}]` : host };
}
