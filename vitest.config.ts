import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/temp-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: more workers only queue up behind each other.
    maxWorkers: 2,
    // In CI a JSON summary lets .ci/run print one plain "N passed, N failed" line.
    reporters: process.env.LANEKEEPER_TEST_SUMMARY
      ? ['default', ['json', { outputFile: process.env.LANEKEEPER_TEST_SUMMARY }]]
      : ['default'],
  },
});
