import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'endpoint/test/**/*.test.ts'],
    exclude: ['test/vscode/**', 'test/browser/**', '**/node_modules/**'],
    environment: 'node',
    // The endpoint's tests run on PostgreSQL as well as SQLite: one throwaway cluster for the run.
    globalSetup: ['endpoint/test/support/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
