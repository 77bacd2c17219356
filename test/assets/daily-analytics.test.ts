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
  /** Day n of the bundled January 2026. */
  const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}`;

  it('with 14 days compares the last 7 days with the 6 before, the first day being the baseline', async () => {
    const trends = userTrends(await window(DAYS));
    const [first, mid, last] = await Promise.all([day(1), day(7), day(14)].map(rawPostCounts));
    const lastUsers = (await daily.readUsers(day(14))).rows();
    expect(trends.map((row) => row.user_id)).toEqual(lastUsers.map((user) => user.id));
    for (const row of trends) {
      const c = (counts: Map<number, number>) => counts.get(row.user_id) ?? 0;
      expect(row).toEqual({
        user_id: row.user_id,
        name: lastUsers.find((user) => user.id === row.user_id)!.name,
        username: lastUsers.find((user) => user.id === row.user_id)!.username,
        first_day: day(1),
        mid_day: day(7),
        last_day: day(14),
        post_count: c(last!),
        recent_posts: c(last!) - c(mid!),
        earlier_posts: c(mid!) - c(first!),
        change: c(last!) - c(mid!) - (c(mid!) - c(first!)),
      });
    }
    // The two halves add up to every post the snapshots gained after the first day.
    const gained = trends.reduce((sum, row) => sum + row.recent_posts + row.earlier_posts, 0);
    expect(gained).toBe((await daily.readPosts(day(14))).numRows - (await daily.readPosts(day(1))).numRows);
    expect(trends.some((row) => row.change !== 0)).toBe(true);
  });

  it('with 15 days compares exactly the last 7 days with the 7 before them', async () => {
    // A day before the bundled ones: 2026-01-01's rows with one post less for every user who has any.
    const baseline = (await statsOfDay(day(1))).map((row) => ({ ...row, day: '2025-12-31', post_count: Math.max(0, row.post_count - 1) }));
    const rows = [...baseline, ...(await window(DAYS)).rows()];
    const trends = userTrends(Table.fromRows(rows, COLUMNS));
    const [mid, last] = await Promise.all([day(7), day(14)].map(rawPostCounts));
    const before = new Map(baseline.map((row) => [row.user_id, row.post_count]));
    for (const row of trends) {
      const c = (counts: Map<number, number>) => counts.get(row.user_id) ?? 0;
      expect([row.first_day, row.mid_day, row.last_day]).toEqual(['2025-12-31', day(7), day(14)]);
      expect(row.recent_posts).toBe(c(last!) - c(mid!)); // days 8-14
      expect(row.earlier_posts).toBe(c(mid!) - (before.get(row.user_id) ?? 0)); // days 1-7
    }
  });

  it('counts a user who joined within the window from zero', async () => {
    const trends = userTrends(await window(lastWeek));
    // User 13 joins on 2026-01-14, the window's last day; user 12 on 2026-01-09, after its first.
    const joined = trends.filter((row) => row.user_id >= 12);
    expect(joined.map((row) => row.user_id)).toEqual([12, 13]);
    for (const row of joined) expect(row.recent_posts + row.earlier_posts).toBe(row.post_count);
  });

  it('gives the same rows whatever order the partitions\' rows come in', async () => {
    const rows = (await window(lastWeek)).rows();
    const reversed = Table.fromRows([...rows].reverse(), COLUMNS);
    expect(userTrends(reversed)).toEqual(userTrends(Table.fromRows(rows, COLUMNS)));
  });

  it('has no change and nothing written within a window of one day, and no rows without partitions', async () => {
    const single = userTrends(await window([day(5)]));
    expect(single.every((row) => row.recent_posts === 0 && row.earlier_posts === 0 && row.change === 0 && row.first_day === day(5) && row.mid_day === day(5) && row.last_day === day(5))).toBe(true);
    expect(userTrends(Table.fromRows<UserStatsDailyRow>([], COLUMNS))).toEqual([]);
  });
});
