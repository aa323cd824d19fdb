/**
 * Chaos on the run's timeline: the shipped scenario (shortened) shows each episode's effect,
 * and an interrupted run leaves nothing behind on the Toxiproxy server it used.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startToxiproxyServer } from '../src/chaos/toxiproxy/server.js';
import { runScenario } from '../src/run/run-scenario.js';
import { parseScenario } from '../src/scenario/load.js';
import { ROOT } from './helpers/cli.js';
import { makeTempDir } from './helpers/temp-dir.js';

describe('scenarios/chaos.yaml (shortened to 30 s)', () => {
  it('stamps every episode and shows its effect in the results', async () => {
    const tmp = makeTempDir();
    try {
      const file = path.join(ROOT, 'scenarios/chaos.yaml');
      const scenario = parseScenario(readFileSync(file, 'utf8'), file, { duration: 30_000, out: tmp.dir }, { cwd: ROOT, now: new Date() });
      const r = (await runScenario(scenario, {})).results;
      const episodes = r.chaos!.episodes;
      expect(r.chaos!.toxiproxy).toBe('embedded');
      expect(episodes.map((e) => e.name)).toEqual(['slow-network', 'resets', 'outage', 'throttled', 'overloaded', 'cut-streams']);
      const planned = scenario.chaos!.episodes;
      episodes.forEach((e, i) => {
        expect(Math.abs(e.start - planned[i]!.at)).toBeLessThan(300);
        expect(Math.abs(e.end! - (planned[i]!.at + planned[i]!.for))).toBeLessThan(300);
        expect(e.error).toBeUndefined();
      });
      const ttft = r.metrics.ttft!;
      // a 200 ms latency toxic on the responses shifts TTFT by ~200 ms
      expect(ttft['episode=slow-network']!.p50 - ttft['episode=none']!.p50).toBeGreaterThan(150);
      expect(ttft['episode=slow-network']!.p50 - ttft['episode=none']!.p50).toBeLessThan(300);
      const failed = (name: string) => r.counts.byLabel[`episode=${name}`]!;
      expect(failed('outage').failed).toBeGreaterThan(0);
      expect(r.counts.byClass.network).toBeGreaterThan(0);
      expect(r.counts.byClass.http_429).toBeGreaterThan(0);
      expect(r.counts.byClass.http_5xx).toBeGreaterThan(0);
      expect(r.counts.byClass.stream_cut).toBeGreaterThan(0);
      // Outside the episodes almost nothing fails: only after-effects, such as a keep-alive
      // socket the outage killed that is picked up just after it.
      expect(failed('none').failed / failed('none').requests).toBeLessThan(0.03);
      expect(failed('outage').ok).toBe(0);
    } finally {
      tmp.cleanup();
    }
  }, 90_000);
});

describe('interrupted runs clean up', () => {
  it('SIGINT mid-episode: partial results, exit 130, and no proxy or toxic left on the server', async () => {
    const server = await startToxiproxyServer({ port: 0 });
    const tmp = makeTempDir();
    try {
      tmp.write('prompts.jsonl', '{"prompt":"Say hi."}\n');
      tmp.write(
        's.yaml',
        `name: interrupted
target: { kind: mock }
dataset: { file: prompts.jsonl, maxOutputTokens: 8 }
load: { phases: [{ name: p, duration: 60s, arrival: constant, rate: 5 }] }
mock: { ttft: { median: 10ms }, tokensPerSecond: 0 }
chaos:
  toxiproxy: { url: ${server.url} }
  episodes:
    - { at: 500ms, for: 50s, toxic: { type: latency, attributes: { latency: 100 } } }
output: { dir: out }
`,
      );
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/llm-bench.js'), 'run', 's.yaml'], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // wait until the run's proxy carries its toxic
      const proxies = async () => (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const all = Object.values(await proxies());
        if (all.length === 1 && all[0]!.toxics.length === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(Object.values(await proxies())[0]?.toxics.length).toBe(1);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(await proxies()).toEqual({});
      const results = JSON.parse(readFileSync(path.join(tmp.dir, 'out/results.json'), 'utf8'));
      expect(results.meta.partial).toBe(true);
      expect(results.counts.requests).toBeGreaterThan(0);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await server.close();
      tmp.cleanup();
    }
  }, 60_000);
});
