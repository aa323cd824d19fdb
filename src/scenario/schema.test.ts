import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN } from './duration.js';
import { renderScenarioJsonSchema, scenarioJsonSchema } from './schema.js';
import { SCENARIO_SCHEMA_FILE, writeScenarioSchema } from './write-schema.js';

describe('JSON Schema', () => {
  it('schema/scenario.schema.json is in sync with the zod schema', async () => {
    // To regenerate: UPDATE_SCHEMA=1 npx vitest run src/scenario/schema.test.ts
    // (or after a build: node dist/scenario/write-schema.js).
    if (process.env['UPDATE_SCHEMA']) await writeScenarioSchema();
    const committed = await readFile(SCENARIO_SCHEMA_FILE, 'utf8');
    expect(committed).toBe(renderScenarioJsonSchema());
  });

  it('documents durations as strings with a pattern, and objects as closed', () => {
    const s = scenarioJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: { target: { properties: { timeout: { anyOf: Array<{ type: string; pattern?: string }>; default: string } } } };
    };
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(['name', 'dataset', 'load']);
    const timeout = s.properties.target.properties.timeout;
    expect(timeout.default).toBe('60s');
    expect(timeout.anyOf[0]).toEqual({ type: 'string', pattern: DURATION_PATTERN });
  });
});
