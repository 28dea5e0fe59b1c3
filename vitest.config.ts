import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Services, the CLI and worker threads run compiled JavaScript: build what changed first.
    globalSetup: ['scripts/testing/build-before-tests.mjs'],
    // onnxruntime-node must not be loaded in several worker_threads of one process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
