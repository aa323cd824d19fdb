import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epochNow, readTruthLog, TruthLog, type TruthEntry } from './truth-log.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'llm-bench-truth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(i: number): TruthEntry {
  const arrived = epochNow();
  return {
    requestId: `req_${i.toString(16).padStart(32, '0')}`,
    index: i,
    api: i % 2 ? 'chat' : 'responses',
    model: 'gpt-4o',
    status: i % 7 === 0 ? 429 : 200,
    fault: i % 7 === 0 ? 'status:429:rate_limit_exceeded' : null,
    arrived,
    headers: i % 7 === 0 ? null : arrived + 0.125,
    firstToken: i % 7 === 0 ? null : arrived + 200.5,
    lastToken: i % 7 === 0 ? null : arrived + 1000.25,
    end: arrived + 1001,
  };
}

describe('TruthLog', () => {
  it('epochNow is epoch ms with sub-ms precision', () => {
    const a = epochNow();
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
    expect(epochNow()).toBeGreaterThanOrEqual(a);
  });

  it('writes entries and reads them back equal; creates parent dirs', async () => {
    const file = join(dir, 'a', 'b', 'truth.jsonl');
    const log = TruthLog.open(file);
    const entries = [entry(0), entry(1), entry(2)];
    for (const e of entries) log.record(e);
    await log.close();
    await log.close(); // idempotent
    expect(await readTruthLog(file)).toEqual(entries);
    log.record(entry(3)); // after close: ignored, no throw
    expect(await readTruthLog(file)).toHaveLength(3);
  });

  it('appends to an existing file', async () => {
    const file = join(dir, 'append.jsonl');
    const first = TruthLog.open(file);
    first.record(entry(0));
    await first.close();
    const second = TruthLog.open(file);
    second.record(entry(1));
    await second.close();
    expect((await readTruthLog(file)).map((e) => e.index)).toEqual([0, 1]);
  });

  it('flushes on its timer without close', async () => {
    const file = join(dir, 'timer.jsonl');
    const log = TruthLog.open(file);
    const e = entry(5);
    log.record(e);
    let got: TruthEntry[] = [];
    const deadline = Date.now() + 2000;
    while (got.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      got = await readTruthLog(file);
    }
    expect(got).toEqual([e]);
    await log.close();
  });

  it('round-trips 10 000 entries in order', async () => {
    const file = join(dir, 'many.jsonl');
    const log = TruthLog.open(file);
    const entries = Array.from({ length: 10_000 }, (_, i) => entry(i));
    for (let i = 0; i < entries.length; i++) {
      log.record(entries[i] as TruthEntry);
      if (i % 2500 === 0) await new Promise((r) => setTimeout(r, 110)); // let some timer flushes interleave
    }
    await log.close();
    const back = await readTruthLog(file);
    expect(back).toHaveLength(10_000);
    expect(back).toEqual(entries);
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(10_001);
  });

  it('snapshots an entry at record time', async () => {
    const file = join(dir, 'snapshot.jsonl');
    const log = TruthLog.open(file);
    const e = entry(1);
    log.record(e);
    e.status = 999;
    await log.close();
    expect((await readTruthLog(file))[0]?.status).toBe(200);
  });

  it('open fails synchronously when the path is unusable', () => {
    expect(() => TruthLog.open(join(dir, 'a', 'b', 'truth.jsonl', 'x.jsonl'))).toThrow();
  });
});
