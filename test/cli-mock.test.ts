/**
 * `llm-bench mock` as its own process: config file, a real request, a clean stop, bad input.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempProject } from './helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('llm-bench mock', () => {
  it('serves with a config file (rate limits on) until SIGINT', async () => {
    const p = tempProject({ 'mock.yaml': 'ttft: { median: 5ms }\ntokensPerSecond: 0\nrateLimits: { rpm: 100 }\n' });
    cleanups.push(p.cleanup);
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/llm-bench.js'), 'mock', '--port', '0', '--config', 'mock.yaml'], {
      cwd: p.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(String(d));
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const res = await request(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 3 }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-ratelimit-limit-requests']).toBe('100');
    expect(res.headers['x-ratelimit-remaining-requests']).toBe('99');
    await res.body.text();
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('a bad config is exit 2 with file:line:col', async () => {
    const p = tempProject({ 'mock.yaml': 'ttft: { median: 5ms }\nrateLimit: { rpm: 100 }\n' });
    cleanups.push(p.cleanup);
    const res = await runCli(['mock', '--port', '0', '--config', 'mock.yaml'], { cwd: p.dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/mock\.yaml:2:1/);
    expect(res.stderr).toMatch(/rateLimits/);
  });
});
