import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Order matters: the temp folder's variable is set before the Java sweep reads it.
    globalSetup: ['test/support/globalTempDir.ts', 'test/support/stopSuiteJava.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // `npm test` runs with --coverage: a summary on the console, and the run fails below the thresholds
    // (set at the level measured when they were introduced; raise them, never lower them).
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      reportOnFailure: true,
      // Measured 2026-12-07 over the whole suite: statements 93.28 %, branches 84.51 %, functions
      // 95.25 %, lines 94.99 %; the thresholds sit half a point below, for code others add meanwhile.
      thresholds: { statements: 92.5, branches: 83.5, functions: 94.5, lines: 94 },
    },
  },
});
