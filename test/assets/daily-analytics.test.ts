import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineDefinitions, JsonSource, materialize, MemoryIOManager, Table } from '../../src/index.js';
import { userStats } from '../../src/assets/analytics.js';
import { type UserStatsDailyRow, userStatsDaily, userStatsDailyColumns, userTrends } from '../../src/assets/daily-analytics.js';
import { BUNDLED_DAILY, DailySnapshots } from '../../src/assets/daily-snapshots.js';
import { posts, users } from '../../src/assets/sources.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

const daily = new DailySnapshots(BUNDLED_DAILY);
const DAYS = Array.from({ length: 14 }, (_, index) => `2026-01-${String(index + 1).padStart(2, '0')}`);
const COLUMNS = Object.keys(userStatsDailyColumns.shape) as (keyof UserStatsDailyRow & string)[];

async function statsOfDay(day: string): Promise<UserStatsDailyRow[]> {
  return userStatsDaily(day, await daily.readPosts(day), await daily.readUsers(day));
}

/** The rows of `user_stats_daily` for `days`, read together as a window. */
async function window(days: readonly string[]): Promise<Table<UserStatsDailyRow>> {
  return Table.fromRows((await Promise.all(days.map(statsOfDay))).flat(), COLUMNS);
}

/** Posts per user id in a day's posts.json, counted from the raw file. */
async function rawPostCounts(day: string): Promise<Map<number, number>> {
  const raw = JSON.parse(await readFile(path.join(BUNDLED_DAILY, day, 'posts.json'), 'utf8')) as { userId: number }[];
  const counts = new Map<number, number>();
  for (const post of raw) counts.set(post.userId, (counts.get(post.userId) ?? 0) + 1);
  return counts;
}

describe('userStatsDaily', () => {
  it('computes a day exactly as user_stats computes the same snapshot, with the day in front', async () => {
    for (const day of ['2026-01-01', '2026-01-04', '2026-01-14']) {
      const io = new MemoryIOManager();
      const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
      const definitions = defineDefinitions({
        assets: [users, posts, userStats],
        ioManagers: { default: io },
        resources: { placeholder_api: new JsonSource({ url: path.join(BUNDLED_DAILY, day) }) },
      });
      expect((await materialize(definitions, { storage })).status).toBe('success');
      const expected = (await io.load(definitions.asset('user_stats')!)).rows();
      storage.close();
      const rows = await statsOfDay(day);
      expect(rows).toEqual(expected.map((row) => ({ day, ...row })));
      expect(Object.keys(rows[0]!)).toEqual(COLUMNS);
      expect(rows.map((row) => userStatsDailyColumns.parse(row))).toEqual(rows);
    }
  });

  it('has a row for a user from the day they join, counting every post they have so far', async () => {
    const before = await statsOfDay('2026-01-03');
    const joined = await statsOfDay('2026-01-04');
    expect(before.map((row) => row.user_id)).not.toContain(11);
    expect(joined.map((row) => row.user_id)).toContain(11);
    const counts = await rawPostCounts('2026-01-14');
    for (const row of await statsOfDay('2026-01-14')) expect(row.post_count).toBe(counts.get(row.user_id) ?? 0);
  });
});

describe('userTrends', () => {
  const lastWeek = DAYS.slice(7);

  it('counts each user\'s posts on the last day, those written in the window, and the change from its first half to its second', async () => {
    const trends = userTrends(await window(lastWeek));
    const [first, mid, last] = await Promise.all(['2026-01-08', '2026-01-11', '2026-01-14'].map(rawPostCounts));
    const lastUsers = (await daily.readUsers('2026-01-14')).rows();
    expect(trends.map((row) => row.user_id)).toEqual(lastUsers.map((user) => user.id));
    for (const row of trends) {
      const c = (counts: Map<number, number>) => counts.get(row.user_id) ?? 0;
      expect(row).toEqual({
        user_id: row.user_id,
        name: lastUsers.find((user) => user.id === row.user_id)!.name,
        username: lastUsers.find((user) => user.id === row.user_id)!.username,
        first_day: '2026-01-08',
        last_day: '2026-01-14',
        post_count: c(last!),
        posts_in_window: c(last!) - c(first!),
        change: c(last!) - c(mid!) - (c(mid!) - c(first!)),
      });
    }
    // The window's 6 days after its first add every post the snapshots gained.
    const totalGained = trends.reduce((sum, row) => sum + row.posts_in_window, 0);
    expect(totalGained).toBe((await daily.readPosts('2026-01-14')).numRows - (await daily.readPosts('2026-01-08')).numRows);
    expect(trends.some((row) => row.change !== 0)).toBe(true);
  });

  it('counts a user who joined within the window from zero', async () => {
    const trends = userTrends(await window(lastWeek));
    // User 13 joins on 2026-01-14, the window's last day; user 12 on 2026-01-09, after its first.
    const joined = trends.filter((row) => row.user_id >= 12);
    expect(joined.map((row) => row.user_id)).toEqual([12, 13]);
    for (const row of joined) expect(row.posts_in_window).toBe(row.post_count);
  });

  it('gives the same rows whatever order the partitions\' rows come in', async () => {
    const rows = (await window(lastWeek)).rows();
    const reversed = Table.fromRows([...rows].reverse(), COLUMNS);
    expect(userTrends(reversed)).toEqual(userTrends(Table.fromRows(rows, COLUMNS)));
  });

  it('has no change and nothing written within a window of one day, and no rows without partitions', async () => {
    const single = userTrends(await window(['2026-01-05']));
    expect(single.every((row) => row.posts_in_window === 0 && row.change === 0 && row.first_day === '2026-01-05' && row.last_day === '2026-01-05')).toBe(true);
    expect(userTrends(Table.fromRows<UserStatsDailyRow>([], COLUMNS))).toEqual([]);
  });
});
