import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import type { Scenario } from '../types.js';
import { loadScenario, parseScenario } from './load.js';
import { userErrorOf } from '../../test/helpers/user-error.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const QUICKSTART = path.join(ROOT, 'scenarios', 'quickstart.yaml');
const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00.123Z') };
const FILE = '/proj/scenarios/s.yaml';

const MINIMAL = `name: t
dataset: { file: prompts.jsonl }
load:
  phases:
    - { duration: 5s, rate: 1 }
`;

function parse(text: string): Scenario {
  return parseScenario(text, FILE, {}, env);
}

/** The UserError parseScenario throws for `text`. */
function fail(text: string): UserError {
  return userErrorOf(() => parse(text));
}

describe('quickstart', () => {
  it('is accepted and normalised', async () => {
    const s = await loadScenario(path.relative(process.cwd(), QUICKSTART));
    expect(s).toEqual({
      name: 'quickstart',
      seed: 42,
      file: QUICKSTART,
      target: {
        kind: 'mock',
        url: '',
        api: 'chat',
        model: 'gpt-4o-mini',
        apiKeyEnv: 'OPENAI_API_KEY',
        timeout: 60_000,
        stream: true,
        streamUsage: true,
        http: { h2: false, insecure: false },
        headers: {},
      },
      dataset: { file: path.join(ROOT, 'datasets', 'quickstart.jsonl'), maxOutputTokens: 128, order: 'sequential' },
      load: {
        maxInFlight: 512,
        phases: [
          { kind: 'open', name: 'warmup', duration: 5000, arrival: 'constant', rate: 5, rampTo: 5, burstiness: 1 },
          { kind: 'open', name: 'ramp', duration: 20_000, arrival: 'poisson', rate: 5, rampTo: 40, burstiness: 1 },
          { kind: 'closed', name: 'closed', duration: 10_000, concurrency: 16 },
        ],
      },
      mock: { ttft: { median: 200, p99: 600 }, tokensPerSecond: 80, defaultOutputTokens: 128, seed: 42 },
      thresholds: [
        { metric: 'ttft', expr: 'p95 < 800ms', stat: 'p95', op: '<', value: 800, field: 'thresholds.ttft[0]' },
        { metric: 'ttft', expr: 'p99 < 1500ms', stat: 'p99', op: '<', value: 1500, field: 'thresholds.ttft[1]' },
        { metric: 'e2e', expr: 'p95 < 5s', stat: 'p95', op: '<', value: 5000, field: 'thresholds.e2e[0]' },
        { metric: 'errorRate', expr: '< 1%', stat: 'rate', op: '<', value: 0.01, field: 'thresholds.errorRate[0]' },
      ],
      drift: [],
      output: { dir: path.join(ROOT, 'reports', 'quickstart') },
    });
  });

  it('starts with the yaml-language-server schema line', async () => {
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(QUICKSTART, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
  });
});

describe('defaults', () => {
  it('fills every optional field', () => {
    const s = parse(MINIMAL);
    expect(s.seed).toBe(1);
    expect(s.target).toEqual({
      kind: 'mock',
      url: '',
      api: 'chat',
      model: 'gpt-4o-mini',
      apiKeyEnv: 'OPENAI_API_KEY',
      timeout: 60_000,
      stream: true,
      streamUsage: true,
      http: { h2: false, insecure: false },
      headers: {},
    });
    expect(s.dataset).toEqual({ file: '/proj/scenarios/prompts.jsonl', maxOutputTokens: 128, order: 'sequential' });
    expect(s.load).toEqual({
      maxInFlight: 512,
      phases: [{ kind: 'open', name: 'phase1', duration: 5000, arrival: 'constant', rate: 1, rampTo: 1, burstiness: 1 }],
    });
    // latency left unset: the mock's per-model profiles apply
    expect(s.mock).toEqual({ defaultOutputTokens: 128, seed: 1 });
    expect(s.thresholds).toEqual([]);
    // Default output dir is relative to the current directory, not the scenario file.
    expect(s.output.dir).toBe('/proj/reports/t-20261129T201500Z');
  });

  it('normalises kind url, http options, headers, gamma, synthetic data', () => {
    const s = parse(`name: t
seed: 7
target:
  kind: url
  url: https://api.example.com/v1/
  stream: false
  http: { h2: true, connections: 8 }
  headers: { X-Team: bench }
dataset:
  synthetic: { inputTokens: { mean: 500, stddev: 50 }, outputTokens: { mean: 100 }, count: 10 }
  order: shuffle
load:
  phases:
    - { name: bursty, duration: 1m30s, arrival: gamma, burstiness: 0.5, rate: 2 }
mock: { seed: 9 }
`);
    expect(s.target).toMatchObject({ kind: 'url', url: 'https://api.example.com/v1', stream: false, http: { h2: true, connections: 8 }, headers: { 'X-Team': 'bench' } });
    expect(s.dataset).toEqual({
      synthetic: { inputTokens: { mean: 500, stddev: 50 }, outputTokens: { mean: 100, stddev: 0 }, count: 10 },
      maxOutputTokens: 128,
      order: 'shuffle',
    });
    expect(s.load.phases[0]).toEqual({ kind: 'open', name: 'bursty', duration: 90_000, arrival: 'gamma', rate: 2, rampTo: 2, burstiness: 0.5 });
    expect(s.mock.seed).toBe(9);
  });

  it('names inline text <inline> and resolves its paths against cwd', () => {
    const s = parseScenario(MINIMAL, '<inline>', {}, env);
    expect(s.file).toBe('<inline>');
    expect(s.dataset.file).toBe('/proj/prompts.jsonl');
  });
});

describe('errors', () => {
  it('bad YAML points at the line and column', () => {
    const e = fail('name: t\nload:\n  phases: [a\n    b: c\n');
    expect(e.message).toMatch(/^YAML syntax error: /);
    expect(e.where).toMatch(/^scenarios\/s\.yaml:\d+:\d+$/);
    const e2 = fail('name: t\n  bad: indent\n');
    expect(e2.where).toBe('scenarios/s.yaml:1:7');
    expect(fail('name: t\nname: u\n')).toMatchObject({ where: 'scenarios/s.yaml:2:1', message: 'YAML syntax error: Map keys must be unique' });
    expect(e2.hint).toMatch(/indentation/);
  });

  it('unknown field suggests the closest key at the key position', () => {
    const e = fail(MINIMAL.replace('load:\n', 'load:\n  maxInflight: 5\n'));
    expect(e.message).toBe("unknown field 'load.maxInflight' — did you mean 'maxInFlight'?");
    expect(e.where).toBe('scenarios/s.yaml:4:3');
    expect(e.hint).toBe('rename it to maxInFlight; known fields in load: maxInFlight, phases');
  });

  it('unknown field inside a flow mapping and an unknown metric', () => {
    expect(fail(MINIMAL.replace('rate: 1', 'rate: 1, rampto: 3'))).toMatchObject({
      message: "unknown field 'load.phases[0].rampto' — did you mean 'rampTo'?",
      where: 'scenarios/s.yaml:5:32',
    });
    expect(fail(`${MINIMAL}thresholds:\n  ttfb: ["p95 < 1s"]\n  tfft: ["p95 < 1s"]\n`)).toMatchObject({
      message: "unknown metric 'thresholds.tfft' — did you mean 'ttft'?",
      where: 'scenarios/s.yaml:8:3',
    });
  });

  it('wrong type names the field and the value', () => {
    const e = fail(MINIMAL.replace('rate: 1', 'rate: "fast"'));
    expect(e).toMatchObject({ message: 'load.phases[0].rate must be a number, got "fast"', where: 'scenarios/s.yaml:5:29' });
    expect(e.hint).toMatch(/plain number/);
    expect(fail(MINIMAL.replace('rate: 1', 'concurrency: 1.5'))).toMatchObject({ message: 'load.phases[0].concurrency must be a whole number, got 1.5' });
    expect(fail(`${MINIMAL}target: { headers: { X-Num: 1 } }\n`)).toMatchObject({ message: 'target.headers["X-Num"] must be text, got 1', hint: 'quote it: "1"' });
    expect(fail(`${MINIMAL}thresholds: { errorRate: "< 1%" }\n`)).toMatchObject({
      message: 'thresholds.errorRate must be a list, got "< 1%"',
      hint: 'put it in a list: ["< 1%"]',
    });
    expect(fail(`${MINIMAL}target:\n  timeout:\n`)).toMatchObject({ message: 'target.timeout has no value', where: 'scenarios/s.yaml:7:3' });
  });

  it('missing required field points at the parent mapping', () => {
    const e = fail('name: t\ndataset: { file: p.jsonl }\nload:\n  maxInFlight: 4\n');
    expect(e).toMatchObject({ message: 'load.phases is required', where: 'scenarios/s.yaml:4:3' });
    expect(e.hint).toMatch(/phases: \[/);
    expect(fail(MINIMAL.replace('duration: 5s, ', ''))).toMatchObject({ message: 'load.phases[0].duration is required', where: 'scenarios/s.yaml:5:7' });
    expect(fail(MINIMAL.replace('name: t\n', ''))).toMatchObject({ message: 'name is required', where: 'scenarios/s.yaml:1:1' });
    expect(fail('')).toMatchObject({ message: 'the scenario file is empty', where: 'scenarios/s.yaml:1:1' });
  });

  it('rate and concurrency: both or neither', () => {
    expect(fail(MINIMAL.replace('rate: 1', 'rate: 1, concurrency: 2'))).toMatchObject({
      message: 'load.phases[0] has both rate (open loop) and concurrency (closed loop)',
      where: 'scenarios/s.yaml:5:32',
    });
    expect(fail(MINIMAL.replace('rate: 1', 'name: x'))).toMatchObject({
      message: 'load.phases[0] has neither rate nor concurrency',
      where: 'scenarios/s.yaml:5:7',
      hint: expect.stringContaining('concurrency: <n>'),
    });
    expect(fail(MINIMAL.replace('rate: 1', 'concurrency: 2, rampTo: 3'))).toMatchObject({
      message: 'load.phases[0].rampTo only applies to open-loop phases (with rate)',
    });
    expect(fail(MINIMAL.replace('rate: 1', 'rate: 1, burstiness: 2'))).toMatchObject({
      message: 'load.phases[0].burstiness only applies to arrival: gamma',
    });
  });

  it('target.url: required for kind url, must be http(s)', () => {
    expect(fail(`${MINIMAL}target: { kind: url }\n`)).toMatchObject({ message: 'target.url is required when target.kind is url', where: 'scenarios/s.yaml:6:9' });
    expect(fail(`${MINIMAL}target: { kind: url, url: "ftp://x" }\n`)).toMatchObject({ message: 'target.url "ftp://x" is not an http(s) URL', where: 'scenarios/s.yaml:6:27' });
    expect(fail(`${MINIMAL}target: { url: "not a url" }\n`)).toMatchObject({ message: 'target.url "not a url" is not an http(s) URL' });
  });

  it('bad duration', () => {
    expect(fail(MINIMAL.replace('5s', '5'))).toMatchObject({
      message: 'load.phases[0].duration: 5 has no unit',
      where: 'scenarios/s.yaml:5:19',
      hint: expect.stringContaining('5s'),
    });
    expect(fail(MINIMAL.replace('5s', '5sec'))).toMatchObject({ message: 'load.phases[0].duration: "5sec" is not a duration: unknown unit "sec"' });
    expect(fail(MINIMAL.replace('5s', '0s'))).toMatchObject({ message: 'load.phases[0].duration must be greater than 0' });
    expect(fail(`${MINIMAL}mock: { ttft: { median: 1s, p99: 10ms } }\n`)).toMatchObject({ message: 'mock.ttft.p99 must be >= median' });
  });

  it('bad threshold expression points at the string', () => {
    const e = fail(`${MINIMAL}thresholds:\n  e2e: ["p95 < 5s", "p95 < 800"]\n`);
    expect(e).toMatchObject({ message: 'thresholds.e2e[1]: 800 has no unit in "p95 < 800"', where: 'scenarios/s.yaml:7:21' });
    expect(e.hint).toContain('p95 < 800ms');
    expect(fail(`${MINIMAL}thresholds:\n  errorRate:\n    - "< 5"\n`)).toMatchObject({ where: 'scenarios/s.yaml:8:7', hint: 'did you mean "< 5%"?' });
  });

  it('enum values suggest the closest option', () => {
    expect(fail(`${MINIMAL}target: { kind: urll }\n`)).toMatchObject({ message: 'target.kind must be one of mock, url, got "urll"', hint: 'did you mean url?' });
    expect(fail(`${MINIMAL}target: { api: embeddings }\n`).hint).toMatch(/come later/);
  });

  it('reports the first problem by position and counts the rest', () => {
    const e = fail('name: t\ndataset: { file: p.jsonl }\nload:\n  maxinflight: 1\n  phases: [{ duration: 5, rate: -1 }]\n');
    expect(e.where).toBe('scenarios/s.yaml:4:3');
    expect(e.hint).toContain('(2 more problems in this file after this one)');
  });

  it('duplicate phase names and dataset with both sources', () => {
    expect(fail(MINIMAL.replace('rate: 1 }', 'rate: 1 }\n    - { name: phase1, duration: 1s, rate: 1 }'))).toMatchObject({
      message: "load.phases[1].name 'phase1' is already used by an earlier phase",
      where: 'scenarios/s.yaml:6:15',
    });
    expect(fail('name: t\ndataset: { file: a, synthetic: { inputTokens: {mean: 1}, outputTokens: {mean: 1}, count: 1 } }\nload: { phases: [{ duration: 1s, rate: 1 }] }\n')).toMatchObject({
      message: 'dataset has both file and synthetic',
      where: 'scenarios/s.yaml:2:21',
    });
  });

  it('a missing file is a UserError naming the path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llmb-'));
    await expect(loadScenario(path.join(dir, 'nope.yaml'))).rejects.toMatchObject({
      name: 'UserError',
      message: `scenario file not found: ${path.join(dir, 'nope.yaml')}`,
    });
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'name: t\n');
    await expect(loadScenario(file)).rejects.toMatchObject({ where: expect.stringMatching(/bad\.yaml:1:1$/) });
  });
});

