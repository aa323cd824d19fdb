/**
 * Writes a run's files. Each file is written beside its final name and renamed into place,
 * so a reader never sees half a file; the directory is only created once there is
 * something to put in it.
 */
import { constants } from 'node:fs';
import { access, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

export async function writeOutputs(dir: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const final = path.join(dir, name);
    const tmp = `${final}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, final);
    written.push(final);
  }
  return written;
}

/**
 * Fails early (before a run) when `dir` could never be written: the nearest existing
 * ancestor must be a writable directory. Nothing is created.
 */
export async function checkOutputDir(dir: string, where = 'output.dir'): Promise<void> {
  let probe = path.resolve(dir);
  for (;;) {
    const info = await stat(probe).catch(() => null);
    if (info) {
      if (!info.isDirectory()) {
        throw new UserError(`cannot write results into ${dir}: ${probe} is a file, not a directory`, { where, hint: 'choose another directory with --out' });
      }
      const writable = await access(probe, constants.W_OK).then(() => true, () => false);
      if (!writable) throw new UserError(`cannot write results into ${dir}: ${probe} is not writable`, { where, hint: 'choose a directory you can write to with --out' });
      return;
    }
    const parent = path.dirname(probe);
    if (parent === probe) return;
    probe = parent;
  }
}
