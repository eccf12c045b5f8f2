// The harness's own tests (run by test/vscode/run.mjs after the in-host suite): they start real
// editors, so they are slow and stay out of the default vitest run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/vscode/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // One editor at a time: the machine has two cores, and parallel editors would only time each other out.
    fileParallelism: false,
    reporters: ['default'],
  },
});
