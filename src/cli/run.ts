import { runScenarioFile } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import type { CliIo } from './main.js';

export async function runCommand(
  file: string,
  flags: { duration?: string; rate?: number; out?: string; targetUrl?: string },
  io: CliIo,
): Promise<number> {
  const outcome = await runScenarioFile({
    file,
    overrides: {
      ...(flags.duration !== undefined ? { duration: parseDuration(flags.duration, '--duration') } : {}),
      ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.targetUrl !== undefined ? { targetUrl: flags.targetUrl } : {}),
    },
    log: io.err,
  });
  io.out(outcome.summary);
  io.out(`results: ${outcome.files.join(', ')}`);
  return outcome.exitCode;
}
