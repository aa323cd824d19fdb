/** Bad --workers / --shard / --start-at values: one clear message, exit 2, nothing written. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseShard, parseStartAt } from '../src/cli/run.js';
import { runCli, tempProject, TINY_DATASET } from './helpers/cli.js';

const project = tempProject({
  'scenario.yaml': `name: flags
target: { kind: mock, model: gpt-4o-mini }
dataset: { file: prompts.jsonl }
load:
  phases:
    - { duration: 1s, rate: 2 }
`,
  'prompts.jsonl': TINY_DATASET,
});
afterAll(() => project.cleanup());

describe('run flags for scale', () => {
  it.each([
    [['--workers', '0'], /--workers needs a whole number ≥ 1 or auto, got "0"/],
    [['--workers', '1.5'], /--workers needs a whole number/],
    [['--shard', '5/4'], /--shard: '5\/4' is not a shard/],
    [['--shard', '0/4'], /--shard: '0\/4' is not a shard/],
    [['--start-at', 'tomorrow'], /--start-at: 'tomorrow' is not a time/],
    [['--start-at', '2099-01-01T00:00:00Z'], /--start-at: 2099-01-01T00:00:00.000Z is \d+\.\d h from now/],
  ])('%j → exit 2, one message, no output', async (flags, message) => {
    const out = path.join(project.dir, `out-${flags.join('')}`.replace(/[^\w-]/g, '_'));
    const r = await runCli(['run', 'scenario.yaml', '--out', out, '--quiet', ...flags], { cwd: project.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('parses shards and start times', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    const now = Date.UTC(2026, 10, 30, 8);
    expect(parseStartAt('2026-11-30T09:00:00Z', now)).toBe(Date.UTC(2026, 10, 30, 9));
    expect(parseStartAt('1790000000000', now)).toBe(1_790_000_000_000);
    // up to a day ahead is a wait; further is a typo
    expect(parseStartAt('2026-12-01T08:00:00Z', now)).toBe(Date.UTC(2026, 11, 1, 8));
    expect(() => parseStartAt('2026-12-01T08:00:01Z', now)).toThrow(/24\.0 h from now/);
  });

  it('a start time already passed starts at once and says how far behind', async () => {
    const out = path.join(project.dir, 'out-late');
    const late = new Date(Date.now() - 30_000).toISOString();
    const r = await runCli(['run', 'scenario.yaml', '--out', out, '--start-at', late], { cwd: project.dir });
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/--start-at \S+ passed 3\d\.\d s ago; this run starts now/);
  });
});
