// npm run bench (second part) — is the mock ever the bottleneck? The mock runs as its own
// process (`llm-bench mock`), the generator drives it from this one, and each side's CPU time
// per streamed request gives its capacity per core. Prints figures and the ratio; never a test.
import { readFileSync } from 'node:fs';

import { concurrency, runGenerator, seconds, startMockProcess } from './core.mjs';

const mock = await startMockProcess({ nodeArgs: process.env.MOCK_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir=/tmp/mprof'] : [] });
const url = mock.url;

/** CPU ms a process has used so far (Linux /proc; utime + stime in clock ticks of 10 ms). */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const mockCpu0 = cpuMsOf(mock.pid);
const ownCpu0 = process.cpuUsage();
const t0 = performance.now();
const { recorder } = await runGenerator(url);
const wall = (performance.now() - t0) / 1000;
const own = process.cpuUsage(ownCpu0);
const mockCpu = (cpuMsOf(mock.pid) - mockCpu0) / 1000;
mock.stop();

const n = recorder.requests;
const ownCpu = (own.user + own.system) / 1e6;
const perCore = (cpuSec) => n / cpuSec;
console.log(`bench: generator (this process) → mock (its own process), ${concurrency} concurrent 64-token streams, ${seconds} s`);
console.log(`  streamed requests  ${(n / wall).toFixed(0)} req/s  (${recorder.failed} failed)`);
console.log(`  generator CPU      ${((ownCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(ownCpu).toFixed(0)} req/s per core`);
console.log(`  mock CPU           ${((mockCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(mockCpu).toFixed(0)} req/s per core`);
console.log(`ratio mock / generator capacity: ${(ownCpu / mockCpu).toFixed(2)} (the mock must stay above 2)`);
