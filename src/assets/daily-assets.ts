import { asset, dailyPartitions, timeWindow } from 'strata-assets';
import { userStatsDaily, userStatsDailyColumns, userTrends, userTrendsColumns } from './daily-analytics.js';
import { dailySnapshots } from './daily-snapshots.js';
import { postColumns } from './post-rows.js';

/**
 * One partition per UTC day of the daily snapshots. DECISION: `end` bounds
 * them at the bundled history, which ends on 2026-01-14 (`end` is exclusive),
 * so `npx assets materialize` works offline and stays up to date on any
 * later date instead of failing for days the bundled folder does not have. A
 * live deployment, with a new snapshot every day, drops `end`: each day then
 * becomes a partition once it has ended.
 */
const days = dailyPartitions({ start: '2026-01-01', end: '2026-01-15' });

/** What the three daily assets share: their group, partitions and the folder of daily snapshots. */
const fromDailySnapshots = { group: 'daily', resources: { daily: dailySnapshots } } as const;

export const postsDaily = asset({
  key: 'posts_daily',
  ...fromDailySnapshots,
  partitions: days,
  description: "The day's posts (<daily dir>/<day>/posts.json), cleaned exactly as posts is.",
  schema: postColumns,
  // Only the day's posts.json: an edited day makes that partition stale alone.
  observe: ({ resources, partitionKey, signal }) => resources.daily.observe(partitionKey!, 'posts', { signal }),
  compute: ({ resources, partitionKey, signal }) => resources.daily.readPosts(partitionKey!, { signal }),
});

export const userStatsDailyAsset = asset({
  key: 'user_stats_daily',
  ...fromDailySnapshots,
  partitions: days,
  description: "The day's user statistics, as user_stats computes them from that day's posts and users, the day in front.",
  deps: [postsDaily],
  schema: userStatsDailyColumns,
  // posts_daily of the same day (identity); the day's users.json is read here, so it is observed here.
  observe: ({ resources, partitionKey, signal }) => resources.daily.observe(partitionKey!, 'users', { signal }),
  compute: async ({ inputs, resources, partitionKey, signal }) => userStatsDaily(partitionKey!, inputs.posts_daily, await resources.daily.readUsers(partitionKey!, { signal })),
});

/** The last 14 days and the day before them, the baseline of their first day's new posts (see `userTrends`). */
const TREND_WINDOW = timeWindow({ startOffset: -14 });

export const userTrendsAsset = asset({
  key: 'user_trends',
  group: 'daily',
  description: 'Per user: posts in the last 7 days of user_stats_daily against the days before, from its last 15 partitions.',
  deps: [userStatsDailyAsset],
  partitionMappings: { user_stats_daily: TREND_WINDOW },
  schema: userTrendsColumns,
  compute: ({ inputs }) => userTrends(inputs.user_stats_daily),
});
