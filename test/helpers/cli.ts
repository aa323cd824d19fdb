import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, type TempDir } from './temp-dir.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/llm-bench.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the compiled dist/ behind bin/) as a user would. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temp directory with the given files; removed by the returned cleanup. */
export function tempProject(files: Record<string, string>): TempDir {
  const tmp = makeTempDir();
  for (const [name, content] of Object.entries(files)) tmp.write(name, content);
  return tmp;
}

export const TINY_DATASET = [
  '{"id":"a","prompt":"Say hello.","maxOutputTokens":8}',
  '{"id":"b","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a colour."}],"maxOutputTokens":6}',
  '{"id":"c","prompt":"Count to three."}',
].join('\n');
