/**
 * Starts the mock server in a worker thread (the scenario's `target.kind: mock` path), so
 * the mock never shares the load generator's event loop.
 */
import { Worker } from 'node:worker_threads';
import { validateFaults } from './faults.js';
import { resolveMockOptions, type MockServerOptions } from './options.js';
import type { MockServerHandle } from './server.js';
import type { FromWorker, ToWorker } from './worker.js';

/** How long close() waits for a clean exit before terminating the worker. */
const CLOSE_GRACE_MS = 5_000;

function spawnWorker(workerData: MockServerOptions): Worker {
  // From TypeScript sources (vitest) the compiled worker is used: `npm test` builds dist/ first.
  const file = import.meta.url.endsWith('.ts') ? '../../dist/mock/worker.js' : './worker.js';
  return new Worker(new URL(file, import.meta.url), { workerData });
}

export async function startMockInWorker(opts: MockServerOptions = {}): Promise<MockServerHandle> {
  // Validate here so bad options throw a UserError in the caller's thread.
  const resolved = resolveMockOptions(opts);
  const data: MockServerOptions = { ...resolved };
  if (opts.port !== undefined) data.port = opts.port;
  if (opts.host !== undefined) data.host = opts.host;

  const worker = spawnWorker(data);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const started = await new Promise<{ port: number; url: string }>((resolve, reject) => {
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`mock server worker crashed while starting: ${err.message}`, { cause: err }));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`mock server worker exited (code ${code}) before listening`));
    };
    const onMessage = (msg: FromWorker) => {
      cleanup();
      if (msg.type === 'listening') resolve({ port: msg.port, url: msg.url });
      else if (msg.type === 'error') reject(new Error(`mock server worker failed to start: ${msg.message}`));
    };
    const cleanup = () => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      worker.off('message', onMessage);
    };
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.on('message', onMessage);
  });

  // A later crash must not take the host process down; close() still resolves.
  worker.on('error', () => {});

  // setFaults round-trips: each resolves when the worker has the faults in force.
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  worker.on('message', (msg: FromWorker) => {
    if (msg.type !== 'faultsSet') return;
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error === undefined) p?.resolve();
    else p?.reject(new Error(`mock server worker refused the faults: ${msg.error}`));
  });
  void exit.then(() => {
    for (const p of pending.values()) p.reject(new Error('mock server worker exited before applying the faults'));
    pending.clear();
  });

  let closing: Promise<void> | undefined;
  return {
    url: started.url,
    port: started.port,
    async setFaults(specs) {
      // Invalid specs reject with a UserError from the caller's thread.
      const valid = validateFaults(specs, 'faults');
      if (exited || closing) throw new Error('mock server worker is closed');
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'setFaults', id, specs: valid } satisfies ToWorker);
      });
    },
    close() {
      closing ??= (async () => {
        if (exited) return;
        worker.postMessage({ type: 'close' } satisfies ToWorker);
        const grace = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
        await exit;
        clearTimeout(grace);
      })();
      return closing;
    },
  };
}
