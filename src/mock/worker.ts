/**
 * Worker-thread entry: runs the mock server on its own event loop so it never competes
 * with the load generator. Protocol with the parent (see in-process.ts):
 *   worker → parent  {type:'listening', port, url} once, or {type:'error', message}
 *   parent → worker  {type:'close'}: close the server, then the worker exits.
 *   parent → worker  {type:'setFaults', id, specs} → worker → parent {type:'faultsSet', id, error?}
 *                    once the faults are in force (error: why they were refused).
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { FaultSpec } from './faults.js';
import { startMockServer, type MockServerOptions } from './server.js';

export type FromWorker =
  | { type: 'listening'; port: number; url: string }
  | { type: 'error'; message: string }
  | { type: 'faultsSet'; id: number; error?: string };
export type ToWorker = { type: 'close' } | { type: 'setFaults'; id: number; specs: FaultSpec[] };

async function run(port: MessagePort, opts: MockServerOptions): Promise<void> {
  let handle;
  try {
    handle = await startMockServer(opts);
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message } satisfies FromWorker);
    port.close();
    return;
  }
  const server = handle;
  port.on('message', (msg: ToWorker) => {
    if (msg?.type === 'setFaults') {
      server.setFaults(msg.specs).then(
        () => port.postMessage({ type: 'faultsSet', id: msg.id } satisfies FromWorker),
        (err: Error) => port.postMessage({ type: 'faultsSet', id: msg.id, error: err.message } satisfies FromWorker),
      );
      return;
    }
    if (msg?.type !== 'close') return;
    server.close().finally(() => port.close());
  });
  port.postMessage({ type: 'listening', port: server.port, url: server.url } satisfies FromWorker);
}

if (!isMainThread && parentPort !== null) {
  void run(parentPort, (workerData ?? {}) as MockServerOptions);
}
