import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built bin, and SQLite tests share nothing but the disk:
    // files run in parallel, each in its own temp folder.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
