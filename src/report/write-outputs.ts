/**
 * Writes a run's files. Each file is written beside its final name and renamed into place,
 * so a reader never sees half a file; the directory is only created once there is
 * something to put in it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
