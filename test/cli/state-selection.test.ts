import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../resources/loopback-server.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface ListJson {
  assets: { key: string; status: string }[];
}

/** `status:` atoms through the built CLI, on the example and one instance across commands. */
describe('selecting by state', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, ...env } });
  const keys = async (command: 'list' | 'status', select: string) => {
    const result = await cli([command, '--select', select, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as ListJson).assets.map((asset) => `${asset.key}:${asset.status}`);
  };
  const editPosts = async (edit: (posts: Record<string, unknown>[]) => void) => {
    const file = path.join(workspace.source, 'posts.json');
    const posts = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    edit(posts);
    await writeFile(file, JSON.stringify(posts, null, 2));
  };

  it('lists what a changed source file made stale, and with status:stale+ what it feeds', async () => {
    expect((await cli(['materialize', '--select', '+user_stats'])).code).toBe(0);
    expect(await keys('list', 'status:stale+')).toEqual([]);
    const file = path.join(workspace.source, 'users.json');
    const users = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    users[0]!.name = 'A Changed Name';
    await writeFile(file, JSON.stringify(users, null, 2));
    expect(await keys('list', 'status:stale')).toEqual(['users:stale', 'user_stats:stale']);
    expect(await keys('list', 'status:stale+')).toEqual(['users:stale', 'posts_enriched:missing', 'user_stats:stale', 'summary:missing', 'top_authors:missing']);
    expect(await keys('status', '+status:stale and not status:stale')).toEqual(['posts:fresh']);
    expect(await keys('status', 'status:stale+ and group:analytics and not status:missing')).toEqual(['user_stats:stale']);
  });

  it('says which selected assets stay stale for upstreams the selection leaves out, where a run has nothing to do', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    await editPosts((posts) => {
      posts[0]!.title = 'An edited title';
    });
    // status calls posts_enriched stale: posts will be rebuilt first. A run of posts_enriched alone reads the posts stored.
    expect(await keys('status', 'posts_enriched')).toEqual(['posts_enriched:stale']);
    const expected = [
      'Nothing to run, but 1 selected asset stays stale: a run uses what unselected upstreams stored.',
      '  posts_enriched: its upstream posts is not up to date, and not selected',
      'Select the upstreams too to bring it up to date, e.g. --select +posts_enriched.',
      '',
    ].join('\n');
    for (const args of [['--select', 'posts_enriched'], ['--select', 'posts_enriched and status:stale'], ['--select', 'posts_enriched', '--dry-run']]) {
      const run = await cli(['materialize', ...args]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, args.join(' ')).toBe(expected);
    }
    // With its upstream, it runs, and then nothing is left stale.
    expect((await cli(['materialize', '--select', '+posts_enriched'])).code).toBe(0);
    expect((await cli(['materialize', '--select', 'posts_enriched'])).stdout).toBe('Everything is up to date.\n');
  });

  it('says which selected assets stay stale after a run or dry run that has work, for upstreams the selection leaves out', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    await editPosts((posts) => {
      posts[0]!.title = 'An edited title';
    });
    const usersFile = path.join(workspace.source, 'users.json');
    const users = JSON.parse(await readFile(usersFile, 'utf8')) as Record<string, unknown>[];
    users[0]!.name = 'A Changed Name';
    await writeFile(usersFile, JSON.stringify(users, null, 2));
    // users runs, and posts_enriched after it on the posts stored; top_authors waits for user_stats. Both stay stale.
    const staysStale = [
      '2 selected assets stay stale: a run uses what unselected upstreams stored.',
      '  posts_enriched: its upstream posts is not up to date, and not selected',
      '  top_authors: its upstream user_stats is not up to date, and not selected',
      'Select the upstreams too to bring them up to date, e.g. --select +posts_enriched.',
      '',
    ].join('\n');
    const select = ['--select', 'users,posts_enriched,top_authors'];
    const dryRun = await cli(['materialize', ...select, '--dry-run']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain(`2 of 3 selected assets would run (dry run: nothing was written).\n\n${staysStale}`);
    const run = await cli(['materialize', ...select]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 materialized');
    expect(run.stdout.endsWith(`\n\n${staysStale}`), run.stdout).toBe(true);
    expect(await keys('status', 'posts_enriched or top_authors')).toEqual(['posts_enriched:stale', 'top_authors:stale']);
    // With everything upstream selected, the run leaves nothing stale, and says nothing more.
    const whole = await cli(['materialize', '--select', '+posts_enriched,+top_authors']);
    expect(whole.stdout).not.toContain('stay stale');
    expect(whole.stdout).toMatch(/success in .*\n$/);
  });

  it('selects missing assets, and says so on stderr when a state selects nothing', async () => {
    expect((await cli(['materialize', '--select', '+user_stats'])).code).toBe(0);
    expect(await keys('list', 'status:missing')).toEqual(['posts_daily:missing', 'posts_enriched:missing', 'user_stats_daily:missing', 'summary:missing', 'top_authors:missing', 'user_trends:missing']);
    const none = await cli(['status', '--select', 'status:stale']);
    expect(none).toMatchObject({ code: 0, stdout: '', stderr: 'No assets selected: none is in the state the selection asks for now.\n' });
  });

  it('selects the assets whose last attempt failed, until one succeeds', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    await editPosts((posts) => {
      posts[0]!.id = 'not a number';
    });
    expect((await cli(['materialize'])).code).toBe(1);
    expect(await keys('list', 'status:failed')).toEqual(['posts:stale']);
    expect(await keys('list', 'status:failed+ and group:analytics')).toEqual(['user_stats:stale', 'summary:stale', 'top_authors:stale']);
    // The fix is a new snapshot, so posts is stale again and the selection runs it.
    await editPosts((posts) => {
      posts[0]!.id = 1001;
    });
    const retried = await cli(['materialize', '--select', 'status:failed', '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ status: 'success', assets: [{ key: 'posts' }] });
    expect(await keys('list', 'status:failed')).toEqual([]);
  });

  it('materializes a state selection, and does nothing when it selects nothing', async () => {
    expect((await cli(['materialize', '--select', 'group:sources'])).code).toBe(0);
    const dryRun = await cli(['materialize', '--select', 'status:missing and group:analytics and not summary', '--dry-run', '--json']);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ selected: ['user_stats', 'top_authors'] });
    const stale = await cli(['materialize', '--select', 'status:stale']);
    expect(stale).toMatchObject({ code: 0, stdout: 'Everything is up to date.\n' });
  });

  it('rejects an unknown state with the column and a did-you-mean', async () => {
    const result = await cli(['list', '--select', '+status:stael']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: Invalid selection: unknown status "stael"; did you mean "status:stale"?\n  +status:stael\n          ^\n');
  });

  it('refuses to queue a run selected by state', async () => {
    const result = await cli(['materialize', '--select', 'status:stale', '--queue']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('A queued run cannot select by state ("status:stale")');
  });

  it('plans once per command: status and materialize with a state atom observe each source once', async () => {
    const users = await readFile(path.join(FIXTURES, 'edge-cases', 'users.json'), 'utf8');
    const posts = await readFile(path.join(FIXTURES, 'edge-cases', 'posts.json'), 'utf8');
    const send = (response: ServerResponse, body: string) => response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const server = await startLoopbackServer((request, response) => {
      if (request.url === '/users') return send(response, request.method === 'HEAD' ? '' : users);
      if (request.url === '/posts') return send(response, request.method === 'HEAD' ? '' : posts);
      response.writeHead(404).end();
    });
    try {
      const env = { STRATA_SOURCE_URL: server.url };
      expect((await cli(['materialize', '--select', '+user_stats'], env)).code).toBe(0);
      const probes = () => server.requests.filter((request) => request.method === 'HEAD').length;
      const before = probes();
      // The states of the selected assets (sources among them) come from the plan that resolved the selection.
      // The six tables: the daily group reads no HTTP source, and materializing it is a run per day.
      const result = await cli(['status', '--select', '+status:missing and not group:daily', '--json'], env);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as ListJson).assets.map((asset) => asset.key)).toEqual(['posts', 'users', 'posts_enriched', 'user_stats', 'summary', 'top_authors']);
      expect(probes() - before).toBe(2);

      // A run of a state selection plans from the plan that resolved it: the sources are observed once, not twice.
      const beforeRun = probes();
      const run = await cli(['materialize', '--select', '+status:missing and not group:daily', '--json'], env);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { assets: { key: string }[] }).assets.map((asset) => asset.key)).toEqual(['posts_enriched', 'summary', 'top_authors']);
      expect(probes() - beforeRun).toBe(2);
    } finally {
      await server.close();
    }
  });
});
