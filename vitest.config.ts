import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // nock patches the process's HTTP stack; separate processes keep test files apart.
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
  },
});
