import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface MaterializeJson {
  runId: string | null;
  status: string;
  assets: { key: string; action: string; reasons: string[]; dataVersion: string | null }[];
  partitions?: unknown[];
}

/** Staleness end to end: the built CLI on the example, one instance across several commands. */
describe('materialize plans by staleness', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, ...env } });
  const materialize = async (...args: string[]) => {
    const result = await cli(['materialize', '--json', ...args]);
    expect(result.stderr).not.toMatch(/"level":50/);
    return { code: result.code, json: JSON.parse(result.stdout) as MaterializeJson };
  };
  const actions = (json: MaterializeJson) => Object.fromEntries(json.assets.map((asset) => [asset.key, asset.action]));
  const editPosts = async (edit: (posts: { id: number; userId: number; title: string; body: string }[]) => void) => {
    const file = path.join(workspace.source, 'posts.json');
    const posts = JSON.parse(await readFile(file, 'utf8')) as { id: number; userId: number; title: string; body: string }[];
    edit(posts);
    await writeFile(file, JSON.stringify(posts, null, 2));
  };

  it('materializes all six the first time and nothing the second', async () => {
    const first = await materialize();
    expect(first.json.status).toBe('success');
    // After a run per day of the daily assets, the six tables and user_trends in one run.
    expect(first.json.partitions).toHaveLength(14);
    expect(first.json.assets.map((asset) => asset.key)).toEqual(['posts', 'users', 'posts_enriched', 'user_stats', 'summary', 'top_authors', 'user_trends']);
    expect(first.json.assets.every((asset) => asset.action === 'materialized')).toBe(true);
    expect(first.json.assets[0]!.reasons).toEqual(['missing']);

    const second = await materialize();
    expect(second).toEqual({ code: 0, json: { runId: null, status: 'nothing-to-do', tags: {}, parentRunId: null, assets: [], checks: [], staysStale: { assets: [], partitions: [] } } });
    const plain = await cli(['materialize']);
    expect(plain).toMatchObject({ code: 0, stdout: 'Everything is up to date.\n' });
  });

  it('materializes exactly the selection and its ancestors with +top_authors, then does nothing', async () => {
    const first = await materialize('--select', '+top_authors');
    expect(actions(first.json)).toEqual({ posts: 'materialized', users: 'materialized', user_stats: 'materialized', top_authors: 'materialized' });
    expect((await materialize('--select', '+top_authors')).json.status).toBe('nothing-to-do');
    const dryRun = await cli(['materialize', '--select', '+top_authors', '--dry-run', '--json']);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ selected: ['posts', 'users', 'user_stats', 'top_authors'], plan: [] });
  });

  it('re-runs posts and what depends on it when one post changed in a new snapshot', async () => {
    await materialize();
    await editPosts((posts) => {
      posts.find((post) => post.id === 6)!.body = 'w w w w w w';
    });
    const second = await materialize();
    expect(second.json.status).toBe('success');
    expect(actions(second.json)).toEqual({
      posts: 'materialized',
      posts_enriched: 'materialized',
      user_stats: 'materialized',
      summary: 'materialized',
      top_authors: 'materialized',
    });
    expect(second.json.assets.find((asset) => asset.key === 'posts')!.reasons).toEqual(['upstream-changed']);
  });

  it('cuts off early after --refresh group:sources when the only change is whitespace', async () => {
    const first = await materialize();
    await editPosts((posts) => {
      posts[0]!.body = `  ${posts[0]!.body.replace(' ', '   \n ')}  `;
    });
    const second = await materialize('--refresh', 'group:sources');
    expect(actions(second.json)).toEqual({
      posts: 'materialized',
      users: 'materialized',
      posts_enriched: 'up-to-date',
      user_stats: 'up-to-date',
      summary: 'up-to-date',
      top_authors: 'up-to-date',
    });
    const version = (json: MaterializeJson) => json.assets.find((asset) => asset.key === 'posts')!.dataVersion;
    expect(version(second.json)).toBe(version(first.json));
  });

  it('keeps top_authors up to date when a post title changes but keeps its length', async () => {
    await materialize();
    await editPosts((posts) => {
      posts.find((post) => post.id === 7)!.title = 'T6';
    });
    const second = await materialize();
    expect(actions(second.json)).toEqual({
      posts: 'materialized',
      posts_enriched: 'materialized',
      user_stats: 'materialized',
      summary: 'materialized',
      top_authors: 'up-to-date',
    });
  });

  it('plans a deleted output as missing and a hand-edited one as output-modified', async () => {
    await materialize();
    await rm(path.join(workspace.output, 'summary.csv'));
    const editedFile = path.join(workspace.output, 'top_authors.csv');
    await writeFile(editedFile, (await readFile(editedFile, 'utf8')).replace('Leanne Graham', 'Leanne G.'));
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { assets: { key: string; status: string; reasons: string[] }[] };
    const byKey = Object.fromEntries(status.assets.map((asset) => [asset.key, [asset.status, asset.reasons]]));
    expect(byKey.summary).toEqual(['missing', ['missing']]);
    expect(byKey.top_authors).toEqual(['stale', ['output-modified']]);
    expect(byKey.users).toEqual(['fresh', []]);
    const rerun = await materialize();
    expect(actions(rerun.json)).toEqual({ summary: 'materialized', top_authors: 'materialized' });
    expect(await readFile(editedFile, 'utf8')).toMatch(/Leanne Graham/);
  });

  it('restores a hand-edited upstream and cuts off what reads it: the rebuilt table is the one they read', async () => {
    await materialize();
    const editedFile = path.join(workspace.output, 'users.csv');
    await writeFile(editedFile, (await readFile(editedFile, 'utf8')).replace('Leanne Graham', 'Leanne G.'));
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { assets: { key: string; reasons: string[] }[] };
    const reasons = Object.fromEntries(status.assets.map((asset) => [asset.key, asset.reasons]));
    expect(reasons.users).toEqual(['output-modified']);
    // What users stores now is about to be replaced: its readers wait for what the run stores.
    expect(reasons.posts_enriched).toEqual(['upstream-planned']);
    const rerun = await materialize();
    expect(rerun.code).toBe(0);
    expect(Object.entries(actions(rerun.json)).filter(([, action]) => action !== 'up-to-date')).toEqual([['users', 'materialized']]);
    expect(await readFile(editedFile, 'utf8')).toMatch(/Leanne Graham/);
  });

  it('marks an asset code-changed and its downstream upstream-planned when its codeVersion changes', async () => {
    const definitions = path.join(FIXTURES, 'versioned-definitions.mjs');
    const run = (version: string) => cli(['materialize', '--json', '--definitions', definitions], { TEST_CODE_VERSION: version });
    expect((await run('1')).code).toBe(0);
    const dry = await cli(['materialize', '--dry-run', '--json', '--definitions', definitions], { TEST_CODE_VERSION: '2' });
    expect(JSON.parse(dry.stdout).plan).toEqual([
      { key: 'user_stats', reasons: ['code-changed'], skipped: false, blockedBy: [] },
      { key: 'top_authors', reasons: ['upstream-planned'], skipped: false, blockedBy: [] },
    ]);
    const why = await cli(['why', 'user_stats', '--definitions', definitions], { TEST_CODE_VERSION: '2' });
    expect(why.stdout).toMatch(/The code of user_stats changed since it was last materialized: its codeVersion went from "v1" to "v2"/);
  });

  it('makes an asset stale when it no longer depends on an upstream it read, and rebuilds it without it', async () => {
    const definitions = ['--definitions', path.join(FIXTURES, 'removable-dep-definitions.mjs')];
    expect((await cli(['materialize', ...definitions])).code).toBe(0);
    expect(await readFile(path.join(workspace.output, 'total.csv'), 'utf8')).toBe('n\n11\n');

    const withoutY = { TOTAL_DEPS: 'x' };
    const dry = await cli(['materialize', '--dry-run', '--json', ...definitions], withoutY);
    expect(JSON.parse(dry.stdout).plan).toEqual([{ key: 'total', reasons: ['upstream-changed'], skipped: false, blockedBy: [] }]);
    const why = await cli(['why', 'total', ...definitions], withoutY);
    expect(why.stdout).toBe('total is stale:\n  - total was last materialized reading y, which it no longer depends on.\n');
    expect((await cli(['materialize', ...definitions], withoutY)).code).toBe(0);
    expect(await readFile(path.join(workspace.output, 'total.csv'), 'utf8')).toBe('n\n1\n');
    expect((await cli(['materialize', ...definitions], withoutY)).stdout).toBe('Everything is up to date.\n');
  });

  it('refuses to run a selected asset whose unselected upstream was never materialized', async () => {
    const result = await cli(['materialize', '--select', 'top_authors']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/top_authors needs user_stats/);
    expect(result.stderr).toMatch(/hint: .*\+top_authors/);
  });

  it('explains staleness in plain sentences', async () => {
    await materialize('--select', '+user_stats');
    await editPosts((posts) => {
      posts[0]!.title = 'A different title';
    });
    await materialize('--select', 'posts');
    const why = await cli(['why', 'user_stats']);
    expect(why.code).toBe(0);
    expect(why.stdout).toMatch(/^user_stats is stale:\n {2}- posts changed since user_stats was last materialized \(data version [0-9a-f]{8}… → [0-9a-f]{8}…\)\.\n$/);
  });
});
