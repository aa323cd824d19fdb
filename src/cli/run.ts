import { runScenarioFile, EXIT_SIGINT } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import type { CliIo } from './main.js';
import { progressView } from './progress.js';

export async function runCommand(
  file: string,
  flags: { duration?: string; rate?: number; out?: string; targetUrl?: string; quiet?: boolean },
  io: CliIo,
): Promise<number> {
  const progress = progressView(process.stderr, flags.quiet === true);
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
      log: (l) => {
        progress.done();
        io.err(l);
      },
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    io.out(outcome.summary);
    const names = outcome.files.map((f) => f.slice(outcome.outputDir.length + 1));
    const hgrm = names.filter((n) => n.endsWith('.hgrm')).length;
    const listed = [...names.filter((n) => !n.endsWith('.hgrm')), ...(hgrm > 0 ? [`${hgrm} .hgrm`] : [])];
    io.out(`results: ${outcome.outputDir} (${listed.join(', ')})${outcome.results.meta.partial ? ' — partial: the run was stopped early' : ''}`);
    return outcome.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
