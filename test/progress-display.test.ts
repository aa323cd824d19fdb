/**
 * The live progress display as a user sees it: the real CLI on a pseudo-terminal (one line
 * redrawn in place, cleared before the summary), through plain pipes (complete `llm-bench: `
 * lines, no control characters) and with --quiet (nothing). Timing on a shared machine is
 * noisy, so frame counts are only checked against minimums.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { progressView } from '../src/cli/progress.js';
import type { ProgressSnapshot } from '../src/run/progress.js';
import { runCli, tempProject, TINY_DATASET } from './helpers/cli.js';
import { ptyUnavailable, renderTerminal, runCliInPty } from './helpers/pty.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** 5 s at 4 req/s on a fast mock: five progress ticks, about 20 short requests. */
const SCENARIO = `name: progress
seed: 3
target:
  kind: mock
  model: gpt-4o-mini
  timeout: 10s
dataset:
  file: prompts.jsonl
  maxOutputTokens: 16
load:
  maxInFlight: 64
  phases:
    - { name: steady, duration: 5s, arrival: constant, rate: 4 }
mock:
  ttft: { median: 20ms, p99: 60ms }
  tokensPerSecond: 400
thresholds:
  errorRate: ["< 1%"]
output:
  dir: out
`;

function project(): { dir: string; out: string } {
  const p = tempProject({ 'scenario.yaml': SCENARIO, 'prompts.jsonl': TINY_DATASET });
  cleanups.push(p.cleanup);
  return { dir: p.dir, out: path.join(p.dir, 'results') };
}

const CLEAR = '\r\x1b[2K';
/** One status line; on a narrow terminal its end may be cut, never its start. */
const FRAME = /^(\d+)s\/(\d+)s steady(?: · CLIENT SATURATED)? · \d+\.\d req\/s · in flight \d+ · ttft p95 (\d+ms|–)/;
const SUMMARY_HEAD = 'progress — gpt-4o-mini via chat at ';

/** The texts drawn after each "clear the line" (the frames), without the empty final clear. */
function frames(output: string): string[] {
  return output
    .split(CLEAR)
    .slice(1)
    .map((s) => s.split(/[\r\n\x1b]/)[0]!)
    .filter((s) => s.length > 0 && !s.startsWith(SUMMARY_HEAD));
}

const reason = ptyUnavailable();
if (reason) console.warn(`progress-display: pseudo-terminal tests skipped: ${reason}`);

