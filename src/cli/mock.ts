/** `llm-bench mock`: serve the built-in OpenAI-compatible mock in this process. */
import { startMockServer, type MockServerOptions } from '../mock/server.js';
import type { MockOptions } from '../types.js';

export interface MockCommandOptions {
  port: number;
  host: string;
  seed?: number;
  ttftMedian?: number;
  ttftP99?: number;
  tokensPerSecond?: number;
  /** from --config: a scenario-style mock section */
  config?: MockOptions;
}

export async function mockCommand(
  opts: MockCommandOptions,
  io: { out(s: string): void },
): Promise<{ close(): Promise<void> }> {
  const serverOpts: MockServerOptions = { ...opts.config, port: opts.port, host: opts.host };
  if (opts.seed !== undefined) serverOpts.seed = opts.seed;
  if (opts.tokensPerSecond !== undefined) serverOpts.tokensPerSecond = opts.tokensPerSecond;
  if (opts.ttftMedian !== undefined || opts.ttftP99 !== undefined) {
    const median = opts.ttftMedian ?? (opts.ttftP99 !== undefined ? Math.min(200, opts.ttftP99) : 200);
    // p99 defaults to 3x the median, like the built-in 200/600 ms profile.
    const p99 = opts.ttftP99 ?? median * 3;
    serverOpts.ttft = { median, p99 };
  }
  const handle = await startMockServer(serverOpts);
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  io.out(`llm-bench mock listening on http://${host}:${handle.port}/v1`);
  return { close: () => handle.close() };
}
