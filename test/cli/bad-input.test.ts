import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../resources/loopback-server.js';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface MaterializeJson {
  status: string;
  assets: { key: string; action: string; rows: number | null; error: { message: string } | null }[];
}

/**
 * Bad input of every kind: each must fail with a message naming what and
 * where, the documented exit code, and the previous outputs byte-identical.
 */
describe('bad input', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: LoopbackServer;
  let usersJson: string;
  let postsBody: Buffer | string;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    usersJson = await readFile(path.join(workspace.source, 'users.json'), 'utf8');
    postsBody = await readFile(path.join(workspace.source, 'posts.json'), 'utf8');
    server = await startLoopbackServer((request, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(request.url === '/users' ? usersJson : postsBody);
    });
  });
  afterEach(async () => {
    await server.close();
    await workspace.cleanup();
  });

  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, STRATA_SOURCE_URL: server.url, ...env } });
  // Every stored table, the daily partitions' files in their folders too.
  const outputs = async () => {
    const files = (await readdir(workspace.output, { recursive: true })).filter((file) => file.endsWith('.csv')).sort();
    return Object.fromEntries(await Promise.all(files.map(async (file) => [file, await readFile(path.join(workspace.output, file), 'utf8')] as const)));
  };

  /** Materializes everything from good data, then serves `body` as /posts and re-fetches the sources. */
  async function servePosts(body: Buffer | string) {
    expect((await cli(['materialize'])).code).toBe(0);
    const before = await outputs();
    postsBody = body;
    const result = await cli(['materialize', '--json', '--refresh', 'group:sources']);
    const json = JSON.parse(result.stdout) as MaterializeJson;
    return { result, json, before, posts: json.assets.find((asset) => asset.key === 'posts')! };
  }

  const cases: [string, Buffer | string, RegExp][] = [
    ['malformed JSON', '[{"id": 1, "userId": 1,}]', /posts: .*line 1, column 24/],
    ['an empty body', '', /empty response, expected a JSON array/],
    ['rows with a missing field', '[{"id": 1, "userId": 1, "title": "t"}]', /^posts row 0 \(id 1\) in http:\/\/127\.0\.0\.1:\d+\/posts: field "body" expected a string, got nothing \(the field is missing\)$/],
    ['a field of the wrong type', '[{"id": 1, "userId": 1, "title": 5, "body": "b"}]', /^posts row 0 \(id 1\) in http:\/\/127\.0\.0\.1:\d+\/posts: field "title" expected a string, got 5$/],
    ['an id beyond the safe integers', '[{"id": 9007199254740993, "userId": 1, "title": "t", "body": "b"}]', /^posts row 0 \(id 9007199254740992\) in .*: field "id" /],
    ['invalid UTF-8', Buffer.concat([Buffer.from('[{"id": 1, "userId": 1, "title": "'), Buffer.from([0xff, 0xfe]), Buffer.from('", "body": "b"}]')]), /^http:\/\/127\.0\.0\.1:\d+\/posts: invalid UTF-8 at byte offset 34$/],
  ];
  for (const [what, body, message] of cases) {
    it(`fails posts on ${what}, says where, exits 1 and keeps every previous output`, async () => {
      const { result, json, before, posts } = await servePosts(body);
      expect(result.code).toBe(1);
      expect(json.status).toBe('failed');
      expect(posts.action).toBe('failed');
      expect(posts.error!.message).toMatch(message);
      expect(await outputs()).toEqual(before);
    });
  }

  it('takes a 10 MB text field in its stride', async () => {
    const body = `${'lorem '.repeat(10 * 1024 * 1024 / 6)}end`;
    const { result, posts } = await servePosts(JSON.stringify([{ id: 1, userId: 1, title: 'long', body }]));
    expect(result.code).toBe(0);
    expect(posts).toMatchObject({ action: 'materialized', rows: 1 });
    const stored = (await readFile(path.join(workspace.output, 'posts.csv'), 'utf8')).split('\n')[1]!;
    expect(stored.length).toBeGreaterThan(10_000_000);
  });

  describe('a hand-edited CSV read by a downstream asset', () => {
    const edits: [string, (csv: string) => string, RegExp][] = [
      ['a missing column', (csv) => csv.replace('post_count,', '').replace(/^(\d+,[^,\n]*,[^,\n]*),\d+,/gm, '$1,'), /user_stats\.csv.*line 1.*"post_count"/s],
      ['an unparsable number', (csv) => csv.replace(/^(1,Leanne Graham,Bret),2,/m, '$1,two,'), /user_stats\.csv.*line 2.*"post_count".*"two"/s],
    ];
    for (const [what, edit, message] of edits) {
      it(`fails the reader on ${what}, naming file, line and column`, async () => {
        expect((await cli(['materialize'])).code).toBe(0);
        const file = path.join(workspace.output, 'user_stats.csv');
        await writeFile(file, edit(await readFile(file, 'utf8')));
        const before = await outputs();
        const result = await cli(['materialize', '--json', '--select', 'top_authors', '--force']);
        expect(result.code).toBe(1);
        const topAuthors = (JSON.parse(result.stdout) as MaterializeJson).assets[0]!;
        expect(topAuthors.action).toBe('failed');
        expect(topAuthors.error!.message).toMatch(message);
        expect(await outputs()).toEqual(before);
      });
    }
  });

  it('rejects an asset key that would escape the output folder', async () => {
    const result = await cli(['materialize', '--definitions', path.join(FIXTURES, 'escaping-key-definitions.mjs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/asset "\.\.\/escaped": invalid key/);
    await expect(readdir(path.join(workspace.dir, 'escaped.csv'))).rejects.toThrow();
  });

  it('fails a source whose snapshot folder lacks its file, asking to set STRATA_SOURCE_URL elsewhere', async () => {
    const empty = path.join(workspace.dir, 'empty-snapshot');
    await mkdir(empty);
    const result = await cli(['materialize', '--json', '--select', 'users'], { STRATA_SOURCE_URL: empty });
    expect(result.code).toBe(1);
    const users = (JSON.parse(result.stdout) as { assets: { key: string; error: { message: string; hint: string } | null }[] }).assets[0]!;
    expect(users.error!.message).toBe(`No file ${path.join(empty, 'users.json')}: the folder is empty.`);
    expect(users.error!.hint).toBe('The source reads {folder}/users.json: add the file, or set the source URL (STRATA_SOURCE_URL) to another folder or an http(s) base URL.');
  });

  it('fails the assets whose output folder is not a folder, naming the path, and leaves the file in the way', async () => {
    const blocked = path.join(workspace.dir, 'not-a-folder');
    await writeFile(blocked, 'a file where the output folder should be');
    const result = await cli(['materialize', '--json'], { STRATA_OUTPUT_DIR: blocked });
    // Planning cannot read the stored outputs' versions: the assets are unreadable, so the run tries them and fails each, by name.
    expect(result.code).toBe(1);
    type Assets = { key: string; action: string; reasons: string[]; error: { message: string } | null }[];
    const run = JSON.parse(result.stdout) as { status: string; assets: Assets; partitions: { partition: string; status: string; assets: Assets }[] };
    expect(run.status).toBe('failed');
    // user_trends has no upstream in the run (it reads the daily partitions): it is tried and fails too.
    expect(run.assets.filter((asset) => asset.action === 'failed').map((asset) => asset.key)).toEqual(['posts', 'users', 'user_trends']);
    expect(run.assets[0]!.reasons).toEqual(['missing', 'unreadable']);
    expect(run.assets[0]!.error!.message).toBe(`Cannot write ${blocked}: a file is in the way (EEXIST).`);
    expect(run.assets.filter((asset) => asset.action === 'skipped').map((asset) => asset.key)).toEqual(['posts_enriched', 'user_stats', 'summary', 'top_authors']);
    // Each daily partition's run fails the same way, its source first.
    expect(run.partitions).toHaveLength(14);
    for (const partition of run.partitions) expect(partition.assets.map((asset) => [asset.key, asset.action])).toEqual([['posts_daily', 'failed'], ['user_stats_daily', 'skipped']]);
    expect(await readFile(blocked, 'utf8')).toBe('a file where the output folder should be');
  });

  it('explains a corrupt instance database and how to recover', async () => {
    await mkdir(workspace.env.STRATA_HOME!, { recursive: true });
    await writeFile(path.join(workspace.env.STRATA_HOME!, 'strata.db'), 'this is not a database'.repeat(100));
    const result = await cli(['status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*\.strata\/strata\.db is not a readable SQLite database \(SQLITE_NOTADB\)\.$/m);
    expect(result.stderr).toMatch(/^hint: Move it aside .* every asset is planned as missing and materialized again\.$/m);
  });

  it('shows the error of a definitions module that throws while loading', async () => {
    const result = await cli(['materialize', '--definitions', path.join(FIXTURES, 'throwing-definitions.mjs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: Loading .*throwing-definitions\.mjs failed: cannot connect to the warehouse: WAREHOUSE_URL is not set$/m);
  });

  it('says what a definitions module exported instead of definitions', async () => {
    const result = await cli(['materialize', '--definitions', path.join(FIXTURES, 'no-definitions.mjs')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/exports no definitions \(it exports: assets, helper\)/);
  });

  it('names the path of a definitions module that does not exist', async () => {
    const result = await cli(['materialize', '--definitions', 'nope/defs.mjs']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Definitions module not found: ${path.join(workspace.dir, 'nope/defs.mjs')}`);
  });
});
