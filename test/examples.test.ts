/**
 * The distributed-run examples stay in step with the CLI: valid YAML, shard counts that agree
 * with the job sizes, and only commands and flags llm-bench has.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, runCli } from './helpers/cli.js';

const read = (f: string): string => readFileSync(path.join(ROOT, 'examples', f), 'utf8');

describe('examples', () => {
  it('kubernetes: an Indexed Job whose completions match --shard i/N, and a merge job', () => {
    const job = parse(read('kubernetes/shards-job.yaml'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const script: string = job.spec.template.spec.containers[0].args[0];
    const n = Number(/--shard "\$i\/(\d+)"/.exec(script)?.[1]);
    expect(n).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBe(n);
    expect(script).toMatch(/JOB_COMPLETION_INDEX \+ 1/);
    const merge = parse(read('kubernetes/merge-job.yaml'));
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/llm-bench\.js merge \/results\/shard-\* -o \S+ --report/);
    for (const d of parseAllDocuments(read('kubernetes/results-pvc.yaml'))) expect(d.errors).toEqual([]);
    execFileSync('bash', ['-n', path.join(ROOT, 'examples/kubernetes/run.sh')]);
  });

  it('github actions: the matrix covers every shard of --shard i/N and a merge job gates', () => {
    const wf = parse(read('github-actions/sharded-load-test.yml'));
    const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
    const run: string = wf.jobs.shard.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    const n = Number(/--shard \$\{\{ matrix\.shard \}\}\/(\d+)/.exec(run)?.[1]);
    expect(shards).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(run).toMatch(/--start-at \$\{\{ needs\.plan\.outputs\.start \}\}/);
    const merge: string = wf.jobs.merge.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(merge).toMatch(/npx llm-bench merge shards\/\*\/results\.json -o merged\/results\.json --report/);
  });

  it('the flags the examples use are flags the CLI has', async () => {
    const runHelp = (await runCli(['run', '--help'])).stdout;
    for (const flag of ['--shard', '--start-at', '--out', '--quiet', '--workers']) expect(runHelp).toContain(flag);
    const mergeHelp = (await runCli(['merge', '--help'])).stdout;
    for (const flag of ['--out', '--report']) expect(mergeHelp).toContain(flag);
  });
});
