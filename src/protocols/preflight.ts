/**
 * Before a run against a real endpoint: can we open a connection at all? A refused or
 * silent target ends the run before anything is written (exit code 3).
 */
import net from 'node:net';
import { TargetUnreachableError } from '../errors.js';

export async function checkReachable(baseUrl: string, timeoutMs = 5000, where = 'target.url'): Promise<void> {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(
        new TargetUnreachableError(`cannot reach ${url.origin} (${reason})`, {
          where,
          hint: 'start the server, or check target.url / --target-url (use target.kind: mock for the built-in mock)',
        }),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}
