import { z } from 'zod';
import type { Table } from 'strata-assets';
import type { PostRow } from './post-rows.js';
import type { UserRow } from './user-rows.js';
import { computeUserStats, userStatsColumns } from './user-stats-rows.js';

/**
 * The columns of `user_stats_daily`: the day (its partition key), then exactly
 * `user_stats`' columns. The day is a column so that the rows of several
 * partitions, read together (as `user_trends` reads 15), still say which day
 * each row is of.
 */
export const userStatsDailyColumns = z.object({ day: z.string(), ...userStatsColumns.shape });

export type UserStatsDailyRow = z.infer<typeof userStatsDailyColumns>;

/**
 * One day's user statistics, computed exactly as `user_stats` computes them,
 * from that day's cleaned posts (`posts_daily`) and that day's cleaned users
 * (the day's users.json: a user who joins on day 9 has a row from day 9 on).
 * A day's snapshot holds every post written up to that day, so `post_count`
 * is the user's total so far, not what they wrote that day.
 */
export function userStatsDaily(day: string, posts: Table<PostRow>, users: Table<UserRow>): UserStatsDailyRow[] {
  return computeUserStats(posts, users).map((stats) => ({ day, ...stats }));
}

/** The columns of `user_trends`. */
export const userTrendsColumns = z.object({
  user_id: z.int(),
  name: z.string(),
  username: z.string(),
  first_day: z.string(),
  mid_day: z.string(),
  last_day: z.string(),
  post_count: z.int(),
  recent_posts: z.int(),
  earlier_posts: z.int(),
  change: z.int(),
});

export type UserTrendsRow = z.infer<typeof userTrendsColumns>;

/**
 * Per user, how their posting moved over a window of daily
 * `user_stats_daily` partitions: in the example the last 15, the last 14 days
 * and the day before them. A day's snapshot holds every post so far, so a
 * day's new posts are only known against the day before: the window's first
 * day is the baseline, and the days after it are split in two halves, the
 * later one taking the extra day of an odd count (15 days in: the last 7 days
 * and the 7 before them; 14, at the start of the history: 7 and 6). With c(d)
 * the user's post_count on day d (0 on a day they have no row: before they
 * joined), first_day the window's first day, last_day its last and mid_day the
 * last day of the earlier half:
 * - post_count = c(last_day): every post the user has on the last day;
 * - recent_posts = c(last_day) - c(mid_day): the posts that appeared in the
 *   snapshots after mid_day's, up to last_day's (the later half);
 * - earlier_posts = c(mid_day) - c(first_day): those that appeared after
 *   first_day's, up to mid_day's (the earlier half);
 * - change = recent_posts - earlier_posts: above 0 when the user writes more.
 * One row per user who has a row on any day of the window, sorted by user_id;
 * name and username are those of the user's latest day. No rows, no window:
 * no rows out.
 */
export function userTrends(stats: Table<UserStatsDailyRow>): UserTrendsRow[] {
  const dayOfRow = stats.column('day');
  const days = [...new Set(dayOfRow)].sort();
  if (days.length === 0) return [];
  const firstDay = days[0]!;
  const lastDay = days.at(-1)!;
  const midDay = days[days.length - 1 - Math.ceil((days.length - 1) / 2)]!;

  const userIds = stats.column('user_id');
  const names = stats.column('name');
  const usernames = stats.column('username');
  const postCounts = stats.column('post_count');
  const users = new Map<number, { latestRow: number; first: number; mid: number; last: number }>();
  for (let row = 0; row < stats.numRows; row++) {
    const day = dayOfRow[row]!;
    let user = users.get(userIds[row]!);
    if (user === undefined) users.set(userIds[row]!, (user = { latestRow: row, first: 0, mid: 0, last: 0 }));
    // `>=`: rows of one day may come in any order; a later day's name wins.
    if (day >= dayOfRow[user.latestRow]!) user.latestRow = row;
    if (day === firstDay) user.first = postCounts[row]!;
    if (day === midDay) user.mid = postCounts[row]!;
    if (day === lastDay) user.last = postCounts[row]!;
  }

  return [...users.entries()]
    .sort(([a], [b]) => a - b)
    .map(([userId, user]) => ({
      user_id: userId,
      name: names[user.latestRow]!,
      username: usernames[user.latestRow]!,
      first_day: firstDay,
      mid_day: midDay,
      last_day: lastDay,
      post_count: user.last,
      recent_posts: user.last - user.mid,
      earlier_posts: user.mid - user.first,
      change: user.last - user.mid - (user.mid - user.first),
    }));
}