describe('mock section', () => {
  it('normalises profiles, rate limits, faults and the truth log', () => {
    const s = parseScenario(
      `${MINIMAL}mock:
  models:
    gpt-4o: { ttft: { median: 300ms }, prefillPerToken: 0.05ms, jitter: 0.2, reasoningRatio: 0 }
  rateLimits: { rpm: 500, tpm: 60000 }
  faults:
    - { type: status, status: 503, rate: 0.1 }
    - { type: status, status: 429, from: 10s, to: 15s }
    - { type: cut, afterEvents: 5, rate: 0.05 }
    - { type: stall, for: 2s, rate: 0.01 }
    - { type: slowHeaders, delay: 500ms, rate: 0.01 }
    - { type: malformed, rate: 0.01 }
  truthLog: out/truth.jsonl
`,
      '/tmp/x/scenario.yaml',
    );
    expect(s.mock.models).toEqual({ 'gpt-4o': { ttft: { median: 300, p99: 900 }, prefillPerToken: 0.05, jitter: 0.2, reasoningRatio: 0 } });
    expect(s.mock.rateLimits).toEqual({ rpm: 500, tpm: 60000 });
    expect(s.mock.faults).toEqual([
      { type: 'status', status: 503, rate: 0.1 },
      { type: 'status', status: 429, from: 10_000, to: 15_000 },
      { type: 'cut', afterEvents: 5, rate: 0.05 },
      { type: 'stall', ms: 2000, rate: 0.01 },
      { type: 'slowHeaders', ms: 500, rate: 0.01 },
      { type: 'malformed', rate: 0.01 },
    ]);
    expect(s.mock.truthLog).toBe('/tmp/x/out/truth.jsonl');
  });

  it('a mistyped fault field is located', () => {
    const e = fail(`${MINIMAL}mock:\n  faults:\n    - { type: cut, afterEvent: 5 }\n`);
    expect(e.message).toMatch(/afterEvent/);
    expect(e.where).toMatch(/:\d+:\d+$/);
  });
});

