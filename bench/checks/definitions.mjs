/**
 * The example pipeline for the checks scenario: with its checks, or, when
 * `STRATA_BENCH_CHECKS=off`, the same assets without them, so the difference
 * in wall time is what the checks cost. Imports the built example (dist/).
 */
import { summary, topAuthors, userStats } from '../../dist/assets/analytics.js';
import { posts, users } from '../../dist/assets/sources.js';
import { postsEnriched } from '../../dist/assets/transforms.js';
import { CsvIOManager, defineDefinitions } from '../../dist/index.js';

const withChecks = process.env.STRATA_BENCH_CHECKS !== 'off';
const assets = [users, posts, postsEnriched, userStats, topAuthors, summary];

export default defineDefinitions({
  // An asset is plain data: the copy without checks keeps every other field, its code version included.
  assets: withChecks ? assets : assets.map((asset) => ({ ...asset, checks: [] })),
  ioManagers: { default: new CsvIOManager() },
});
