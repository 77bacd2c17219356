import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The example imports the framework by its package name, as a user would.
    // Node resolves that through package.json "exports" to dist/; in-process
    // tests load src/, so the name must lead to src/index.ts too, or the
    // example would get a second copy of the framework (and `instanceof
    // StrataError` would fail across the two). Exact name only: the
    // `strata-assets/example` export stays Node's.
    alias: [{ find: /^strata-assets$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn the built bin, and SQLite tests share nothing but the disk:
    // files run in parallel, each in its own temp folder. One file per CPU, not
    // vitest's default of one fewer: most of a CLI test is waiting on the
    // process it spawned, so on 2 cores one worker left a core idle (the suite
    // took 682 s with one worker, 410 s with two).
    maxWorkers: availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
