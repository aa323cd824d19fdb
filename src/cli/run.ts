import { runScenarioFile, EXIT_SIGINT } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import type { CliIo } from './main.js';

export async function runCommand(
  file: string,
  flags: { duration?: string; rate?: number; out?: string; targetUrl?: string },
  io: CliIo,
): Promise<number> {
  // First SIGINT/SIGTERM: stop sending, let in-flight requests finish briefly, clean up chaos,
  // write partial results. A second SIGINT ends the process at once.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      if (signal === 'SIGINT') process.exit(EXIT_SIGINT);
      return;
    }
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runScenarioFile({
      file,
      overrides: {
        ...(flags.duration !== undefined ? { duration: parseDuration(flags.duration, '--duration') } : {}),
        ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        ...(flags.targetUrl !== undefined ? { targetUrl: flags.targetUrl } : {}),
      },
      log: io.err,
      signal: controller.signal,
    });
    io.out(outcome.summary);
    io.out(`results: ${outcome.files.join(', ')}${outcome.results.meta.partial ? ' (partial: the run was interrupted)' : ''}`);
    return outcome.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