describe.skipIf(reason !== null)(`progress on a terminal${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('redraws one line in place every second and clears it before the summary', { timeout: 60_000 }, async () => {
    const { dir, out } = project();
    const cols = 80;
    const res = await runCliInPty(['run', 'scenario.yaml', '--out', out], { cwd: dir, cols });
    const context = `pty output:\n${JSON.stringify(res.output)}`;
    expect(res.code, context).toBe(0);
    expect(existsSync(path.join(out, 'results.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')).counts.requests).toBeGreaterThan(0);

    // at least three redraws, each "\r ESC[2K" + the status, elapsed/planned first
    const drawn = frames(res.output);
    expect(drawn.length, context).toBeGreaterThanOrEqual(3);
    const elapsed = drawn.map((f) => {
      const m = FRAME.exec(f);
      expect(m, `frame ${JSON.stringify(f)}`).not.toBeNull();
      expect(m![2]).toBe('5');
      // never as wide as the terminal: a line that wrapped could not be redrawn in place
      expect(f.length, `frame ${JSON.stringify(f)}`).toBeLessThan(cols);
      return Number(m![1]);
    });
    elapsed.forEach((s, i) => i > 0 && expect(s, `elapsed ${elapsed.join(',')}`).toBeGreaterThanOrEqual(elapsed[i - 1]!));
    expect(elapsed.at(-1)!, `elapsed ${elapsed.join(',')}`).toBeGreaterThan(elapsed[0]!);
    // a frame is a redraw, not a new line: no newline between one frame and the next
    expect(res.output).toMatch(/ttft p95 [^\n]*\r\x1b\[2K\d+s\/5s/);

    // the live line is cleared right before the summary, and never drawn again after it
    const head = res.output.indexOf(SUMMARY_HEAD);
    expect(head, context).toBeGreaterThan(0);
    expect(res.output.slice(head - CLEAR.length, head)).toBe(CLEAR);
    expect(res.output.slice(head)).not.toContain('\x1b[2K');
    expect(res.output.slice(head)).not.toMatch(/req\/s · in flight/);

    // and the screen the user is left with: the start line, then the summary on a clean line
    const screen = renderTerminal(res.output, cols);
    const at = screen.findIndex((l) => l.startsWith(SUMMARY_HEAD));
    expect(at, screen.join('\n')).toBeGreaterThan(0);
    expect(screen[at - 1]).toMatch(/^llm-bench: progress → http:\/\/127\.0\.0\.1:\d+\/v1 \(mock\), 1 phases, 5 s planned$/);
    expect(screen[at]).toMatch(/^progress — gpt-4o-mini via chat at http:\/\/127\.0\.0\.1:\d+\/v1 \(mock\)$/);
    expect(screen.filter((l) => /req\/s · in flight|steady ·/.test(l)), screen.join('\n')).toEqual([]);
    expect(screen.some((l) => /^requests \d+ {2}ok \d+ {2}failed 0/.test(l))).toBe(true);
    expect(screen.some((l) => l.startsWith(`results: ${out} (results.json`))).toBe(true);
  });

  it('shows the whole status on a pty without a size (columns 0), not 20 characters of it', { timeout: 60_000 }, async () => {
    const { dir, out } = project();
    const res = await runCliInPty(['run', 'scenario.yaml', '--out', out, '--duration', '3s'], { cwd: dir });
    expect(res.code, JSON.stringify(res.output)).toBe(0);
    const drawn = frames(res.output);
    expect(drawn.length, JSON.stringify(res.output)).toBeGreaterThanOrEqual(1);
    for (const f of drawn) {
      // 100 columns assumed: the whole status (the end cut only when CLIENT SATURATED makes it longer)
      expect(f).toMatch(FRAME);
      expect(f).toMatch(/ · \d+ sent, \d+ failed, \d+ d/);
      expect(f.length).toBeLessThan(100);
    }
  });

  it('--quiet draws nothing but still prints the summary', { timeout: 60_000 }, async () => {
    const { dir, out } = project();
    const res = await runCliInPty(['run', 'scenario.yaml', '--out', out, '--duration', '3s', '--quiet'], { cwd: dir, cols: 100 });
    expect(res.code, JSON.stringify(res.output)).toBe(0);
    expect(res.output).not.toContain('\x1b[2K');
    expect(res.output).not.toMatch(/req\/s · in flight/);
    expect(frames(res.output)).toEqual([]);
    expect(res.output).toContain(SUMMARY_HEAD);
    expect(res.output).toMatch(/requests \d+ {2}ok \d+/);
    expect(res.output).toContain(`results: ${out} (results.json`);
    expect(existsSync(path.join(out, 'results.json'))).toBe(true);
  });
});

describe('progress off a terminal', () => {
  it('writes complete plain lines to stderr, no carriage returns or escape sequences', { timeout: 60_000 }, async () => {
    const { dir, out } = project();
    const res = await runCli(['run', 'scenario.yaml', '--out', out], { cwd: dir, env: { LLM_BENCH_PROGRESS_EVERY: '1000' } });
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(path.join(out, 'results.json'))).toBe(true);
    for (const text of [res.stdout, res.stderr]) {
      expect(text).not.toContain('\r');
      expect(text).not.toContain('\x1b');
    }
    expect(res.stderr.endsWith('\n')).toBe(true);
    const lines = res.stderr.split('\n').filter((l) => /req\/s/.test(l));
    expect(lines.length, res.stderr).toBeGreaterThanOrEqual(2);
    const elapsed = lines.map((l) => {
      expect(l).toMatch(/^llm-bench: \d+s\/5s steady(?: · CLIENT SATURATED)? · \d+\.\d req\/s · in flight \d+ · ttft p95 (\d+ms|–) · \d+ sent, \d+ failed, \d+ dropped$/);
      return Number(/^llm-bench: (\d+)s/.exec(l)![1]);
    });
    elapsed.forEach((s, i) => i > 0 && expect(s, res.stderr).toBeGreaterThan(elapsed[i - 1]!));
    expect(res.stdout).toContain(SUMMARY_HEAD);
  });
});

describe('progressView', () => {
  const snap = (elapsedMs: number, extra: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
    elapsedMs,
    plannedMs: 60_000,
    phase: 'steady',
    requests: 120,
    failed: 0,
    dropped: 0,
    inFlight: 3,
    requestsPerSecond: 4,
    ttftP95Ms: 42.4,
    saturated: false,
    ...extra,
  });
  const fakeStream = (isTTY: boolean, columns?: number) => {
    const writes: string[] = [];
    const stream = { isTTY, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
    return { stream, writes };
  };

  it('keeps the CLIENT SATURATED warning on a narrow terminal', () => {
    const { stream, writes } = fakeStream(true, 80);
    progressView(stream, false).update(snap(1000, { saturated: true }));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.startsWith(CLEAR)).toBe(true);
    expect(writes[0]).toContain('CLIENT SATURATED');
    expect(writes[0]!.length - CLEAR.length).toBeLessThan(80);
  });

  it('off a terminal, a line every 10 s by default even when snapshots arrive a few ms early', () => {
    const saved = process.env.LLM_BENCH_PROGRESS_EVERY;
    delete process.env.LLM_BENCH_PROGRESS_EVERY;
    try {
      const { stream, writes } = fakeStream(false);
      const view = progressView(stream, false);
      // ticks about once a second, alternately 3 ms early and late
      for (let s = 1; s <= 31; s++) view.update(snap(s * 1000 + (s % 2 ? 3 : -3)));
      expect(writes.map((w) => /^llm-bench: (\d+)s\//.exec(w)?.[1])).toEqual(['1', '11', '21', '31']);
      expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.LLM_BENCH_PROGRESS_EVERY;
      else process.env.LLM_BENCH_PROGRESS_EVERY = saved;
    }
  });

  it('--quiet writes nothing, on a terminal or not', () => {
    for (const tty of [true, false]) {
      const { stream, writes } = fakeStream(tty, 80);
      const view = progressView(stream, true);
      view.update(snap(1000));
      view.done();
      expect(writes).toEqual([]);
    }
  });
});
