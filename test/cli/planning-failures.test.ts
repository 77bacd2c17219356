import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, makeWorkspace, runCli } from './run-cli.js';

interface RunJson {
  status: string;
  assets: { key: string; action: string; error: { message: string } | null }[];
}

const actionsOf = (json: RunJson) => Object.fromEntries(json.assets.map((asset) => [asset.key, asset.action]));

describe('status and materialize agree on what they can read', () => {
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
  });
  afterEach(() => workspace.cleanup());
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: workspace.dir, env: { ...workspace.env, ...env } });

  it('refuses a selection whose unselected upstream lost its output, with or without --force, while status calls it stale', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    expect((await cli(['wipe', 'users', '--yes', '--delete-outputs'])).code).toBe(0);

    const plain = await cli(['materialize', '--select', 'user_stats']);
    const forced = await cli(['materialize', '--select', 'user_stats', '--force']);
    for (const result of [plain, forced]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/error: Selected assets need upstream assets that are not selected and have no stored output: user_stats needs users\./);
    }
    const status = JSON.parse((await cli(['status', '--json', '--select', 'user_stats'])).stdout);
    expect(status.assets).toMatchObject([{ key: 'user_stats', status: 'stale', reasons: ['upstream-planned'] }]);
  });

  it('fails the sources whose folder vanished, names them, skips their downstream and exits 1', async () => {
    expect((await cli(['materialize'])).code).toBe(0);
    await rm(workspace.source, { recursive: true });
    const status = await cli(['why', 'posts']);
    expect(status.stdout).toMatch(/^posts is stale:\n {2}- Strata could not read the source of posts: No file .*posts\.json: the folder .* does not exist\./);

    const result = await cli(['materialize', '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as RunJson;
    expect(actionsOf(json)).toEqual({ posts: 'failed', users: 'failed', posts_enriched: 'skipped', user_stats: 'skipped', summary: 'skipped', top_authors: 'skipped' });
    expect(json.assets[0]!.error!.message).toMatch(/the folder .*source does not exist/);
  });
});

describe('a planning failure belongs to its branch', () => {
  let dir: string;
  let workspace: Awaited<ReturnType<typeof makeWorkspace>>;
  beforeEach(async () => {
    workspace = await makeWorkspace();
    dir = workspace.dir;
    for (const side of ['left', 'right']) {
      await mkdir(path.join(dir, side));
      await writeFile(path.join(dir, side, 'rows.json'), '[{"id":1}]');
    }
  });
  afterEach(() => workspace.cleanup());

  it('fails the branch it cannot observe and still runs the independent one', async () => {
    const cli = (args: string[]) =>
      runCli([...args, '--definitions', path.join(FIXTURES, 'two-sources-definitions.mjs')], {
        cwd: dir,
        env: { ...workspace.env, LEFT_DIR: path.join(dir, 'left'), RIGHT_DIR: path.join(dir, 'right') },
      });
    expect((await cli(['materialize'])).code).toBe(0);
    await rm(path.join(dir, 'left'), { recursive: true });
    await writeFile(path.join(dir, 'right', 'rows.json'), '[{"id":1},{"id":2}]');

    const result = await cli(['materialize', '--json']);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as RunJson;
    expect(actionsOf(json)).toEqual({ left: 'failed', right: 'materialized', left_child: 'skipped', right_child: 'materialized' });
    expect(json.assets.find((asset) => asset.key === 'left')!.error!.message).toContain(path.join(dir, 'left'));
    const plain = await cli(['materialize']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/left: No file .*rows\.json: the folder .*left does not exist\./);
  });
});
