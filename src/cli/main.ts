/**
 * Commander wiring and the one place that turns errors into exit codes. Commands are
 * imported lazily so `llm-bench --help` never loads tiktoken or undici.
 */
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { formatUserError, UserError } from '../errors.js';
import { toolVersion } from '../version.js';
import type { RunFlags } from './run.js';

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} needs a positive number, got "${value}"`);
    return n;
  };
}

/** `--workers 3`, or `auto`: a thread per core, one core left for the mock, the OS and the parent. */
function workerCount(value: string): number {
  if (value === 'auto') return Math.max(1, availableParallelism() - 1);
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`--workers needs a whole number ≥ 1 or auto, got "${value}"`);
  return n;
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('llm-bench')
    .description('Load, soak and chaos benchmarks for OpenAI-compatible LLM APIs')
    .version(toolVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('run')
    .description('run a scenario and write results.json; exits 1 when a threshold fails')
    .argument('<scenario>', 'scenario YAML file')
    .option('--duration <duration>', 'total run time, phases scaled to fit (e.g. 30s, 2m)')
    .option('--rate <req/s>', 'open-loop rate for every open phase (ramps scaled alike)', positiveNumber('--rate'))
    .option('--out <dir>', 'output directory (default: the scenario output.dir)')
    .option('--target-url <url>', 'send to this OpenAI-compatible base URL (incl. /v1) instead of the mock')
    .option('--quiet', 'no live progress (on a terminal it redraws in place; elsewhere a line every 10 s)')
    .option('--workers <n>', 'worker threads that split the plan (merged into one result); "auto": one per core but one', workerCount)
    .option('--shard <i/n>', 'send only slice i of n of the plan (one machine of a distributed run; join with merge)')
    .option('--start-at <time>', 'wait until this time (ISO 8601 or epoch ms) to start, so shards line up')
    .option('--requests-log', 'also write requests.jsonl, one line per finished request')
    .action(async (file: string, flags: RunFlags) => {
      const { runCommand } = await import('./run.js');
      exitCode = await runCommand(file, flags, io);
    });

  program
    .command('validate')
    .description('check a scenario (schema, dataset, thresholds) without sending anything')
    .argument('<scenario>', 'scenario YAML file')
    .action(async (file: string) => {
      const { validateCommand } = await import('./validate.js');
      exitCode = await validateCommand(file, io);
    });

  program
    .command('tokens')
    .description('count each prompt\'s input tokens and budget with tiktoken (cached beside the file)')
    .argument('<file>', 'JSONL dataset')
    .option('--model <model>', 'model whose encoding to use', 'gpt-4o-mini')
    .option('--json', 'print JSON instead of a table')
    .action(async (file: string, flags: { model?: string; json?: boolean }) => {
      const { tokensCommand } = await import('./tokens.js');
      exitCode = await tokensCommand(file, flags, { out: io.out });
    });

  program
    .command('mock')
    .description('serve the built-in OpenAI-compatible mock until interrupted')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--seed <n>', 'seed for latencies, text and faults (default 0, or the config\'s)')
    .option('--config <file>', 'mock config YAML: the same fields as a scenario\'s mock: section')
    .action(async (flags: { port: string; host: string; seed?: string; config?: string }) => {
      const { serveMock } = await import('./serve-mock.js');
      exitCode = await serveMock(flags, io);
    });

  program
    .command('compare')
    .description('compare two runs (results.json or their directories); exits 1 on a significant regression beyond --fail-on')
    .argument('<baseline>', 'baseline results.json or run directory')
    .argument('<candidate>', 'candidate results.json or run directory')
    .option('--fail-on <spec>', 'tolerances, e.g. "ttft.p95=+10%,errorRate=+0.5pp,e2e.p99=+200ms"')
    .option('--alpha <p>', 'significance level (default 0.01)', positiveNumber('--alpha'))
    .option('--json', 'print JSON instead of a table')
    .action(async (baseline: string, candidate: string, flags: { failOn?: string; alpha?: number; json?: boolean }) => {
      const { compareCommand } = await import('./compare.js');
      exitCode = await compareCommand(baseline, candidate, flags, { out: io.out });
    });

  program
    .command('report')
    .description('render report.html from a run (results.json or its directory)')
    .argument('<results>', 'results.json or run directory')
    .option('--out <dir>', 'directory for report.html (default: beside results.json)')
    .action(async (file: string, flags: { out?: string }) => {
      const { reportCommand } = await import('./report.js');
      exitCode = await reportCommand(file, flags, { out: io.out });
    });

  program
    .command('merge')
    .description('merge the results of shards or worker threads into one results.json; exits 1 when a re-evaluated threshold fails')
    .argument('<results...>', 'results.json files or run directories (at least two)')
    .requiredOption('-o, --out <file>', 'where to write the merged results.json')
    .option('--allow-mismatch', 'merge parts of different scenarios, seeds, models or intervals, or an incomplete shard set (which is marked partial)')
    .option('--report', 'also write report.html and the CI files beside the output')
    .action(async (files: string[], flags: { out: string; allowMismatch?: boolean; report?: boolean }) => {
      const { mergeCommand } = await import('./merge.js');
      exitCode = await mergeCommand(files, flags, io);
    });

  program
    .command('proxy')
    .description('serve the embedded Toxiproxy-compatible server (REST API + TCP proxies) until interrupted')
    .option('--port <port>', 'API port', '8474')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (flags: { port: string; host: string }) => {
      const { serveProxy } = await import('./serve-proxy.js');
      exitCode = await serveProxy(flags, io);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors are bad input.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      io.err(`llm-bench: ${formatUserError(err)}`);
      return err.exitCode;
    }
    throw err;
  }
  return exitCode;
}
