/**
 * What a downstream step pays to read `posts` back: loads it through the IO
 * manager of `STRATA_BENCH_FORMAT` from `STRATA_OUTPUT_DIR` and prints
 * `{ loadMs, rows }` (the load alone, without the process's start-up).
 */
import definitions from './definitions.mjs';

const posts = definitions.asset('posts');
const started = performance.now();
const table = await definitions.ioManagers.default.load(posts);
process.stdout.write(`${JSON.stringify({ loadMs: performance.now() - started, rows: table.numRows })}\n`);
