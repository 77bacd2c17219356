import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineDefinitions, JsonSource, materialize, MemoryIOManager, SourceError } from '../../src/index.js';
import { BUNDLED_DAILY, DailySnapshots } from '../../src/assets/daily-snapshots.js';
import { posts, users } from '../../src/assets/sources.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

/** `users` and `posts` as the example's source assets make them from one folder. */
async function sourceTables(folder: string): Promise<{ users: unknown[]; posts: unknown[] }> {
  const io = new MemoryIOManager();
  const storage = await SqliteInstanceStorage.open({ path: ':memory:' });
  try {
    const definitions = defineDefinitions({
      assets: [users, posts],
      ioManagers: { default: io },
      resources: { placeholder_api: new JsonSource({ url: folder }) },
    });
    expect((await materialize(definitions, { storage })).status).toBe('success');
    return {
      users: (await io.load(definitions.asset('users')!)).rows(),
      posts: (await io.load(definitions.asset('posts')!)).rows(),
    };
  } finally {
    storage.close();
  }
}

describe('DailySnapshots on the bundled data/daily', () => {
  const daily = new DailySnapshots(BUNDLED_DAILY);

  it('reads a day\'s posts and users cleaned exactly as the posts and users assets clean them', async () => {
    for (const day of ['2026-01-01', '2026-01-09', '2026-01-14']) {
      const expected = await sourceTables(path.join(BUNDLED_DAILY, day));
      expect((await daily.readPosts(day)).rows()).toEqual(expected.posts);
      expect((await daily.readUsers(day)).rows()).toEqual(expected.users);
    }
  });

  it('reads that day\'s folder, not another: each day holds its own posts and users', async () => {
    const raw = JSON.parse(await readFile(path.join(BUNDLED_DAILY, '2026-01-14', 'posts.json'), 'utf8')) as { id: number }[];
    const lastDay = await daily.readPosts('2026-01-14');
    expect(lastDay.column('id')).toEqual(raw.map((post) => post.id));
    expect((await daily.readPosts('2026-01-01')).numRows).toBeLessThan(lastDay.numRows);
    expect((await daily.readUsers('2026-01-14')).column('id').length).toBeGreaterThan((await daily.readUsers('2026-01-01')).column('id').length);
    expect(lastDay.column('title').every((title) => title === title.trim() && !/\s{2}|[\t\n]/.test(title))).toBe(true);
  });

  it('observes a day\'s file by its content, as the posts source observes its file', async () => {
    const observed = await daily.observe('2026-01-02', 'posts');
    expect(observed).toEqual(await new JsonSource({ url: path.join(BUNDLED_DAILY, '2026-01-02') }).observe('posts'));
    expect((await daily.observe('2026-01-03', 'posts')).version).not.toBe(observed.version);
  });

  it('resolves a relative folder against the project root', () => {
    expect(new DailySnapshots('data/daily').folder).toBe(path.resolve(process.cwd(), 'data/daily'));
  });

  it('fails on a missing day with the days there are and the command that writes them', async () => {
    const error = await daily.readPosts('2026-01-20').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      `No daily snapshot for 2026-01-20: ${path.join(BUNDLED_DAILY, '2026-01-20')} is not a folder (${path.resolve(BUNDLED_DAILY)} has 14 days, 2026-01-01 to 2026-01-14).`,
    );
    expect((error as SourceError).hint).toMatch(/`assets sample generate --days N --start YYYY-MM-DD --out <folder>`.*STRATA_DAILY_DIR/);
  });

  it('refuses a day that is not YYYY-MM-DD before it reaches a path', async () => {
    await expect(daily.readUsers('../sample')).rejects.toThrow(/Cannot read the daily snapshot "\.\.\/sample" in .*: expected a day as YYYY-MM-DD/);
  });
});

describe('DailySnapshots on other folders', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'strata-daily-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('says when the folder of daily snapshots itself does not exist', async () => {
    const missing = path.join(dir, 'nowhere');
    await expect(new DailySnapshots(missing).readPosts('2026-01-01')).rejects.toThrow(`(the folder ${missing} does not exist)`);
  });

  it('says which file a day folder lacks, with the command that writes whole days', async () => {
    await mkdir(path.join(dir, '2026-01-01'));
    const error = await new DailySnapshots(dir).readPosts('2026-01-01').catch((caught: unknown) => caught);
    expect((error as SourceError).message).toBe(`The daily snapshot 2026-01-01 has no posts.json: no file ${path.join(dir, '2026-01-01', 'posts.json')}.`);
    expect((error as SourceError).hint).toMatch(/^Write daily snapshots with `assets sample generate --days N/);
  });
});
