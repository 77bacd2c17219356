import { CsvIOManager, defineDefinitions } from 'strata-assets';
import { summary, topAuthors, userStats } from './analytics.js';
import { postsDaily, userStatsDailyAsset, userTrendsAsset } from './daily-assets.js';
import {
  businessHoursRefresh,
  dailyDataRefresh,
  dailyPartitionRefresh,
  dailyRefresh,
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
  assets: [users, posts, postsEnriched, userStats, topAuthors, summary, postsDaily, userStatsDailyAsset, userTrendsAsset],
  ioManagers: { default: new CsvIOManager() },
  jobs: [refresh, rebuildDerived, dailyRefresh],
  schedules: [dailyDataRefresh, sixHourlyRefresh, hourlyRefresh, businessHoursRefresh, dailyPartitionRefresh],
  sensors: [usersUpdated, newSnapshot, staleAssets],
});

export default definitions;
