/**
 * `llm-bench merge` as a CI job runs it: the compiled CLI on results files and run directories.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../src/metrics/results.js';
import { runCli, tempProject } from './helpers/cli.js';
import { sampleResults, type SampleOptions } from './helpers/results.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** One shard's results (203 requests), started `offsetMs` after the first. */
function shard(index: number, count: number, opts: SampleOptions & { host?: string; offsetMs?: number } = {}): Results {
  const r = sampleResults(opts);
  const shift = (iso: string): string => new Date(Date.parse(iso) + (opts.offsetMs ?? 0)).toISOString();
  r.meta.startedAt = shift(r.meta.startedAt);
  r.meta.endedAt = shift(r.meta.endedAt);
  r.meta.host = opts.host ?? `runner-${index}`;
  r.meta.shard = { index, count };
  return r;
}

const PASSING = { thresholds: { ttft: ['p95 < 10s'], errorRate: ['< 5%'] } };

function project(files: Record<string, Results | string>) {
  const p = tempProject(Object.fromEntries(Object.entries(files).map(([name, r]) => [name, typeof r === 'string' ? r : JSON.stringify(r)])));
  cleanups.push(p.cleanup);
  return p;
}

const noStack = (stderr: string): void => expect(stderr).not.toMatch(/\n\s+at /);

describe('llm-bench merge', () => {
  it('merges shards into one results.json and exits 0 when the thresholds pass', async () => {
    const p = project({ 'a.json': shard(1, 2, { ...PASSING, host: 'ci-a' }), 'b.json': shard(2, 2, { ...PASSING, host: 'ci-b', offsetMs: 1000 }) });
    const out = path.join(p.dir, 'merged.json');
    const r = await runCli(['merge', 'a.json', 'b.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('merged 2 shards of 2: 406 requests from 2 hosts (ci-a, ci-b) → merged.json');
    expect(lines[0]).toContain('thresholds: all 2 passed');

    const merged = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(merged.meta.mergedFrom).toBe(2);
    expect(merged.meta.shard).toBeUndefined();
    expect(merged.meta.host).toBe('ci-a,ci-b');
    expect(merged.meta.durationMs).toBe(11_000);
    expect(merged.counts.requests).toBe(406);
    expect(merged.counts.dropped).toBe(2);
    expect(merged.metrics.ttft!.all!.count).toBe(400);
    expect(merged.thresholds.map((v) => [v.metric, v.pass])).toEqual([
      ['ttft', true],
      ['errorRate', true],
    ]);
    expect(existsSync(path.join(p.dir, 'report.html'))).toBe(false);
    // the merged file is itself a valid input
    const again = await runCli(['report', 'merged.json'], { cwd: p.dir });
    expect(again.code).toBe(0);
  });

  it('exits 1 when a re-evaluated threshold fails, after writing the merged results', async () => {
    const p = project({ 'a.json': shard(1, 2), 'b.json': shard(2, 2) });
    const r = await runCli(['merge', 'a.json', 'b.json', '--out', 'merged.json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    // e2e fails on its values, connect on having none (this sample never connects)
    expect(r.stdout.trim()).toBe('merged 2 shards of 2: 406 requests from 2 hosts (runner-1, runner-2) → merged.json; thresholds: 2 of 4 failed (e2e: p99 < 50ms, connect: p95 < 5ms)');
    const merged = JSON.parse(readFileSync(path.join(p.dir, 'merged.json'), 'utf8')) as Results;
    expect(merged.thresholds.some((v) => !v.pass)).toBe(true);
  });

  it('reads run directories and writes the report and CI files with --report', async () => {
    const p = project({});
    for (const [i, name] of ['shard-1-of-2', 'shard-2-of-2'].entries()) {
      mkdirSync(path.join(p.dir, name));
      writeFileSync(path.join(p.dir, name, 'results.json'), JSON.stringify(shard(i + 1, 2, PASSING)));
    }
    const r = await runCli(['merge', 'shard-1-of-2', 'shard-2-of-2/', '-o', 'all/results.json', '--report'], { cwd: p.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['results.json', 'report.html', 'junit.xml', 'summary.md', 'results.hlog', 'ttft.hgrm']) {
      expect(existsSync(path.join(p.dir, 'all', f)), f).toBe(true);
    }
    expect(r.stdout).toContain('→ all/results.json (+ report.html and the CI files)');
  });

  it('exits 2 with one clear message and writes nothing for a file that is not results', async () => {
    const p = project({ 'a.json': shard(1, 2, PASSING), 'broken.json': '{"meta": {"tool": "llm-bench"' });
    const r = await runCli(['merge', 'a.json', 'broken.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^llm-bench: broken\.json: not valid JSON/);
    noStack(r.stderr);
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(false);

    const missing = await runCli(['merge', 'a.json', 'nope.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json: cannot read results: no such file');
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(false);
  });

  it('exits 2 for parts of different runs, naming the file, unless --allow-mismatch', async () => {
    const other = shard(2, 2, PASSING);
    other.meta.scenarioHash = 'fff000';
    const p = project({ 'a.json': shard(1, 2, PASSING), 'b.json': other });
    const r = await runCli(['merge', 'a.json', 'b.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('llm-bench: b.json: scenarioHash "fff000" differs from a.json\'s "abc123"');
    expect(r.stderr).toContain('--allow-mismatch');
    noStack(r.stderr);
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(false);

    const forced = await runCli(['merge', 'a.json', 'b.json', '-o', 'merged.json', '--allow-mismatch'], { cwd: p.dir });
    expect(forced.code).toBe(0);
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(true);
  });

  it('exits 2 on an incomplete shard set, saying which shards are missing', async () => {
    const p = project({ 'a.json': shard(1, 3, PASSING), 'c.json': shard(3, 3, PASSING) });
    const r = await runCli(['merge', 'a.json', 'c.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('incomplete shard set: missing 2/3 (got 1/3, 3/3)');
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(false);

    const partial = await runCli(['merge', 'a.json', 'c.json', '-o', 'merged.json', '--allow-mismatch'], { cwd: p.dir });
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('partial — merged 2 of 3 shards (missing 2/3)');
    const merged = JSON.parse(readFileSync(path.join(p.dir, 'merged.json'), 'utf8')) as Results;
    expect(merged.meta.partial).toBe(true);
  });

  it('exits 2 for fewer than two inputs, the same input twice, or no --out', async () => {
    const p = project({ 'a.json': shard(1, 2, PASSING), 'b.json': shard(2, 2, PASSING) });
    const one = await runCli(['merge', 'a.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two');
    const twice = await runCli(['merge', 'a.json', './a.json', '-o', 'merged.json'], { cwd: p.dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('given twice');
    const noOut = await runCli(['merge', 'a.json', 'b.json'], { cwd: p.dir });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out');
    const overwrite = await runCli(['merge', 'a.json', 'b.json', '-o', 'a.json'], { cwd: p.dir });
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toContain('overwrite');
    expect(existsSync(path.join(p.dir, 'merged.json'))).toBe(false);
  });
});
