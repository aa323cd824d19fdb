// npm run bench (second part) — is the mock ever the bottleneck? The mock runs as its own
// process (`llm-bench mock`), the generator drives it from this one, and each side's CPU time
// per streamed request gives its capacity per core. Prints figures and the ratio; never a test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { concurrency, runGenerator, seconds } from './core.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'llm-bench-mockcap-'));
const config = path.join(tmp, 'mock.yaml');
writeFileSync(config, 'ttft: { median: 0ms, p99: 0ms }\ntokensPerSecond: 0\ndefaultOutputTokens: 64\n');

const mock = spawn(process.execPath, [...(process.env.MOCK_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir=/tmp/mprof'] : []), new URL('../bin/llm-bench.js', import.meta.url).pathname, 'mock', '--port', '0', '--config', config], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  mock.stdout.on('data', (d) => {
    const m = /listening on (\S+)/.exec(String(d));
    if (m) resolve(m[1]);
  });
  mock.once('exit', (code) => reject(new Error(`mock exited (${code})`)));
});

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
mock.kill('SIGINT');
rmSync(tmp, { recursive: true, force: true });

const n = recorder.requests;
const ownCpu = (own.user + own.system) / 1e6;
const perCore = (cpuSec) => n / cpuSec;
console.log(`bench: generator (this process) → mock (its own process), ${concurrency} concurrent 64-token streams, ${seconds} s`);
console.log(`  streamed requests  ${(n / wall).toFixed(0)} req/s  (${recorder.failed} failed)`);
console.log(`  generator CPU      ${((ownCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(ownCpu).toFixed(0)} req/s per core`);
console.log(`  mock CPU           ${((mockCpu / wall) * 100).toFixed(0)}% of a core → ${perCore(mockCpu).toFixed(0)} req/s per core`);
console.log(`ratio mock / generator capacity: ${(ownCpu / mockCpu).toFixed(2)} (the mock must stay above 2)`);
