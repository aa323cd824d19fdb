import OpenAI from 'openai';
import { afterEach } from 'vitest';
import type { MockServerOptions } from '../../src/mock/options.js';
import { startMockServer, type MockServerHandle } from '../../src/mock/server.js';

/** Starts mock servers for one test file; each is closed after its test. */
export function mockServers(defaults: MockServerOptions): (opts?: MockServerOptions) => Promise<MockServerHandle> {
  const open: MockServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  return async (opts = defaults) => {
    const s = await startMockServer(opts);
    open.push(s);
    return s;
  };
}

export const clientFor = (url: string): OpenAI => new OpenAI({ baseURL: url, apiKey: 'test', maxRetries: 0 });

/** A Responses-style (flat) function tool. */
export const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather in a city',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] }, days: { type: 'integer' } },
    required: ['city', 'unit', 'days'],
    additionalProperties: false,
  },
};
