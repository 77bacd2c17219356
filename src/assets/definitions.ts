import { CsvIOManager, defineDefinitions } from '../index.js';
import { summary, topAuthors, userStats } from './analytics.js';
import { posts, users } from './sources.js';
import { postsEnriched } from './transforms.js';

/** The example pipeline: what `assets` runs when no other definitions are given. */
export const definitions = defineDefinitions({
  assets: [users, posts, postsEnriched, userStats, topAuthors, summary],
  ioManagers: { default: new CsvIOManager() },
});

export default definitions;
