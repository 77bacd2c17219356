import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from './run-cli.js';

const OUTPUTS = ['posts.csv', 'posts_enriched.csv', 'summary.csv', 'top_authors.csv', 'user_stats.csv', 'users.csv'];
/** The daily-partitioned assets' outputs, from the bundled data/daily: a folder of one CSV per day each, and user_trends. */
const DAILY_OUTPUTS = ['posts_daily', 'user_stats_daily', 'user_trends.csv'];
const DAYS = Array.from({ length: 14 }, (_, index) => `2026-01-${String(index + 1).padStart(2, '0')}.csv`);

describe('assets materialize (the built CLI on the example)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());

  const run = (...args: string[]) => runCli(['materialize', ...args], { cwd: workspace.dir, env: workspace.env });
  const csv = (key: string) => readFile(path.join(workspace.output, `${key}.csv`), 'utf8');

  it('writes the six CSVs with exactly the expected rows', async () => {
    const result = await run();
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect((await readdir(workspace.output)).sort()).toEqual([...OUTPUTS, ...DAILY_OUTPUTS].sort());
    for (const folder of ['posts_daily', 'user_stats_daily']) expect((await readdir(path.join(workspace.output, folder))).sort()).toEqual(DAYS);
    expect(await csv('summary')).toBe(
      'total_users,total_posts,avg_posts_per_user,avg_words_per_post,max_words_post_id,users_without_posts,orphan_posts\n7,9,1.29,2.56,1,1,1\n',
    );
    expect(await csv('top_authors')).toBe(
      [
        'rank,user_id,name,username,post_count,total_words,avg_words_per_post',
        '1,1,Leanne Graham,Bret,2,7,3.5',
        '2,7,Cy,cy,2,1,0.5',
        '3,5,Ana,ana,1,4,4',
        '4,6,Bo,bo,1,4,4',
        '5,2,Ervin Howell,Antonette,1,3,3',
        '',
      ].join('\n'),
    );
    const users = (await csv('users')).split('\n');
    expect(users[0]).toBe('id,name,username,email,phone,website,city,zipcode,lat,lng,company_name');
    expect(users[3]).toBe('3,Zoë Ångström,zoe,zoe@example.com,1-770-736-8031 x56442,hildegard.org,São Paulo,01234,-37.3159,81.1496,"Romaguera, ""Crona"""');
    expect(users).toHaveLength(9);
    const posts = (await csv('posts')).split('\n');
    expect(posts[1]).toBe('1,1,"Hello, world",first line second line,12,22,4');
    expect(posts[2]).toBe('2,1,"Quote ""this""",a b c,12,5,3');
    const enriched = (await csv('posts_enriched')).split('\n');
    expect(enriched[4]).toBe('4,99,orphan,x y,6,3,2,"","","",""');
    expect((await csv('user_stats')).split('\n')[4]).toBe('4,王小明,xiaoming,0,0,0,0');
  });

  it('prints a summary table on stdout and keeps logs on stderr', async () => {
    const result = await run();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^asset\s+result\s+rows\s+duration/m);
    for (const key of ['users', 'posts', 'posts_enriched', 'user_stats', 'top_authors', 'summary', 'user_trends']) {
      expect(result.stdout).toMatch(new RegExp(`^${key}\\s+materialized`, 'm'));
    }
    // The 14 daily partitions run first, one run each, then the unpartitioned assets in one.
    expect(result.stdout.match(/^Partition 2026-01-\d\d: success, 2 materialized/gm)).toHaveLength(14);
    expect(result.stdout).toMatch(/7 materialized, 0 up to date, 0 failed, 0 skipped/);
    // Off a terminal, logs are JSON lines on stderr.
    const logLines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(logLines.some((line) => line.msg === 'materialized users')).toBe(true);
  });

  it('reads another snapshot from STRATA_SOURCE_URL', async () => {
    const posts = JSON.parse(await readFile(path.join(workspace.source, 'posts.json'), 'utf8')) as unknown[];
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(workspace.source, 'posts.json'), JSON.stringify(posts.slice(0, 3)));
    const result = await run();
    expect(result.code).toBe(0);
    expect((await csv('summary')).split('\n')[1]).toBe('7,3,0.43,3.33,1,5,0');
  });

  it('fails the asset whose source row breaks its schema, naming the asset, row, field and value, and writes nothing', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(workspace.source, 'posts.json'), JSON.stringify([{ userId: 1, id: '4x', title: 't', body: 'b' }]));
    const result = await run('--json');
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { status: string; assets: { key: string; action: string; error: { message: string } | null }[] };
    expect(document.status).toBe('failed');
    const posts = document.assets.find((asset) => asset.key === 'posts')!;
    expect(posts.action).toBe('failed');
    expect(posts.error!.message).toMatch(/posts/);
    expect(posts.error!.message).toMatch(/row 0/);
    expect(posts.error!.message).toMatch(/"id"/);
    expect(posts.error!.message).toMatch(/"4x"/);
    expect(Object.fromEntries(document.assets.map((asset) => [asset.key, asset.action]))).toEqual({
      users: 'materialized',
      posts: 'failed',
      posts_enriched: 'skipped',
      user_stats: 'skipped',
      top_authors: 'skipped',
      summary: 'skipped',
      user_trends: 'materialized',
    });
    expect((await readdir(workspace.output)).sort()).toEqual(['posts_daily', 'user_stats_daily', 'user_trends.csv', 'users.csv']);
  });
});

describe('assets (command line)', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const cli = (...args: string[]) => runCli(args, { cwd: workspace.dir, env: workspace.env });

  it('prints its version and help', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/materialize\s+Materialize/);
    const commandHelp = await cli('materialize', '--help');
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toMatch(/Usage: assets materialize/);
    expect(commandHelp.stdout).toMatch(/--select <EXPR>/);
    expect(commandHelp.stdout).toMatch(/Examples:\n {2}assets materialize/);
  });

  it('suggests the closest command for an unknown one and exits 2', async () => {
    const result = await cli('materialise');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('error: Unknown command "materialise".\nhint: Did you mean `assets materialize`?\n');
  });

  it('suggests the closest flag for an unknown one and exits 2', async () => {
    const result = await cli('materialize', '--selcet', 'users');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Unknown flag --selcet for `assets materialize`.\nhint: Did you mean --select?\n');
  });

  it('rejects conflicting flags by name', async () => {
    const result = await cli('materialize', '--force', '--dry-run');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --force cannot be combined with --dry-run\./);
  });

  it('points at the column of a selection syntax error and exits 2', async () => {
    const result = await cli('materialize', '--select', '+users and');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(0, 3)).toEqual([
      'error: Invalid selection: expected an asset key, tag:, group:, kind:, key:, status:, check: or "(" after "and"',
      '  +users and',
      '            ^',
    ]);
  });

  it('suggests close keys for an unknown asset and exits 2', async () => {
    const result = await cli('materialize', '--select', 'usres');
    expect(result).toMatchObject({ code: 2, stderr: 'error: Unknown asset "usres".\nhint: Did you mean "users"?\n' });
  });

  it('rejects a selection that selects nothing and exits 2', async () => {
    const result = await cli('materialize', '--select', 'tag:nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Selection "tag:nope" selects no assets.\nhint: Known tags: api.\n');
  });
});
