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
      // Measured 2026-12-08 03:11 over the whole suite (fresh clone, CI=true): statements 94.24 %,
      // branches 86.50 %, functions 96.41 %, lines 95.86 %; the thresholds sit about half a point
      // below, for code others add meanwhile.
      thresholds: { statements: 93.8, branches: 86, functions: 95.9, lines: 95.4 },
    },
  },
});
