import { Worker } from 'node:worker_threads';

export interface TruthRecord {
  id: number;
  /** epoch ms (performance.timeOrigin + performance.now()) */
  received: number;
  headers: number;
  writes: Array<{ at: number; events: number }>;
}

export interface ScheduledServer {
  url: string;
  truth(): Promise<TruthRecord[]>;
  close(): Promise<void>;
}

export interface Schedule {
  ttftMs?: number;
  intervalMs?: number;
  events?: number;
  eventsPerWrite?: number;
  /** the server-side request number to stall, and for how long before its headers */
  stallSeq?: number;
  stallMs?: number;
}

/** Starts the fixture SSE server in its own thread; the test owns its schedule. */
export async function startScheduledServer(schedule: Schedule): Promise<ScheduledServer> {
  const worker = new Worker(new URL('../fixtures/scheduled-sse-server.mjs', import.meta.url), { workerData: schedule });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    truth: () =>
      new Promise((resolve) => {
        worker.once('message', (m: { truth: TruthRecord[] }) => resolve(m.truth));
        worker.postMessage('truth');
      }),
    close: async () => {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('close');
      await exited;
    },
  };
}

/** Epoch ms of a main-thread performance.now() stamp, comparable with the server's truth. */
export const epoch = (t: number): number => performance.timeOrigin + t;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
