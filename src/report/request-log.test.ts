import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, type TempDir } from '../../test/helpers/temp-dir.js';
import { newRecord, type RequestRecord } from '../record.js';
import { RequestLog, type RequestRow } from './request-log.js';

let tmp: TempDir | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  tmp?.cleanup();
  tmp = undefined;
});
const tempDir = (): string => (tmp = makeTempDir('llm-bench-reqlog-')).dir;

const T0 = 10_000.5;

/** A streamed success: sent 1 ms after intended, first token after `ttft`, `tokens` events `gap` apart. */
function okRecord(seq: number, intended: number, ttft = 120.25, tokens = 4, gap = 10): RequestRecord {
  const r = newRecord(seq, seq % 3, 0, intended);
  r.dispatched = intended + 0.5;
  r.sent = intended + 1;
  r.headers = r.sent + 50;
  r.tokenTimes = Array.from({ length: tokens }, (_, i) => r.sent + ttft + i * gap);
  r.firstToken = r.tokenTimes[0]!;
  r.lastToken = r.tokenTimes[tokens - 1]!;
  r.end = r.lastToken + 2;
  r.status = 200;
  r.usageInputTokens = 33;
  r.usageOutputTokens = tokens;
  r.requestId = `req_${seq}`;
  r.finishReason = 'stop';
  r.contentPieces = ['secret completion text'];
  return r;
}

const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);

describe('RequestLog', () => {
  it('writes one row per request with times relative to t0 and the metrics’ durations', async () => {
    const dir = tempDir();
    const log = await RequestLog.open(dir, undefined, T0);

    const ok = okRecord(7, T0 + 1000);
    log.write(ok, { outputTokens: 4, phase: 'steady', tenant: 'acme', episode: 'latency-spike' });

    const failed = newRecord(8, 1, 1, T0 + 2000.1234);
    failed.dispatched = failed.sent = T0 + 2001;
    failed.end = T0 + 2100;
    failed.status = 503;
    failed.errorClass = 'http_5xx';
    failed.errorMessage = `HTTP 503: ${'x'.repeat(500)}`;
    failed.attempts = 3;
    log.write(failed, { outputTokens: null, phase: 'spike' });

    const file = await log.close();
    expect(file).toBe(path.join(dir, 'requests.jsonl'));
    const rows = lines(file).map((l) => JSON.parse(l) as RequestRow);
    expect(rows).toHaveLength(2);

    const [a, b] = rows as [RequestRow, RequestRow];
    expect(a).toMatchObject({
      seq: 7,
      phase: 'steady',
      tenant: 'acme',
      episode: 'latency-spike',
      promptIndex: 1,
      attempts: 1,
      status: 200,
      errorClass: null,
      errorMessage: null,
      intended: 1000,
      sent: 1001,
      firstToken: 1121.25,
      lastToken: 1151.25,
      end: 1153.25,
      ttftMs: 120.25,
      e2eMs: 150.25, // sent → last token, as the e2e metric
      ttftFromIntendedMs: 121.25,
      tokens: 4,
      outputTokens: 4,
      usageInputTokens: 33,
      requestId: 'req_7',
      finishReason: 'stop',
    });

    expect(b.tenant).toBeUndefined();
    expect(b.episode).toBeUndefined();
    expect(b).toMatchObject({ seq: 8, phase: 'spike', attempts: 3, status: 503, errorClass: 'http_5xx', outputTokens: null, tokens: 0 });
    expect(b.intended).toBe(2000.123); // rounded to 0.001
    expect(b.firstToken).toBeNull();
    expect(b.lastToken).toBeNull();
    expect(b.end).toBe(2100);
    expect(b.ttftMs).toBeNull();
    expect(b.e2eMs).toBe(99); // no token: sent → end
    expect(b.errorMessage).toHaveLength(200);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('secret completion text');
    expect(text).not.toMatch(/authorization|headers/i);
  });

  it('streams 20,000 rows to 20,000 lines and leaves no tmp file behind', async () => {
    const dir = tempDir();
    const log = await RequestLog.open(dir, 'requests.jsonl', T0);
    const tmpFile = path.join(dir, `requests.jsonl.${process.pid}.tmp`);
    const writes = vi.spyOn(Writable.prototype, 'write');
    for (let i = 0; i < 20_000; i++) {
      log.write(okRecord(i, T0 + i), { outputTokens: 4, phase: 'soak' });
      // let the stream drain now and then, as a run's event loop would
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    expect(existsSync(tmpFile)).toBe(true);
    expect(existsSync(path.join(dir, 'requests.jsonl'))).toBe(false); // not under its name until closed
    expect(log.rows).toBe(20_000);
    // batched: a write per ~64 KiB (or per drain), not per row
    expect(writes.mock.calls.length).toBeGreaterThan(1);
    expect(writes.mock.calls.length).toBeLessThan(500);

    const file = await log.close();
    const all = lines(file);
    expect(all).toHaveLength(20_000);
    expect(all.map((l) => (JSON.parse(l) as RequestRow).seq)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(existsSync(tmpFile)).toBe(false);
    expect(readdirSync(dir)).toEqual(['requests.jsonl']);
  });

  it('flushes a quiet run’s rows within ~200 ms, before close', async () => {
    const dir = tempDir();
    const log = await RequestLog.open(dir, 'rows.jsonl', T0);
    log.write(okRecord(1, T0), { outputTokens: 4, phase: 'p' });
    const tmpFile = path.join(dir, `rows.jsonl.${process.pid}.tmp`);
    expect(readFileSync(tmpFile, 'utf8')).toBe('');
    const until = performance.now() + 2000;
    while (readFileSync(tmpFile, 'utf8') === '' && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(lines(tmpFile)).toHaveLength(1);
    await log.close();
    expect(lines(path.join(dir, 'rows.jsonl'))).toHaveLength(1);
  });

  it('creates an empty file when no request finished', async () => {
    const dir = tempDir();
    const log = await RequestLog.open(path.join(dir, 'nested', 'run'), undefined, T0);
    const file = await log.close();
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(readdirSync(path.dirname(file))).toEqual(['requests.jsonl']);
  });

  it('ignores rows after close and refuses a second close', async () => {
    const dir = tempDir();
    const log = await RequestLog.open(dir, undefined, T0);
    log.write(okRecord(1, T0), { outputTokens: 4, phase: 'p' });
    const file = await log.close();
    log.write(okRecord(2, T0), { outputTokens: 4, phase: 'p' });
    await expect(log.close()).rejects.toThrow(/already closed/);
    expect(lines(file)).toHaveLength(1);
  });
});
