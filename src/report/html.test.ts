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
import { ms, renderHtml } from './html.js';

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

describe('renderHtml', () => {
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
      const data = JSON.parse(html.match(/<script id="report-data" type="application\/json">([^]*?)<\/script>/)![1]!) as { charts: Record<string, unknown> };
      const chartCount = Object.keys(data.charts).length;
      // ttft + e2e curves (+ itl/tpot/ttfb) and six time series (no rate-limit headers on the mock)
      expect(chartCount).toBeGreaterThanOrEqual(8);

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
