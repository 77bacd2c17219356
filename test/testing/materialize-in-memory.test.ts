import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summary, topAuthors, userStats } from '../../src/assets/analytics.js';
import { definitions } from '../../src/assets/definitions.js';
import { posts, users } from '../../src/assets/sources.js';
import { JsonSource, materializeInMemory, SourceError, StrataError, Table, UnknownAssetError, UsageError } from '../../src/index.js';

const EDGE_CASES = fileURLToPath(new URL('../fixtures/edge-cases/', import.meta.url));

const user = (id: number, name: string) => ({
  id,
  name,
  username: name.toLowerCase(),
  email: `${name.toLowerCase()}@example.com`,
  phone: '',
  website: '',
  city: 'Lyon',
  zipcode: '69001',
  lat: 45.76,
  lng: 4.83,
  company_name: 'Acme',
});
const post = (id: number, userId: number, words: number) => ({
  id,
  user_id: userId,
  title: `post ${id}`,
  body: Array.from({ length: words }, () => 'word').join(' '),
  title_length: `post ${id}`.length,
  body_length: words * 5 - 1,
  word_count: words,
});

/** The testing helper, on the example pipeline's own assets. */
describe('materializeInMemory', () => {
  it("materializes the example's six tables from its bundled sample and returns every table, typed by the asset's schema", async () => {
    // A run materializes one partition or none: the daily-partitioned group is for `assets materialize`.
    const run = await materializeInMemory(definitions, { select: 'not group:daily' });
    expect(Object.keys(run.tables)).toEqual(['posts', 'posts_enriched', 'summary', 'top_authors', 'user_stats', 'users']);
    expect(run.result.status).toBe('success');
    expect(run.table(users).numRows).toBe(10);
    expect(run.table(posts).numRows).toBe(100);
    const [totals] = run.table(summary).rows();
    expect(totals).toMatchObject({ total_users: 10, total_posts: 100, avg_posts_per_user: 10 });
    expect(run.table(topAuthors).column('rank')).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs only the selection, with its upstreams when asked for', async () => {
    const run = await materializeInMemory(definitions, { select: '+top_authors' });
    expect(Object.keys(run.tables)).toEqual(['posts', 'top_authors', 'user_stats', 'users']);
    expect(run.result.assets.map((asset) => asset.key)).toEqual(['posts', 'users', 'user_stats', 'top_authors']);
  });

  it('computes an asset from upstream tables given as inputs, without running the upstreams', async () => {
    const run = await materializeInMemory(definitions, {
      select: 'user_stats',
      inputs: {
        users: [user(1, 'Ada'), user(2, 'Grace')],
        posts: Table.fromRows([post(1, 1, 4), post(2, 1, 2), post(3, 9, 7)], ['id', 'user_id', 'title', 'body', 'title_length', 'body_length', 'word_count']),
      },
    });
    expect(run.result.assets.map((asset) => [asset.key, asset.action])).toEqual([['user_stats', 'materialized']]);
    expect(run.table(userStats).rows()).toEqual([
      { user_id: 1, name: 'Ada', username: 'ada', post_count: 2, total_words: 6, avg_words_per_post: 3, avg_title_length: 6 },
      { user_id: 2, name: 'Grace', username: 'grace', post_count: 0, total_words: 0, avg_words_per_post: 0, avg_title_length: 0 },
    ]);
    expect(Object.keys(run.tables)).toEqual(['posts', 'user_stats', 'users']);
  });

  it('uses a resource instance given by key instead of creating it', async () => {
    const run = await materializeInMemory(definitions, { select: 'users', resources: { placeholder_api: new JsonSource({ url: EDGE_CASES }) } });
    expect(run.table(users).column('id')).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('configures resources from the environment it is given, not from process.env', async () => {
    const run = await materializeInMemory(definitions, { select: 'users', env: { STRATA_SOURCE_URL: EDGE_CASES } });
    expect(run.table(users).numRows).toBe(7);
  });

  it('throws when an asset fails, with its error and the assets skipped because of it', async () => {
    const down = () => new SourceError('the API is down');
    // Users are read whole and posts batch by batch: both ways fail.
    const failing = {
      readRows: () => Promise.reject(down()),
      readBatches: async function* () {
        throw down();
      },
      version: () => Promise.resolve(undefined),
    };
    const run = materializeInMemory(definitions, { select: '+user_stats', resources: { placeholder_api: failing } });
    await expect(run).rejects.toThrow(StrataError);
    await expect(run).rejects.toThrow(/^materializeInMemory: 3 assets did not materialize:\n {2}- posts: the API is down\n {2}- users: the API is down\n {2}- user_stats: upstream posts, users did not materialize$/);
  });

  it('checks inputs against their asset schema before running anything', async () => {
    const run = materializeInMemory(definitions, { select: 'user_stats', inputs: { users: [{ ...user(1, 'Ada'), id: 'one' }], posts: [] } });
    await expect(run).rejects.toThrow(/users/);
    await expect(run).rejects.toThrow(/"one"/);
  });

  it('rejects an unknown input, resource or table with a suggestion', async () => {
    await expect(materializeInMemory(definitions, { inputs: { user: [] } })).rejects.toThrow(UnknownAssetError);
    await expect(materializeInMemory(definitions, { resources: { placeholder: {} } })).rejects.toThrow(/no asset uses a resource with key "placeholder"/);
    const run = await materializeInMemory(definitions, { select: 'users' });
    expect(() => run.table('summary')).toThrow(UsageError);
    expect(() => run.table('summary')).toThrow(/stored no table for "summary"/);
  });
});
