import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

const DEFINITIONS = path.join(FIXTURES, 'multi-asset-definitions.mjs');

interface MaterializeJson {
  readonly status: string;
  readonly assets: readonly { key: string; action: string; reasons: string[]; rows: number | null; dataVersion: string | null }[];
  readonly checks: readonly { check: string; status: string }[];
}

interface HistoryJson {
  readonly key: string;
  readonly materializations: readonly { runId: string; dataVersion: string; codeVersion: string; rows: number; metadata: { path: string } }[];
}

/** One multi-asset, placeholder_api, yields users and posts (each in its own CSV folder); post_counts reads both. */
describe('multi-assets through the CLI', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let callsFile: string;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    callsFile = path.join(workspace.dir, 'calls.txt');
  });
  afterEach(() => workspace.cleanup());
  const cli = (...args: string[]) => runCli([...args, '--definitions', DEFINITIONS], { cwd: workspace.dir, env: { ...workspace.env, MULTI_ASSET_CALLS: callsFile } });
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args, '--json');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error'))).toEqual([]);
    return JSON.parse(result.stdout) as T;
  };
  /** The compute's calls so far: the outputs each was asked for, and the thread it ran on. */
  const calls = async () => (existsSync(callsFile) ? (await readFile(callsFile, 'utf8')).trim().split('\n') : []);
  const outcome = (run: MaterializeJson) => run.assets.map((entry) => `${entry.key}:${entry.action}`);

  it('computes both outputs in one call, stores each through its own IO manager, and records them apart', async () => {
    const run = await json<MaterializeJson>('materialize');
    expect(run.status).toBe('success');
    expect(outcome(run)).toEqual(['posts:materialized', 'users:materialized', 'post_counts:materialized']);
    expect(await calls()).toEqual(['posts,users thread=0']);
    expect(await readFile(path.join(workspace.output, 'users.csv'), 'utf8')).toBe('id,name\n1,Ann\n2,Bo\n');
    expect(await readFile(path.join(workspace.output, 'archive', 'posts.csv'), 'utf8')).toBe('id,user_id,title\n10,1,a\n11,1,b\n12,2,c\n');
    expect(await readFile(path.join(workspace.output, 'post_counts.csv'), 'utf8')).toBe('name,posts\nAnn,2\nBo,1\n');
    // users' check ran on what users stored; posts has none.
    expect(run.checks.map((check) => `${check.check}:${check.status}`)).toEqual(['users.unique_id:passed']);

    const [users, posts] = [await json<HistoryJson>('history', 'users'), await json<HistoryJson>('history', 'posts')];
    expect(users.materializations).toHaveLength(1);
    expect(posts.materializations).toHaveLength(1);
    expect(users.materializations[0]!.dataVersion).not.toBe(posts.materializations[0]!.dataVersion);
    // One compute, one code version, one run.
    expect(users.materializations[0]!.codeVersion).toBe(posts.materializations[0]!.codeVersion);
    expect(users.materializations[0]!.runId).toBe(posts.materializations[0]!.runId);
    expect(posts.materializations[0]!.metadata.path).toBe(path.join(workspace.output, 'archive', 'posts.csv'));

    const lineage = await cli('lineage', 'post_counts');
    expect(lineage.code).toBe(0);
    expect(lineage.stdout.split('\n').map((line) => line.replace(/\s+\S+Z$/, '').trimEnd())).toEqual([
      '● post_counts  fresh',
      '├── ● posts    fresh',
      '└── ● users    fresh',
      '',
    ]);
    const logs = await cli('logs', 'latest');
    // Each output starts and succeeds as an asset of its own; the one compute logs once.
    expect(logs.stdout.split('\n').filter((line) => / (posts|users) +1 +(step-start|step-success|log) /.test(line)).map((line) => line.replace(/^\S+\s+\S+\s+/, '').replace(/\s+/g, ' '))).toEqual([
      'posts 1 step-start Materializing posts',
      'users 1 step-start Materializing users',
      'posts 1 log one call for posts and users',
      'posts 1 step-success Materialized posts: 3 rows',
      'users 1 step-success Materialized users: 2 rows',
    ]);

    // Everything is fresh: nothing runs, the compute is not called.
    const again = await cli('materialize');
    expect(again.code).toBe(0);
    expect(await calls()).toHaveLength(1);
  });

  it('stores only the selected output, then only the stale one, with one call each time', async () => {
    const usersOnly = await json<MaterializeJson>('materialize', '--select', 'users');
    expect(outcome(usersOnly)).toEqual(['users:materialized']);
    expect(await calls()).toEqual(['users thread=0']);
    // The posts the compute returned were dropped, not stored.
    expect(existsSync(path.join(workspace.output, 'archive', 'posts.csv'))).toBe(false);

    const status = await json<{ assets: { key: string; status: string }[] }>('status');
    expect(status.assets.map((entry) => `${entry.key}:${entry.status}`)).toEqual(['posts:missing', 'users:fresh', 'post_counts:missing']);

    const rest = await json<MaterializeJson>('materialize');
    expect(outcome(rest)).toEqual(['posts:materialized', 'post_counts:materialized']);
    expect(await calls()).toEqual(['users thread=0', 'posts thread=0']);
    const users = await json<HistoryJson>('history', 'users');
    expect(users.materializations.map((entry) => entry.runId)).toEqual([users.materializations[0]!.runId]);

    // Refreshing one output recomputes once, stores it alone, and the early cutoff spares post_counts (same data).
    const refreshed = await json<MaterializeJson>('materialize', '--refresh', 'posts');
    expect(outcome(refreshed)).toEqual(['posts:materialized', 'post_counts:up-to-date']);
    expect(await calls()).toEqual(['users thread=0', 'posts thread=0', 'posts thread=0']);
  });

  it('runs the one compute in a worker thread with --executor workers', async () => {
    const run = await json<MaterializeJson>('materialize', '--executor', 'workers');
    expect(outcome(run)).toEqual(['posts:materialized', 'users:materialized', 'post_counts:materialized']);
    const lines = await calls();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^posts,users thread=[1-9]\d*$/);
    expect(await readFile(path.join(workspace.output, 'post_counts.csv'), 'utf8')).toBe('name,posts\nAnn,2\nBo,1\n');

    const refreshed = await json<MaterializeJson>('materialize', '--executor', 'workers', '--refresh', 'users', '--select', 'users');
    expect(outcome(refreshed)).toEqual(['users:materialized']);
    expect((await calls())[1]).toMatch(/^users thread=[1-9]\d*$/);
  });
});
