import { UserError } from '../errors.js';
import type { CliIo } from './main.js';
import { loadMockConfig } from '../scenario/load-mock-config.js';
import { mockCommand } from './mock.js';

export function integerFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`${flag} needs an integer from ${min} to ${max}, got "${value}"`, { where: flag });
  }
  return n;
}

/** Serves the mock in this process until SIGINT or SIGTERM. */
export async function serveMock(flags: { port: string; host: string; seed?: string; config?: string }, io: CliIo): Promise<number> {
  const seed = flags.seed === undefined ? undefined : integerFlag('--seed', flags.seed, 0, 2 ** 32 - 1);
  const config = flags.config === undefined ? undefined : await loadMockConfig(flags.config, seed ?? 0);
  const handle = await mockCommand(
    { port: integerFlag('--port', flags.port, 0, 65535), host: flags.host, ...(seed === undefined ? {} : { seed }), ...(config ? { config } : {}) },
    { out: io.out },
  );
  await untilSignal();
  await handle.close();
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
