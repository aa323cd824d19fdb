/**
 * `llm-bench report <results.json> [--out dir]`: renders report.html from a finished run
 * (a results.json or its directory); the page goes beside results.json unless --out says where.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { renderHtml } from '../report/html.js';
import { writeOutputs } from '../report/write-outputs.js';
import { readResults } from './compare.js';

export async function reportCommand(file: string, opts: { out?: string }, io: { out(s: string): void }): Promise<number> {
  const results = await readResults(file);
  let html: string;
  try {
    html = renderHtml(results);
  } catch (err) {
    throw new UserError(`cannot render the report: ${(err as Error).message}`, { where: file, hint: 'the results file may be damaged (a histogram or series that will not decode)' });
  }
  const isDir = await stat(file).then((s) => s.isDirectory(), () => false);
  const dir = opts.out ?? (isDir ? file : path.dirname(file));
  const [written] = await writeOutputs(dir, { 'report.html': html });
  io.out(`wrote ${written}`);
  return 0;
}
