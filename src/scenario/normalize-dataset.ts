/** A dataset section as written → DatasetSpec (the scenario's and a tenant's alike). Pure. */
import path from 'node:path';
import type { z } from 'zod';
import type { DatasetSpec } from '../types.js';
import type { datasetSchema } from './dataset-schema.js';

/** Relative file paths resolve against the scenario file's directory (`baseDir`). */
export function normalizeDataset(d: z.output<typeof datasetSchema>, baseDir: string): DatasetSpec {
  const dataset: DatasetSpec = { maxOutputTokens: d.maxOutputTokens, order: d.order };
  if (d.file !== undefined) dataset.file = path.resolve(baseDir, d.file);
  if (d.synthetic !== undefined) dataset.synthetic = d.synthetic;
  return dataset;
}
