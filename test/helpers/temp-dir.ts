import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temp directory for one test; `cleanup` removes it. */
export function makeTempDir(prefix = 'llm-bench-test-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write: (name: string, content: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    cleanup: (): void => rmSync(dir, { recursive: true, force: true }),
  };
}
export type TempDir = ReturnType<typeof makeTempDir>;
