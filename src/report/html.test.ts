/**
 * report.html from a real run (mock target, two phases, an HTTP chaos episode), opened in
 * headless Chromium: no script errors, every chart drawn, verdict and p95 TTFT shown.
 * Needs Debian's chromium at /usr/bin/chromium (CI installs it); without it the test fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../run/run-scenario.js';
import { parseScenario } from '../scenario/load.js';
import { sampleResults } from '../../test/helpers/results.js';
import type { MetricSummary } from '../metrics/results.js';
import { ms, renderHtml, type ChartSpec } from './html.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// output.dir sits in the YAML, not in the `out` override: applyOverrides replaces the whole
// output section and would drop the 250 ms interval.
const yaml = (dir: string): string => `
name: html-report
seed: 7
target: { kind: mock, model: gpt-4o-mini, timeout: 10s }
dataset: { file: datasets/quickstart.jsonl, maxOutputTokens: 16 }
load:
  phases:
    - { name: warm, duration: 1500ms, arrival: constant, rate: 20 }
    - { name: peak, duration: 1500ms, arrival: constant, rate: 40 }
mock:
  ttft: { median: 40ms, p99: 120ms }
  tokensPerSecond: 400
chaos:
  episodes:
    - { name: throttled, at: 1s, for: 1s, http: { status: 429, rate: 0.5 } }
thresholds:
  ttft: ["p95 < 5s"]
output: { dir: ${JSON.stringify(dir)}, interval: 250ms }
`;

const reportData = (html: string) =>
  JSON.parse(html.match(/<script id="report-data" type="application\/json">([^]*?)<\/script>/)![1]!) as { charts: Record<string, ChartSpec> };

describe('renderHtml', () => {
  it("draws ITL over time from the windows, with the itl.p95 drift line dashed over the windows it was fitted on", () => {
    const r = sampleResults();
    const itl = (p95: number): MetricSummary => ({ count: 300, min: 1, mean: p95 / 2, p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.5, p999: p95 * 2, max: p95 * 2, unit: 'ms', hdr: '' });
    r.series = {
      intervalMs: 1000,
      windows: [0, 1, 2, 3, 4].map((i) => ({ start: i, length: 1, requests: 20, ok: 20, failed: 0, dropped: 0, byClass: {}, requestsPerSecond: 20, outputTokensPerSecond: 300, inFlightMax: 3, rateLimitRemainingTokens: null, ttft: null, e2e: null, itl: i === 4 ? null : itl(10 + i) })),
    };
    const line = { unit: 'ms' as const, perHour: 3600, relativePerHour: 6667, start: 15, end: 17, from: 1.5, to: 3.5, windows: 3 };
    r.drift = { windowMs: 1000, metrics: { 'itl.p95': line } };
    const chart = reportData(renderHtml(r)).charts.itl!;
    expect(chart.title).toBe('ITL over time');
    expect(chart.names).toEqual(['p50', 'p95', 'p99', 'p95 trend']);
    expect(chart.x).toEqual([0, 1, 2, 3, 4]);
    expect(chart.ys[1]).toEqual([10, 11, 12, 13, null]);
    // 1 ms a second from 15 ms at 1.5 s; nothing outside from…to
    expect(chart.ys[3]).toEqual([null, 15, 16, 17, null]);
    // without an itl drift line: no trend; without ITL in any window: no chart
    delete r.drift;
    expect(reportData(renderHtml(r)).charts.itl!.names).toEqual(['p50', 'p95', 'p99']);
    for (const w of r.series.windows) delete w.itl;
    expect(reportData(renderHtml(r)).charts.itl).toBeUndefined();
  });

  it('renders a real run that Chromium opens without errors, with every chart drawn', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it (apt-get install -y chromium) — this test needs a real browser`).toBe(true);
    const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-html-'));
    try {
      const scenario = parseScenario(yaml(path.join(tmp, 'run')), '<inline>', {}, { cwd: ROOT, now: new Date() });
      const { results } = await runScenario(scenario, {});
      expect(results.counts.requests).toBeGreaterThan(50);
      expect(results.chaos?.episodes.length).toBe(1);
      expect(results.series.windows.length).toBeGreaterThanOrEqual(10);
      // gpt-4o-mini has a built-in list price: the run is costed from its usage
      expect(results.cost).toMatchObject({ currency: 'USD', source: 'built-in', model: 'gpt-4o-mini' });
      expect(results.cost!.total).toBeGreaterThan(0);

      const html = renderHtml(results);
      expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
      const file = path.join(tmp, 'report.html');
      writeFileSync(file, html);
      const p95 = ms(results.metrics.ttft!.all!.p95);
      const data = reportData(html);
      const chartCount = Object.keys(data.charts).length;
      // ttft + e2e curves (+ itl/tpot/ttfb) and eight time series (no rate-limit headers on the mock)
      expect(chartCount).toBeGreaterThanOrEqual(8);
      // the mock streams several tokens a request: TPOT and ITL over time are drawn too
      expect(data.charts.tpot?.title).toBe('TPOT over time');
      expect(data.charts.itl?.title).toBe('ITL over time');

      const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
        executablePath: CHROMIUM,
        args: ARGS,
        headless: true,
        viewport: { width: 1280, height: 900 },
      });
      try {
        const problems: string[] = [];
        const remote: string[] = [];
        context.on('request', (r) => {
          if (!/^(file|data|about):/.test(r.url())) remote.push(r.url());
        });
        const page = await context.newPage();
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.waitForFunction(`document.querySelectorAll('.uplot').length >= ${chartCount}`, undefined, { timeout: 10_000 });

        // Browser code as a string: the test tsconfig has no DOM types.
        const drawn = (await page.evaluate(`[...document.querySelectorAll('.uplot canvas')].map((c) => {
          const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let opaque = 0;
          for (let i = 3; i < px.length; i += 4) if (px[i] > 0) opaque++;
          return { w: c.width, h: c.height, opaque };
        })`)) as Array<{ w: number; h: number; opaque: number }>;
        expect(problems).toEqual([]);
        expect(remote).toEqual([]);
        expect(await page.locator('.plot').count()).toBe(chartCount);
        expect(drawn.length).toBeGreaterThanOrEqual(chartCount);
        for (const c of drawn) {
          expect(c.w).toBeGreaterThan(0);
          expect(c.h).toBeGreaterThan(0);
          expect(c.opaque).toBeGreaterThan(100);
        }
        const text = await page.locator('body').innerText();
        expect(text).toContain('PASSED — the threshold passed');
        // the verdict badge's text is readable: not the colour of its own background
        const badge = (await page.evaluate(`(() => { const s = getComputedStyle(document.getElementById('verdict')); return [s.color, s.backgroundColor]; })()`)) as string[];
        expect(badge[0]).not.toBe(badge[1]);
        expect(text).toContain(p95);
        expect(text).toContain('episode=throttled');
        expect(text).toContain('http_429');
        expect(text).toContain('list price (gpt-4o-mini)');

        mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
        await page.screenshot({ path: path.join(ROOT, 'test-output/report.png'), fullPage: true });
      } finally {
        await context.close();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
