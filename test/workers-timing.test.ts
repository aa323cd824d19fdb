/**
 * --workers 2 measures what one process measures: against a server whose schedule the test
 * controls, the merged TTFT / E2E / ITL medians of two worker threads match the server's log.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../src/metrics/results.js';
import { runScenarioFile } from '../src/run/run-scenario.js';
import { tempProject, TINY_DATASET } from './helpers/cli.js';
import { median, startScheduledServer, type ScheduledServer } from './helpers/scheduled-server.js';

let server: ScheduledServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const project = tempProject({ 'prompts.jsonl': TINY_DATASET });
afterAll(() => project.cleanup());

describe('--workers 2 against a known schedule', () => {
  it('merged TTFT, E2E and ITL medians match the server within a loopback round trip', async () => {
    // 40 streams: two client threads and the server's thread share this machine's 2 cores, and
    // at 80 the three contend for them (medians then differ by up to 4 ms, from either side).
    // 100 ms to the first content write, then a write every 10 ms carrying 2 events each.
    server = await startScheduledServer({ ttftMs: 100, intervalMs: 10, events: 20, eventsPerWrite: 2 });
    project.write(
      'scenario.yaml',
      `name: workers-timing
target: { kind: url, url: ${server.url}, model: gpt-4o-mini, apiKeyEnv: LLM_BENCH_TEST_NO_KEY }
dataset: { file: prompts.jsonl }
load:
  maxInFlight: 200
  phases:
    - { name: c, duration: 3s, concurrency: 40 }
`,
    );
    const out = path.join(project.dir, 'out');
    const { results } = await runScenarioFile({ file: path.join(project.dir, 'scenario.yaml'), overrides: { out }, workers: 2 });
    const r = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Results;
    expect(r.meta.workers).toBe(2);
    expect(results.counts.requests).toBeGreaterThan(300);
    expect(results.counts.failed).toBe(0);

    // The server's log: every streamed request (the calibration's few GETs read the same stream).
    const truth = (await server.truth()).filter((t) => t.writes.reduce((n, w) => n + w.events, 0) === 20);
    const serverTtft = median(truth.map((t) => t.writes[0]!.at - t.received));
    const serverE2e = median(truth.map((t) => t.writes.at(-1)!.at - t.received));
    expect(serverTtft).toBeGreaterThan(99);
    // The client's figures run from its send, the server's from its read of the request, so the
    // client's are longer by the request's way in and the answer's way out (0.5–1.4 ms measured).
    for (const [client, server] of [[r.metrics.ttft!.all!.p50, serverTtft], [r.metrics.e2e!.all!.p50, serverE2e]]) {
      expect(client! - server!).toBeGreaterThan(-0.5);
      expect(client! - server!).toBeLessThan(5);
    }
    // events in one write arrive together (gap 0); writes are 10 ms apart
    const serverItl = truth.flatMap((t) => t.writes.flatMap((w, i) => Array.from({ length: w.events }, (_, e) => (e > 0 ? 0 : i === 0 ? null : w.at - t.writes[i - 1]!.at)))).filter((x): x is number => x !== null);
    expect(Math.abs(r.metrics.itl!.all!.p50 - median(serverItl))).toBeLessThan(2);
    expect(Math.abs(r.metrics.itl!.all!.p90 - 10)).toBeLessThan(2);
  }, 60_000);
});
