import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../resources/loopback-server.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

/** What the loopback API sends as validators: both, one of them, or none. */
type Validators = 'etag' | 'last-modified' | 'none';

/**
 * HTTP sources are observed, not assumed: planning asks the example's API
 * for /users and /posts with HEAD and compares their ETag or Last-Modified.
 */
describe('observing the example API over HTTP', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: LoopbackServer;
  let validators: Validators;
  const bodies: Record<string, string> = {};
  /** Bumped to tell the server the posts changed. */
  let postsRevision = 1;
  /** Whether HEAD answers 500, so observing the sources throws while fetching them still works. */
  let headFails = false;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    validators = 'etag';
    postsRevision = 1;
    headFails = false;
    bodies['/users'] = await readFile(path.join(FIXTURES, 'edge-cases', 'users.json'), 'utf8');
    bodies['/posts'] = await readFile(path.join(FIXTURES, 'edge-cases', 'posts.json'), 'utf8');
    server = await startLoopbackServer((request: IncomingMessage, response: ServerResponse) => {
      const body = bodies[request.url ?? ''];
      if (body === undefined) return void response.writeHead(404).end();
      if (headFails && request.method === 'HEAD') return void response.writeHead(500).end();
      const revision = request.url === '/posts' ? postsRevision : 1;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (validators === 'etag') headers['etag'] = `"${request.url}-r${revision}"`;
      if (validators === 'last-modified') headers['last-modified'] = new Date(Date.UTC(2026, 0, revision)).toUTCString();
      response.writeHead(200, headers).end(request.method === 'HEAD' ? undefined : body);
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  const cli = (args: string[]) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, STRATA_SOURCE_URL: server.url } });
  const requests = () => server.requests.map((request) => `${request.method} ${request.url}`);
  const status = async () => Object.fromEntries(JSON.parse((await cli(['status', '--json'])).stdout).assets.map((asset: { key: string; reasons: string[] }) => [asset.key, asset.reasons]));

  for (const kind of ['etag', 'last-modified'] as const) {
    it(`costs one HEAD per source when nothing changed and makes posts stale when its ${kind} changes`, async () => {
      validators = kind;
      expect((await cli(['materialize'])).code).toBe(0);
      server.requests.length = 0;
      expect(await status()).toMatchObject({ users: [], posts: [], top_authors: [] });
      expect(requests().sort()).toEqual(['HEAD /posts', 'HEAD /users']);

      postsRevision = 2;
      expect(await status()).toMatchObject({ users: [], posts: ['upstream-changed'], user_stats: ['upstream-planned'] });
      const why = await cli(['why', 'posts']);
      expect(why.stdout).toContain(`The source data of posts (${server.url}/posts) changed since it was last materialized`);
      const fresh = await cli(['why', 'users']);
      expect(fresh.stdout).toMatch(new RegExp(`Its source, ${server.url}/users, was checked \\(checked with its ${kind === 'etag' ? 'ETag' : 'Last-Modified date'}`));
    });
  }

  it('says plainly that a source without validators cannot be checked, in status, why, the plan and JSON', async () => {
    validators = 'none';
    expect((await cli(['materialize'])).code).toBe(0);
    const status = await cli(['status']);
    expect(status.stdout).toContain(`Note: posts reads from ${server.url}/posts, which cannot be checked for changes without fetching it (the server sends no ETag or Last-Modified for it): it is assumed unchanged. Fetch it anyway with \`assets materialize --refresh posts\` (or \`--refresh group:sources\`).`);
    const why = JSON.parse((await cli(['why', 'posts', '--json'])).stdout);
    expect(why).toMatchObject({ status: 'fresh', source: { location: `${server.url}/posts`, checked: false, note: 'the server sends no ETag or Last-Modified for it' } });
    expect(why.source.sentence).toMatch(/cannot be checked for changes without fetching it/);
    const plan = await cli(['materialize', '--dry-run']);
    // Every asset of the example, the two daily ones too, none of them stale.
    expect(plan.stdout).toMatch(/^Everything is up to date \(9 assets selected\)\.\nNote: posts reads from /);
    const planJson = JSON.parse((await cli(['materialize', '--dry-run', '--json'])).stdout);
    expect(planJson.sources).toEqual([
      { key: 'posts', location: `${server.url}/posts`, checked: false, note: 'the server sends no ETag or Last-Modified for it' },
      { key: 'users', location: `${server.url}/users`, checked: false, note: 'the server sends no ETag or Last-Modified for it' },
    ]);
    const run = await cli(['materialize']);
    expect(run.stdout).toBe('Everything is up to date.\n');
    expect(run.stderr).toMatch(/Note: users reads from .*cannot be checked/);
  });

  it('says, after a run that could not observe a source, that the version it read is not known, rather than that it changed', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    headFails = true;
    const run = await cli(['materialize', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).assets.find((asset: { key: string }) => asset.key === 'users')).toMatchObject({ action: 'materialized', reasons: ['unreadable'] });
    headFails = false;
    expect(await status()).toMatchObject({ users: ['upstream-changed'], posts: ['upstream-changed'], user_stats: ['upstream-planned'] });
    const why = await cli(['why', 'users']);
    expect(why.stdout).toContain(`The source data of users (${server.url}/users) could not be observed when it was last materialized (its observe failed), so the version it read is not known.`);
    expect((await cli(['materialize'])).code).toBe(0);
    expect(Object.values(await status()).flat()).toEqual([]);
  });

  it('falls back to a GET whose body it drops when the server refuses HEAD', async () => {
    const fallback = await startLoopbackServer((request, response) => {
      if (request.method === 'HEAD') return void response.writeHead(405).end();
      response.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(bodies[request.url ?? ''] ?? '[]');
    });
    try {
      const env = { ...workspace.env, STRATA_SOURCE_URL: fallback.url };
      expect((await runCli(['materialize'], { cwd: workspace.dir, env })).code).toBe(0);
      const why = await runCli(['why', 'posts', '--json'], { cwd: workspace.dir, env });
      expect(JSON.parse(why.stdout)).toMatchObject({ status: 'fresh', source: { checked: true } });
    } finally {
      await fallback.close();
    }
  });
});
