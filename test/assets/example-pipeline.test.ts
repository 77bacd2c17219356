import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineDefinitions, JsonSource, materialize, MemoryIOManager, type Definitions } from '../../src/index.js';
import { summary, topAuthors, userStats } from '../../src/assets/analytics.js';
import { posts, users } from '../../src/assets/sources.js';
import { postsEnriched } from '../../src/assets/transforms.js';
import { SqliteInstanceStorage } from '../../src/storage/sqlite-instance-storage.js';

const EDGE_CASES = fileURLToPath(new URL('../fixtures/edge-cases/', import.meta.url));

describe('the example pipeline on edge-case fixtures', () => {
  let io: MemoryIOManager;
  let storage: SqliteInstanceStorage;
  let definitions: Definitions;

  beforeEach(async () => {
    io = new MemoryIOManager();
    storage = await SqliteInstanceStorage.open({ path: ':memory:' });
    definitions = defineDefinitions({
      assets: [users, posts, postsEnriched, userStats, topAuthors, summary],
      ioManagers: { default: io },
      resources: { placeholder_api: new JsonSource({ url: EDGE_CASES }) },
    });
    const result = await materialize(definitions, { storage });
    expect(result.status).toBe('success');
  });
  afterEach(() => storage.close());

  const rows = async (key: string) => (await io.load(definitions.asset(key)!)).rows();

  it('cleans users, keeps the first of duplicate ids, flattens address and company, and sorts by id', async () => {
    const table = await rows('users');
    expect(table.map((user) => user.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(table[0]).toMatchObject({ name: 'Leanne Graham', email: 'sincere@april.biz', zipcode: '92998-3874', lat: 10.5, lng: -20.25, company_name: 'Romaguera-Crona' });
    expect(table[2]).toEqual({
      id: 3,
      name: 'Zoë Ångström',
      username: 'zoe',
      email: 'zoe@example.com',
      phone: '1-770-736-8031 x56442',
      website: 'hildegard.org',
      city: 'São Paulo',
      zipcode: '01234',
      lat: -37.3159,
      lng: 81.1496,
      company_name: 'Romaguera, "Crona"',
    });
    expect(table[3]).toMatchObject({ name: '王小明', city: '北京', zipcode: '00501', lat: 0, lng: 0 });
  });

  it('cleans posts, counts code points and words, and keeps the first of duplicate ids', async () => {
    const table = await rows('posts');
    expect(table.map((post) => post.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(table[0]).toEqual({ id: 1, user_id: 1, title: 'Hello, world', body: 'first line second line', title_length: 12, body_length: 22, word_count: 4 });
    expect(table[1]).toEqual({ id: 2, user_id: 1, title: 'Quote "this"', body: 'a b c', title_length: 12, body_length: 5, word_count: 3 });
    expect(table[2]).toEqual({ id: 3, user_id: 2, title: 'Emoji 🚀 ok', body: 'one two three', title_length: 10, body_length: 13, word_count: 3 });
    expect(table[4]).toMatchObject({ title: 'Ünïcödé', title_length: 7, body: 'naïve café', body_length: 10, word_count: 2 });
    expect(table[8]).toEqual({ id: 9, user_id: 7, title: '', body: '', title_length: 0, body_length: 0, word_count: 0 });
  });

  it('enriches posts with their author, leaving author fields empty for orphan posts', async () => {
    const table = await rows('posts_enriched');
    expect(table).toHaveLength(9);
    expect(table[3]).toMatchObject({ id: 4, user_id: 99, author_name: '', author_username: '', author_email: '', company_name: '' });
    expect(table[4]).toMatchObject({ id: 5, user_id: 3, title: 'Ünïcödé', author_name: 'Zoë Ångström', author_username: 'zoe', author_email: 'zoe@example.com', company_name: 'Romaguera, "Crona"' });
    expect(Object.keys(table[0]!)).toEqual(['id', 'user_id', 'title', 'body', 'title_length', 'body_length', 'word_count', 'author_name', 'author_username', 'author_email', 'company_name']);
  });

  it('computes user stats for every user, zero for users without posts', async () => {
    expect(await rows('user_stats')).toEqual([
      { user_id: 1, name: 'Leanne Graham', username: 'Bret', post_count: 2, total_words: 7, avg_words_per_post: 3.5, avg_title_length: 12 },
      { user_id: 2, name: 'Ervin Howell', username: 'Antonette', post_count: 1, total_words: 3, avg_words_per_post: 3, avg_title_length: 10 },
      { user_id: 3, name: 'Zoë Ångström', username: 'zoe', post_count: 1, total_words: 2, avg_words_per_post: 2, avg_title_length: 7 },
      { user_id: 4, name: '王小明', username: 'xiaoming', post_count: 0, total_words: 0, avg_words_per_post: 0, avg_title_length: 0 },
      { user_id: 5, name: 'Ana', username: 'ana', post_count: 1, total_words: 4, avg_words_per_post: 4, avg_title_length: 2 },
      { user_id: 6, name: 'Bo', username: 'bo', post_count: 1, total_words: 4, avg_words_per_post: 4, avg_title_length: 2 },
      { user_id: 7, name: 'Cy', username: 'cy', post_count: 2, total_words: 1, avg_words_per_post: 0.5, avg_title_length: 1 },
    ]);
  });

  it('ranks the top five authors by posts, then words, then lowest id', async () => {
    const table = await rows('top_authors');
    expect(table.map((row) => [row.rank, row.user_id])).toEqual([[1, 1], [2, 7], [3, 5], [4, 6], [5, 2]]);
    expect(table[0]).toEqual({ rank: 1, user_id: 1, name: 'Leanne Graham', username: 'Bret', post_count: 2, total_words: 7, avg_words_per_post: 3.5 });
  });

  it('summarises totals, averages rounded to 2 decimals, orphans and users without posts', async () => {
    expect(await rows('summary')).toEqual([
      { total_users: 7, total_posts: 9, avg_posts_per_user: 1.29, avg_words_per_post: 2.56, max_words_post_id: 1, users_without_posts: 1, orphan_posts: 1 },
    ]);
  });
});
