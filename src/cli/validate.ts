import { loadPrompts } from '../dataset/index.js';
import { plannedCounts } from '../load/plan.js';
import { loadScenario } from '../scenario/load.js';
import type { CliIo } from './main.js';

export async function validateCommand(file: string, io: CliIo): Promise<number> {
  const scenario = await loadScenario(file);
  const loaded = await loadPrompts(scenario.dataset, { model: scenario.target.model, seed: scenario.seed });
  const counts = plannedCounts(scenario.load, scenario.seed);
  io.out(`${file}: valid scenario "${scenario.name}"`);
  io.out(`  target: ${scenario.target.kind === 'mock' ? 'built-in mock' : scenario.target.url} (${scenario.target.api}, ${scenario.target.model})`);
  io.out(
    `  dataset: ${loaded.prompts.length} prompts, ${loaded.plannedInputTokens} input tokens, ` +
      `${loaded.plannedOutputTokens} max output tokens (${loaded.encoding}${loaded.encodingGuessed ? ', guessed from model name' : ''})`,
  );
  scenario.load.phases.forEach((p, i) => {
    const what = p.kind === 'open' ? `${p.arrival} ${p.rate}${p.rampTo !== p.rate ? `→${p.rampTo}` : ''} req/s, ${counts[i]} arrivals` : `closed loop, concurrency ${p.concurrency}`;
    io.out(`  phase ${p.name}: ${p.duration / 1000} s, ${what}`);
  });
  io.out(`  thresholds: ${scenario.thresholds.length}; output: ${scenario.output.dir}`);
  return 0;
}
