import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Timing tests compare against loopback servers; running files in parallel on a
    // 2-core machine would make them measure each other.
    fileParallelism: false,
  },
});
