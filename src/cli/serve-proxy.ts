import type { CliIo } from './main.js';
import { proxyCommand } from './proxy.js';
import { integerFlag, untilSignal } from './serve-mock.js';

/** Serves the embedded Toxiproxy-compatible server in this process until SIGINT or SIGTERM. */
export async function serveProxy(flags: { port: string; host: string }, io: CliIo): Promise<number> {
  const handle = await proxyCommand({ port: integerFlag('--port', flags.port, 0, 65535), host: flags.host }, { out: io.out });
  await untilSignal();
  await handle.close();
  return 0;
}
