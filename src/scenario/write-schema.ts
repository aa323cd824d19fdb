/**
 * Writes schema/scenario.schema.json from the zod schema. After a build:
 *   node dist/scenario/write-schema.js [out-file]
 * schema.test.ts fails when the committed file and the schema drift apart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderScenarioJsonSchema } from './schema.js';

/** schema/scenario.schema.json at the package root (same relative path from src/ and dist/). */
export const SCENARIO_SCHEMA_FILE = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

/** Write the JSON Schema; returns the path written. */
export async function writeScenarioSchema(file: string = SCENARIO_SCHEMA_FILE): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, renderScenarioJsonSchema());
  return file;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeScenarioSchema(process.argv[2]).then(
    (file) => console.log(`wrote ${file}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
