/**
 * The CLI in a pseudo-terminal, as a user at a terminal runs it: util-linux `script` allocates
 * the pty (`-q` quiet, `-f` flush, `-e` pass the exit code through, `-c` the command).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './cli.js';

const BIN = path.join(ROOT, 'bin/llm-bench.js');

/** Why pty tests cannot run here, or null when util-linux `script` is available. */
export function ptyUnavailable(): string | null {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (r.error) return 'util-linux `script` not found (apt-get install bsdutils)';
  if (!/util-linux/.test(`${r.stdout}${r.stderr}`)) return '`script` is not the util-linux one (no -qfec)';
  return null;
}

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyResult {
  code: number | null;
  /** everything the terminal received, stdout and stderr interleaved as written */
  output: string;
}

/**
 * Runs `llm-bench <args>` on a pty. `cols` sets the terminal width first (stty); without it the
 * pty has no size at all (0×0), as under `script` or `docker run -t` in CI.
 */
export function runCliInPty(args: string[], opts: { cwd: string; cols?: number; env?: NodeJS.ProcessEnv }): Promise<PtyResult> {
  const run = `exec ${[process.execPath, BIN, ...args].map(sh).join(' ')}`;
  const command = opts.cols === undefined ? run : `stty cols ${opts.cols} rows 40 && ${run}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: opts.cwd,
      env: { ...process.env, SHELL: '/bin/sh', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/**
 * What a terminal `cols` wide shows after receiving `output`: carriage return, line feed, erase
 * in line (ESC [ n K), auto-wrap at the right margin; other escape sequences change nothing.
 * Every character is taken as one column wide. Returns the rows, trailing blanks trimmed.
 */
export function renderTerminal(output: string, cols: number): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const at = (r: number): string[] => (rows[r] ??= []);
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\r') col = 0;
    else if (c === '\n') row++;
    else if (c === '\x1b') {
      if (chars[i + 1] !== '[') {
        i++;
        continue;
      }
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-9;?]/.test(chars[j]!)) params += chars[j++];
      const final = chars[j];
      i = j;
      if (final === 'K') {
        const line = at(row);
        if (params === '2') line.length = 0;
        else if (params === '' || params === '0') line.length = Math.min(line.length, col);
        else if (params === '1') for (let k = 0; k <= col && k < line.length; k++) line[k] = ' ';
      }
    } else if (c >= ' ') {
      if (col >= cols) {
        row++;
        col = 0;
      }
      const line = at(row);
      while (line.length < col) line.push(' ');
      line[col++] = c;
    }
  }
  for (let r = 0; r <= row; r++) at(r);
  return rows.map((r) => r.join('').trimEnd());
}
