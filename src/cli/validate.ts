import type { LoadedPrompts } from '../dataset/index.js';
import { plannedCounts } from '../load/plan.js';
import { loadRunDatasets, outputLimitWarning } from '../run/prompt-table.js';
import { loadScenario } from '../scenario/load.js';
import type { CliIo } from './main.js';

const describeDataset = (d: LoadedPrompts): string =>
  `${d.prompts.length} prompts, ${d.plannedInputTokens} input tokens, ` +
  `${d.plannedOutputTokens} max output tokens (${d.encoding}${d.encodingGuessed ? ', guessed from model name' : ''})`;

export async function validateCommand(file: string, io: CliIo): Promise<number> {
  const scenario = await loadScenario(file);
  // Every dataset, the tenants' own included, as `run` would read them before sending.
  const datasets = await loadRunDatasets(scenario, scenario.target.model);
  const counts = plannedCounts(scenario.load, scenario.seed);
  io.out(`${file}: valid scenario "${scenario.name}"`);
  io.out(`  target: ${scenario.target.kind === 'mock' ? 'built-in mock' : scenario.target.url} (${scenario.target.api}, ${scenario.target.model})`);
  io.out(`  dataset: ${describeDataset(datasets.scenario)}`);
  // An open phase's rate, plus each tenant's own rate (alone when every tenant has one).
  const streams = (scenario.load.tenantStreams ?? []).map((s) => `${s.name} ${s.rate} req/s`);
  scenario.load.phases.forEach((p, i) => {
    let what: string;
    if (p.kind === 'open') {
      const own = scenario.load.phaseArrivals === false ? [] : [`${p.rate}${p.rampTo !== p.rate ? `→${p.rampTo}` : ''} req/s`];
      what = `${p.arrival} ${[...own, ...streams].join(' + ')}, ${counts[i]} arrivals`;
    } else {
      what = `closed loop, concurrency ${p.concurrency}`;
    }
    io.out(`  phase ${p.name}: ${p.duration / 1000} s, ${what}`);
  });
  (scenario.tenants ?? []).forEach((t, i) => {
    const own = datasets.tenants[i];
    const traffic = t.rate !== undefined ? `rate ${t.rate} req/s` : `share ${t.share ?? 1}`;
    io.out(`  tenant ${t.name}: ${traffic}, ${t.priority}${own ? `, dataset: ${describeDataset(own)}` : ''}`);
  });
  io.out(`  thresholds: ${scenario.thresholds.length}; output: ${scenario.output.dir}`);
  const limitWarning = outputLimitWarning(scenario.target.api, datasets);
  if (limitWarning) io.out(`  warning: ${limitWarning}`);
  return 0;
}