describe('threshold selectors', () => {
  it('metric{label=value} selects a label; a mistyped metric is still an error with did-you-mean', () => {
    const s = parseScenario(`${MINIMAL}thresholds:\n  ttft{phase=p1}: ["p95 < 800ms"]\n  errorRate{tenant=chat}: ["< 1%"]\n`, '/tmp/t.yaml');
    expect(s.thresholds).toEqual([
      expect.objectContaining({ metric: 'ttft{phase=p1}', label: 'phase=p1', stat: 'p95', value: 800 }),
      expect.objectContaining({ metric: 'errorRate{tenant=chat}', label: 'tenant=chat', stat: 'rate', value: 0.01 }),
    ]);
    expect(fail(`${MINIMAL}thresholds:\n  tfft: ["p95 < 800ms"]\n`).message).toMatch(/did you mean 'ttft'/);
    expect(fail(`${MINIMAL}thresholds:\n  ttft{color=red}: ["p95 < 800ms"]\n`).message).toMatch(/not a label you can select/);
    expect(fail(`${MINIMAL}thresholds:\n  ttft{phase=p1}: ["p95 < 800"]\n`).message).toMatch(/unit|duration/);
  });
});

describe('pricing', () => {
  it('is optional; cachedInput defaults to the input price', () => {
    expect(parse(MINIMAL).pricing).toBeUndefined();
    expect(parse(`${MINIMAL}pricing: { input: 0.15, output: 0.6 }\n`).pricing).toEqual({ input: 0.15, cachedInput: 0.15, output: 0.6 });
    expect(parse(`${MINIMAL}pricing:\n  input: 2.5\n  cachedInput: 1.25\n  output: 10\n`).pricing).toEqual({ input: 2.5, cachedInput: 1.25, output: 10 });
  });

  it('is strict and checked, with cost thresholds in dollars', () => {
    expect(fail(`${MINIMAL}pricing: { input: 1, output: 2, cachedinput: 0.5 }\n`).message).toBe("unknown field 'pricing.cachedinput' — did you mean 'cachedInput'?");
    expect(fail(`${MINIMAL}pricing: { input: 1 }\n`).message).toBe('pricing.output is required');
    expect(fail(`${MINIMAL}pricing: { input: -1, output: 2 }\n`)).toMatchObject({ message: 'pricing.input must be >= 0, got -1', where: 'scenarios/s.yaml:6:19' });
    expect(fail(`${MINIMAL}pricing: { input: "$1", output: 2 }\n`).message).toBe('pricing.input must be a number, got "$1"');
    const s = parse(`${MINIMAL}thresholds:\n  cost: ["< $5"]\n  costPerRequest: ["<= 0.002"]\n`);
    expect(s.thresholds).toEqual([
      expect.objectContaining({ metric: 'cost', stat: 'usd', op: '<', value: 5 }),
      expect.objectContaining({ metric: 'costPerRequest', stat: 'usd', op: '<=', value: 0.002 }),
    ]);
    expect(fail(`${MINIMAL}thresholds:\n  cost: ["< 5%"]\n`)).toMatchObject({ message: `thresholds.cost[0]: '5%' is not an amount in dollars in "< 5%"`, where: 'scenarios/s.yaml:7:10' });
  });
});

describe('cost thresholds', () => {
  it('cannot abort the run: cost is known only at the end', () => {
    const e = fail(`${MINIMAL}thresholds:\n  cost:\n    - { threshold: "< $5", abortOnFail: true }\n`);
    expect(e.message).toBe('thresholds.cost[0].abortOnFail: cost is known only when the run ends; abortOnFail is not supported');
    expect(e.where).toBe('scenarios/s.yaml:8:28');
    expect(e.hint).toMatch(/remove abortOnFail/);
    expect(fail(`${MINIMAL}thresholds:\n  costPerRequest{phase=p1}: [{ threshold: "< 1", abortOnFail: true }]\n`).message).toMatch(/abortOnFail is not supported/);
    expect(parse(`${MINIMAL}thresholds:\n  cost: [{ threshold: "< $5", abortOnFail: false }]\n`).thresholds).toEqual([expect.objectContaining({ metric: 'cost', value: 5 })]);
  });
});
