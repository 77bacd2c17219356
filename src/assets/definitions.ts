import { CsvIOManager, defineDefinitions } from 'strata-assets';
import { summary, topAuthors, userStats } from './analytics.js';
import {
  businessHoursRefresh,
  dailyDataRefresh,
  hourlyRefresh,
  newSnapshot,
  rebuildDerived,
  refresh,
  sixHourlyRefresh,
  staleAssets,
  usersUpdated,
} from './jobs.js';
import { posts, users } from './sources.js';
import { postsEnriched } from './transforms.js';

/** The example pipeline: what `assets` runs when no other definitions are given. */
export const definitions = defineDefinitions({
  assets: [users, posts, postsEnriched, userStats, topAuthors, summary],
  ioManagers: { default: new CsvIOManager() },
  jobs: [refresh, rebuildDerived],
  schedules: [dailyDataRefresh, sixHourlyRefresh, hourlyRefresh, businessHoursRefresh],
  sensors: [usersUpdated, newSnapshot, staleAssets],
});

export default definitions;
