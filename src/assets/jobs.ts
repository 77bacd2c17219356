import { fileURLToPath } from 'node:url';
import { assetSensor, fileSensor, freshnessSensor, job, schedule } from 'strata-assets';
import { BUNDLED_SAMPLE, users } from './sources.js';

/**
 * Re-fetches the sources (an HTTP API offers no cheap version to compare) and
 * lets staleness and early cutoff decide the rest: only what the new data
 * changes is rebuilt. The daily assets are left to `daily-refresh`: a run
 * materializes one partition, and a schedule's job is either partitioned or not.
 */
export const refresh = job({
  name: 'refresh',
  select: '*',
  exclude: 'group:daily',
  force: 'sources',
  description: 'Re-fetch users and posts; rebuild only what their changes reach.',
});

/** Everything downstream of the sources, by staleness alone. */
export const rebuildDerived = job({
  name: 'rebuild-derived',
  select: 'not group:sources',
  exclude: 'group:daily',
  description: 'Bring the transforms and analytics up to date with the stored sources.',
});

/** The daily-partitioned posts and user statistics of one day, by staleness (each day's files are observed). */
export const dailyRefresh = job({
  name: 'daily-refresh',
  select: '+user_stats_daily',
  description: "Materialize a day's posts_daily and user_stats_daily partitions.",
});

// The seed project's four scheduled deployments, as schedules on `refresh` (UTC).
export const dailyDataRefresh = schedule({ name: 'daily-data-refresh', job: refresh, cron: '0 2 * * *' });
export const sixHourlyRefresh = schedule({ name: 'six-hourly-refresh', job: refresh, cron: '0 */6 * * *' });
export const hourlyRefresh = schedule({ name: 'hourly-refresh', job: refresh, cron: '0 * * * *' });
export const businessHoursRefresh = schedule({ name: 'business-hours-refresh', job: refresh, cron: '0 9-17 * * 1-5' });

/**
 * Beside daily-data-refresh, at the same time: a job over daily partitions
 * runs, at each tick, the partition of the day that ended (UTC).
 */
export const dailyPartitionRefresh = schedule({ name: 'daily-partition-refresh', job: dailyRefresh, cron: '0 2 * * *' });

/** Rebuilds the derived tables whenever users are materialized by anything. Stopped until `assets sensor start users-updated`. */
export const usersUpdated = assetSensor({
  name: 'users-updated',
  asset: users,
  job: rebuildDerived,
  defaultStatus: 'stopped',
});

/**
 * Runs `refresh` when a new snapshot lands in the source folder (when
 * STRATA_SOURCE_URL is a folder; an HTTP source has nothing to watch).
 */
export const newSnapshot = fileSensor({
  name: 'new-snapshot',
  dir: ({ env }) => sourceFolder(env.STRATA_SOURCE_URL),
  glob: '*.json',
  job: refresh,
  defaultStatus: 'stopped',
});

/** Materializes whatever has outlived its `freshness.maxAge`. */
export const staleAssets = freshnessSensor({ name: 'stale-assets', defaultStatus: 'stopped' });

function sourceFolder(url: string | undefined): string | undefined {
  if (url === undefined) return BUNDLED_SAMPLE;
  if (/^https?:\/\//i.test(url)) return undefined;
  return url.startsWith('file:') ? fileURLToPath(url) : url;
}
